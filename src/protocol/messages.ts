// The decoded shapes of stream frames. A binary frame decodes (src/stream/frame-decoder.ts) to exactly the
// object a JSON subscriber receives, so both formats carry the same content by construction; the shapes
// are documented for users in docs/stream.md.
import type { ConfluenceTimeframe } from '../model/confluence-timeframes.js';

/** A bar as `mia features` prints it (src/model/bar-json.ts), plus footprint levels when present. */
export type BarJson = Record<string, unknown> & { ts: string; timeframe: string };

/** Session profile and VWAP of one symbol, repeated in each timeframe's frame. */
export interface SessionJson {
  poc: number;
  vah: number;
  val: number;
  vaCoverage: number;
  hvn: number[];
  lvn: number[];
  vwap: number;
  vwapSigma: number;
  vwapUpper1: number;
  vwapLower1: number;
  vwapUpper2: number;
  vwapLower2: number;
  inferredShare: number;
}

/** One timeframe of a snapshot. */
export interface FeatureFrameJson {
  timeframe: string;
  timeframeSec: number;
  /** The bar in progress, or null between the last close and the next trade. */
  bar: BarJson | null;
  /** The most recent closed bar, or null before the first close. */
  lastClosed: BarJson | null;
  /** Footprint of the bar in progress, low to high (rows with volume; empty when no bar is in progress). */
  footprint: { price: number; bid: number; ask: number; bidTrades: number; askTrades: number }[];
  session: SessionJson;
}

/**
 * Stage times of a snapshot, microseconds since the Unix epoch (fractional; the schema holds ns). Measured
 * with one clock (performance.timeOrigin + performance.now()), comparable across processes of one host.
 */
export interface StagesJson {
  tickReceivedUs: number;
  tapeCommittedUs: number;
  kernelsDoneUs: number;
  frameBuiltUs: number;
  publishedUs: number;
}

/** Topic `snapshot.<SYMBOL>`. */
export interface SnapshotMessage {
  type: 'snapshot';
  topic: string;
  symbol: string;
  sequence: number;
  /** Time of the last trade included (ISO-8601 UTC, ns digits kept) and its exact ns as a string. */
  ts: string;
  tsNs: string;
  tickSize: number;
  sizeDecimals: number;
  /** Names of the quality flags set (Stale, Gap, Disconnected, SidesInferred, Replay); empty when clean. */
  quality: string[];
  quote: { ts: string; bid: number; ask: number; bidSize: number; askSize: number } | null;
  tradesTotal: number;
  /**
   * Data-quality score over the last five minutes, 0 to 1 (docs/metrics.md): clean share × known-side share;
   * null from a server that does not send it.
   */
  dataQuality: number | null;
  stages: StagesJson;
  frames: FeatureFrameJson[];
}

/** Topic `bar.<SYMBOL>.<TF>`: one closed bar. */
export interface BarMessage {
  type: 'bar';
  topic: string;
  symbol: string;
  bar: BarJson;
  publishedUs: number;
}

/** Topic `status`, and the body of GET /health. */
export interface StatusMessage {
  type: 'status';
  topic: string;
  uptimeSec: number;
  source: string;
  sourceState: string;
  feedLagMs: number;
  poolInFlight: number;
  poolTasks: number;
  tradesTotal: number;
  snapshotsTotal: number;
  barsTotal: number;
  subscribers: number;
  framesConflated: number;
  closedSlow: number;
  controlErrors: number;
  final: boolean;
  /** Source reads and kernel tasks that failed (each logged with its code). */
  errors: number;
  /** Live sources: whether the connection is up (sim and replay: true). */
  sourceConnected: boolean;
  /** The source's own health (IB: connection, farms, subscriptions, gaps); null for sim and replay. */
  sourceDetail: Record<string, unknown> | null;
  /** Per symbol, the running hash of the market content published so far (docs/stream.md "Content hashes"). */
  contentHashes: ContentHashJson[];
}

/** One symbol's running content hash: the same trades on the same snapshot schedule give the same hash. */
export interface ContentHashJson {
  symbol: string;
  /** SHA-256, hex, of every snapshot's and closed bar's content so far, in publication order. */
  sha256: string;
  snapshots: number;
  bars: number;
}

/** The ML filter's part of a decision (docs/ml.md). */
export interface DecisionMlJson {
  /** Whether models are loaded (`mia serve --models DIR`). */
  enabled: boolean;
  /** off (no models), scored, skipped (a newer snapshot of the symbol was scored instead) or failed. */
  state: 'off' | 'scored' | 'skipped' | 'failed';
  /** lr, gbt, rf: P(target before stop); empty unless scored. */
  scores: number[];
  mean: number | null;
  approved: boolean;
  /** sha256 of the three model files, in the order of `scores`; empty without models. */
  hashes: string[];
  /** SHAP base value of lr, gbt, rf (docs/ml.md "Explanations"); absent when the decision is not explained. */
  shapBase?: readonly number[];
  /** SHAP values: 8 per model (FEATURE_NAMES order), lr then gbt then rf; absent when not explained. */
  shapValues?: readonly number[];
}

/** The risk engine's part of a decision: recorded, never sent as an order by `mia serve`. */
export interface DecisionRiskJson {
  /** True for a long or short decision the ML filter let through (or any, with the filter off). */
  evaluated: boolean;
  approved: boolean;
  /** MIA_RISK_* reason code of a refusal; null when approved or not evaluated. */
  reason: string | null;
  qty: number;
  stopPrice: number | null;
  targetPrice: number | null;
  /** INFO, WARNING, CRITICAL or CATASTROPHE. */
  alert: string;
}

/** Topic `signal.<SYMBOL>`: the decision for one snapshot (docs/signals.md). Unknown values (warming up) are null. */
export interface DecisionMessage {
  type: 'signal';
  topic: string;
  symbol: string;
  /** Sequence of the snapshot decided on. */
  sequence: number;
  ts: string;
  tsNs: string;
  score: number;
  confidence: number;
  direction: 'long' | 'short' | 'flat';
  /** The eight features by name (FEATURE_NAMES). */
  features: Record<string, number | null>;
  regime: {
    market: { trendUp: number; trendDown: number; range: number } | null;
    volatility: { low: number; normal: number; high: number } | null;
  };
  expiry: { phase: string; factor: number; daysToExpiry: number };
  /** Direction of each confluence timeframe in [−1, 1]; null while it warms up (and from servers before 2026-12-03). */
  directions: Record<ConfluenceTimeframe, number | null>;
  /** The smart-money tracker's components in [−1, 1] (positive: buyers in control) and their score; null when unknown. */
  smartMoney: DecisionSmartMoneyJson;
  ml: DecisionMlJson;
  risk: DecisionRiskJson;
  /** The snapshot's publish time and the decision's, µs since the epoch (the engine's clock, as StagesJson). */
  snapshotPublishedUs: number;
  publishedUs: number;
  /** The strategy that shaped `direction` (docs/signals.md "Strategies"); absent when strategies are off (and from servers before 2026-12-04). */
  strategy?: DecisionStrategyJson;
  /** Order-flow patterns of the last closed base bar (docs/signals.md); absent from servers before 2026-12-04. */
  patterns?: DecisionPatternsJson;
  /** Feature drift of the symbol (docs/ml.md "Feature drift"); absent when drift is off. */
  drift?: DecisionDriftJson;
  /** The neural models' outputs when they are on (docs/ml.md "Neural models"); absent when off. */
  nn?: DecisionNeuralJson;
}

/** A decision's strategy: which one, the rule that decided, and the Battle Navale direction before its rules. */
export interface DecisionStrategyJson {
  /** trend, range, defensive; signal (no strategy enabled, a trading-hours window set); none (regimes warming up). */
  id: string;
  /** Reason code of the rule that decided (docs/signals.md). */
  reason: string;
  signalDirection: 'long' | 'short' | 'flat';
}

/** One order-flow pattern: +1 favours buyers, −1 sellers, 0 none; the price it happened at, null with none. */
export interface DecisionPatternJson {
  side: -1 | 0 | 1;
  price: number | null;
}

/** A decision's three order-flow patterns. */
export interface DecisionPatternsJson {
  absorption: DecisionPatternJson;
  exhaustion: DecisionPatternJson;
  initiative: DecisionPatternJson;
}

/** A decision's feature drift: PSI per feature (FEATURE_NAMES order, null until the window has enough rows). */
export interface DecisionDriftJson {
  psi: (number | null)[];
  psiMax: number | null;
  /** Some feature's PSI at or above the threshold (0.25 by default). */
  flagged: boolean;
}

/** A decision's neural outputs: P(high volatility), P(trend), P(up); null when unknown (the LSTM before a close). */
export interface DecisionNeuralJson {
  enabled: true;
  volatility: number | null;
  regime: number | null;
  direction: number | null;
}

/** A decision's smart-money components (docs/signals.md). */
export interface DecisionSmartMoneyJson {
  largeFlow: number | null;
  stacked: number | null;
  absorption: number | null;
  book: number | null;
  score: number | null;
}

/** The limits a risk state is held to; null (and 0) from servers before 2026-12-03. */
export interface RiskLimitsJson {
  /** Realised loss of one trade date, dollars, at which entries stop. */
  dailyLoss: number | null;
  /** Losing trades in a row at which entries stop. */
  maxConsecutiveLosses: number;
  /** Largest absolute position per symbol, contracts. */
  maxPosition: number;
  /** Balance below which the account is in CATASTROPHE. */
  minBalance: number | null;
}

/** Topic `risk`: the risk engine's state. */
export interface RiskMessage {
  type: 'risk';
  topic: string;
  alert: string;
  halted: boolean;
  balance: number;
  dailyPnl: number;
  consecutiveLosses: number;
  positions: { symbol: string; qty: number }[];
  /** Reason code and symbol of the most recent refusal; null before the first. */
  lastRefusal: string | null;
  lastRefusalSymbol: string | null;
  /** False: decisions are recorded only, no order is sent. */
  ordersEnabled: boolean;
  limits: RiskLimitsJson;
  publishedUs: number;
}

/** How much an alert matters: info (recorded), warning, critical (docs/alerts.md). */
export type AlertSeverity = 'info' | 'warning' | 'critical';

/** Where an alert is in its life: raised once, repeated while it holds (rate-limited), resolved once clear. */
export type AlertState = 'raised' | 'repeated' | 'resolved';

/** Topic `alert`: one event of an alert rule (docs/alerts.md); also the body of a generic webhook and /health's active alerts. */
export interface AlertMessage {
  type: 'alert';
  topic: string;
  /** The alert's identity: the rule, and the symbol for per-symbol rules (`feedStale:ES`, `latency`). */
  key: string;
  rule: string;
  /** The symbol the alert is about; null for engine-wide rules. */
  symbol: string | null;
  severity: AlertSeverity;
  state: AlertState;
  /** One line for a person, the reading and its threshold included. */
  message: string;
  /** The reading and the threshold it is held to (units per rule in docs/alerts.md); null when the rule has none. */
  value: number | null;
  threshold: number | null;
  /** When the condition began to hold and when this event happened, ms since the epoch. */
  sinceMs: number;
  atMs: number;
  /** Notifications of this alert so far, this one included (1 when raised). */
  count: number;
  publishedUs: number;
}

/** Any frame a subscriber receives on a topic. */
export type StreamMessage = SnapshotMessage | BarMessage | StatusMessage | DecisionMessage | RiskMessage | AlertMessage;

/** Control replies (always JSON text frames, whatever the format): acknowledgements and errors. */
export type ControlReply =
  | { type: 'subscribed'; topics: string[] }
  | { type: 'unsubscribed'; topics: string[] }
  | { type: 'pong' }
  | { type: 'error'; code: string; message: string };
