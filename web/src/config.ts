import { DEFAULT_FEATURE_CONFIG } from '../../src/model/bar-features.js';

/**
 * Symbols the selector offers from the start (the built-in simulator's: `mia serve` publishes ES and NQ by default,
 * MES and MNQ on request); any other symbol the engine publishes is added once its status names it.
 */
export const SYMBOLS = ['ES', 'NQ', 'MES', 'MNQ'] as const;
/** Timeframes in the order the selector lists them. */
export const TIMEFRAMES = ['1m', '5m', '15m', '1h', '4h'] as const;
/** The finest timeframe: the session profile is summed from its bars' footprints (see session-profile.ts). */
export const PROFILE_TIMEFRAME = '1m';

/** Closed bars kept per chart; the store trims back to this once it holds BAR_SLACK more (one setData per trim). */
export const BAR_CAPACITY = 2000;
/** Bars appended beyond the capacity before a trim, so trimming is rare. */
export const BAR_SLACK = 200;
/** Decisions kept for the list (latest first). */
export const DECISION_CAPACITY = 200;
/** Render durations kept for `__mia.stats()`. */
export const RENDER_SAMPLES = 1000;
/** How often the page asks `GET /health` for the stage latencies, ms. */
export const HEALTH_POLL_MS = 3000;

/**
 * Diagonal-imbalance settings of the footprint (docs/features.md; ATAS defaults, the engine's defaults): a
 * multiplier, a minimum volume in units, and the run length of a stacked imbalance.
 */
export const IMBALANCE = {
  ratio: DEFAULT_FEATURE_CONFIG.imbalanceRatio,
  minVolume: DEFAULT_FEATURE_CONFIG.imbalanceMinVolume,
  stackedLevels: DEFAULT_FEATURE_CONFIG.stackedLevels,
} as const;

/** Decision thresholds shown on the gauges (docs/signals.md; docs/ml.md): Battle Navale score and confidence, ML mean. */
export const THRESHOLDS = { score: 0.25, confidence: 0.75, mlMean: 0.6 } as const;

/**
 * Reconnection policy of the page: the stream client's (src/client/mia-client.ts), 250 ms doubling to 10 s,
 * ±20 % jitter, reset after 5 s connected.
 */
export const RECONNECT = {
  initialDelayMs: 250,
  maxDelayMs: 10_000,
  factor: 2,
  jitterBelow: 0.2,
  jitterAbove: 0.2,
  healthyAfterMs: 5000,
} as const;

/**
 * Control messages per second the page sends at most: the server closes a connection past 20 (1008,
 * docs/stream.md), and quick symbol and timeframe changes send two each.
 */
export const CONTROL_PER_SEC = 10;

/** Colours of the dark screen, shared by the charts (canvas) and the stylesheet's variables. */
export const COLORS = {
  background: '#0d1117',
  panel: '#131923',
  grid: '#1c2330',
  border: '#2a3241',
  text: '#c9d1d9',
  muted: '#7d8590',
  up: '#26a69a',
  down: '#ef5350',
  upSoft: 'rgba(38, 166, 154, 0.45)',
  downSoft: 'rgba(239, 83, 80, 0.45)',
  vwap: '#b388ff',
  band1: 'rgba(179, 136, 255, 0.65)',
  band2: 'rgba(179, 136, 255, 0.35)',
  poc: '#ffca28',
  valueArea: '#4fc3f7',
  cumDelta: '#64b5f6',
  buyImbalance: '#5cf2a6',
  sellImbalance: '#ff6e6e',
} as const;
