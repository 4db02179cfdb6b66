import { pino, type Logger } from 'pino';
import { ReplaySource } from '../adapters/replay/replay-source.js';
import { SnapshotEngine, type FramePublisher } from '../engine/snapshot-engine.js';
import { configError, ErrorCode } from '../common/errors.js';
import { SignalTrader, type ScoreSignal, type TraderCounters, type TradeRecord } from '../execution/signal-trader.js';
import { SimBroker, type SimBrokerConfig } from '../execution/sim-broker.js';
import { DEFAULT_FEATURE_CONFIG, type FeatureConfig } from '../model/bar-features.js';
import { contractRoot } from '../risk/contract-specs.js';
import type { RiskConfig } from '../risk/risk-engine.js';
import { ExchangeCalendar } from '../signals/calendar/exchange-holidays.js';
import { tradeDate } from '../signals/calendar/us-eastern-time.js';
import { SignalEngine, type SignalEngineConfig } from '../signals/signal-engine.js';
import { SnapshotInputReader, type ClosedBarRead, type SnapshotRead } from '../stream/snapshot-input-reader.js';
import { computeMetrics, type BacktestMetrics } from './backtest-metrics.js';
import { BrokerTap } from '../engine/broker-tap.js';

/** One backtest run. */
export interface BacktestOptions {
  /** Trade file: CSV or Databento DBN (as `mia features`). */
  input: string;
  /** Raw symbol or instrument id to choose in a file with several. */
  symbol?: string;
  /** Contract root (ES, NQ); default: from the file's symbol (`ESH4`, or a file named `esh4_…`). */
  instrument?: string;
  /** Entries from this market time on (ns); earlier trades warm the indicators. */
  fromNs?: bigint;
  /** The replay stops before this market time (ns). */
  toNs?: bigint;
  startingBalance: number;
  /** Win probability for the Kelly sizing without an ML filter. */
  winProbability: number;
  risk?: Partial<RiskConfig>;
  broker?: Partial<SimBrokerConfig>;
  signals?: Partial<SignalEngineConfig>;
  feature?: Partial<Omit<FeatureConfig, 'sizeDecimals'>>;
  scoreSignal?: ScoreSignal;
  /** Value the ML filter is given for a feature still warming up (the models' manifest says which). */
  missingFeature?: number;
  skipBad?: boolean;
  /** Called after each intake with the trades read so far. */
  onProgress?: (trades: number) => void;
  log?: Logger;
}

/** What a run produced. */
export interface BacktestResult {
  symbol: string;
  trades: TradeRecord[];
  metrics: BacktestMetrics;
  counters: TraderCounters;
  tradesRead: number;
  snapshots: number;
  bars: number;
  firstNs: bigint | null;
  lastNs: bigint | null;
}

/** Tape of a backtest, trades. */
const BACKTEST_TAPE = 1 << 16;

/** Snapshot cadence of a backtest: bar closes only (a wall-clock interval would make runs differ). */
const NEVER_MS = 1e12;

/**
 * The live pipeline over a replay: ReplaySource → SnapshotEngine (inline kernels) → frames read in place →
 * SignalEngine → ML filter (optional) → RiskEngine → SimBroker, the broker matching every trade of the
 * replay (BrokerTap). Snapshots come at every base-bar close (and the first and last), which the engine
 * guarantees at any replay speed; nothing depends on the wall clock, so the same input and options give
 * the same trades.
 */
export async function runBacktest(o: BacktestOptions): Promise<BacktestResult> {
  const log = o.log ?? pino({ level: 'silent' });
  const replay = await ReplaySource.open(o.input, {
    speed: 'max', tickSize: o.feature?.tickSize ?? DEFAULT_FEATURE_CONFIG.tickSize,
    ...(o.symbol !== undefined ? { symbol: o.symbol } : {}), ...(o.skipBad ? { skipBad: true } : {}),
  });
  const symbol = instrumentOf(o, replay.source.info.symbol);
  const broker = new SimBroker(o.broker ?? {});
  const trader = new SignalTrader(broker, {
    startingBalance: o.startingBalance, winProbability: o.winProbability, ...(o.risk ? { risk: o.risk } : {}),
    ...(o.fromNs !== undefined ? { tradeFromNs: o.fromNs } : {}), ...(o.scoreSignal ? { scoreSignal: o.scoreSignal } : {}),
    ...(o.missingFeature !== undefined ? { missingFeature: o.missingFeature } : {}),
  });
  const signals = new SignalEngine(o.signals ?? {});
  // Frames are read in place into the signals' input (as `mia serve`'s decision stage reads them).
  const reader = new SnapshotInputReader();
  const queue: Array<SnapshotRead | ClosedBarRead> = [];
  let snapshots = 0;
  let bars = 0;
  let firstNs: bigint | null = null;
  const publisher: FramePublisher = {
    snapshot: (_s, _t, f) => void queue.push(reader.read(f.bytes) as SnapshotRead),
    bar: (_t, f) => void queue.push(reader.read(f.bytes) as ClosedBarRead),
    status: () => undefined,
    counters: () => ({ subscribers: 0, framesConflated: 0, closedSlow: 0, controlErrors: 0 }),
  };
  // Frames wait until the broker has seen every trade of the intake that produced them (BrokerTap's drain).
  const drain = (): Promise<void> => {
    for (const m of queue) {
      if (m.kind === 'bar') {
        bars++;
        signals.onBarInput(m.symbol, m.bar);
        continue;
      }
      snapshots++;
      const d = signals.decide(m.input);
      firstNs ??= m.tsNs;
      trader.onDecision(d, m.tsNs);
    }
    queue.length = 0;
    trader.settle();
    return Promise.resolve();
  };
  const tap = new BrokerTap(replay, broker, { holding: () => queue.length > 0, drain, ...(o.onProgress ? { progress: o.onProgress } : {}) },
    { publishAs: symbol, ...(o.toNs !== undefined ? { toNs: o.toNs } : {}) });
  const engine = new SnapshotEngine(tap, publisher, {
    config: { ...DEFAULT_FEATURE_CONFIG, ...o.feature }, intervalMs: NEVER_MS, staleMs: NEVER_MS, threads: 1, kernels: 'inline',
    footprint: true, liveFootprintSec: [],
    // Inline kernels process each intake before the next: a 64 Ki-trade tape (2 MiB) rewinds often and stays
    // in cache, where the live default (1 Mi trades) would touch 32 MiB of fresh pages in every run.
    tapeCapacity: BACKTEST_TAPE, warmUp: false,
  }, log);
  await engine.start();
  await engine.done;
  await engine.stop();
  if (engine.sourceError) throw engine.sourceError;
  await drain();
  trader.finish();
  const lastNs = broker.nowNs > 0n ? broker.nowNs : null;
  return {
    symbol, trades: trader.trades, counters: trader.counters, tradesRead: tap.trades, snapshots, bars, firstNs, lastNs,
    metrics: computeMetrics(trader.trades.map((t) => ({ profit: t.trip.netUsd, exitDay: tradeDate(Number(t.trip.exitNs / 1_000_000n)) })),
      o.startingBalance, businessDays(firstNs, lastNs)),
  };
}

/** The contract root: --instrument, else from --symbol or the file's symbol (a CSV's is its file name). */
function instrumentOf(o: BacktestOptions, fileSymbol: string): string {
  const given = o.instrument ?? o.symbol ?? fileSymbol;
  const root = contractRoot(given);
  if (!root) {
    throw configError(ErrorCode.BAD_ARGUMENT, `cannot tell the contract of "${given}": give --instrument ES or NQ`, { file: o.input });
  }
  return root;
}

/** Business trade dates from the first decision's to the last trade's (the Sharpe ratio's days). */
function businessDays(firstNs: bigint | null, lastNs: bigint | null): number[] {
  if (firstNs === null || lastNs === null) return [];
  const cal = new ExchangeCalendar();
  const out: number[] = [];
  for (let d = tradeDate(Number(firstNs / 1_000_000n)); d <= tradeDate(Number(lastNs / 1_000_000n)); d++) if (cal.isBusinessDay(d)) out.push(d);
  return out;
}
