import { pino, type Logger } from 'pino';
import { ReplaySource } from '../adapters/replay/replay-source.js';
import type { ContentHashState } from '../engine/content-hash.js';
import { DecisionPipeline, type DecisionScorer, type FeatureRow } from '../engine/decision-pipeline.js';
import { SnapshotEngine } from '../engine/snapshot-engine.js';
import { configError, ErrorCode } from '../common/errors.js';
import type { TraderCounters, TradeRecord } from '../execution/signal-trader.js';
import { SimBroker, type SimBrokerConfig } from '../execution/sim-broker.js';
import { DEFAULT_FEATURE_CONFIG, type FeatureConfig } from '../model/bar-features.js';
import { contractRoot } from '../model/contract-specs.js';
import type { RiskConfig } from '../risk/risk-engine.js';
import { ExchangeCalendar } from '../model/calendar/exchange-holidays.js';
import { tradeDate } from '../model/calendar/us-eastern-time.js';
import type { SignalEngineConfig } from '../signals/signal-engine.js';
import { computeMetrics, type BacktestMetrics } from './backtest-metrics.js';
import { metricsByStrategy } from './strategy-metrics.js';
import { replaySchedule } from './replay-schedule.js';
import { BrokerTap } from '../engine/broker-tap.js';
import { nsToMs } from '../model/time.js';
import type { EventBus } from '../engine/engine-events.js';
import type { TradingVenue } from '../execution/execution-venue.js';
import type { StrategyBookConfig } from '../signals/strategies/strategy-book.js';

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
  /** Strategies and the trading-hours window (docs/signals.md); absent: off, the signal's direction traded as it is. */
  strategies?: StrategyBookConfig;
  /**
   * SHAP values on scored decisions (default false: a backtest's results do not read them, and they cost tens of µs a
   * scored decision; `mia explain` asks for them).
   */
  explain?: boolean;
  feature?: Partial<Omit<FeatureConfig, 'sizeDecimals'>>;
  /** The ML filter (the ensemble of `mia train`); none: the filter is off. */
  scorer?: DecisionScorer;
  /** Value the ML filter is given for a feature still warming up (the models' manifest says which). */
  missingFeature?: number;
  skipBad?: boolean;
  /** Called after each intake with the trades read so far. */
  onProgress?: (trades: number) => void;
  /** Feature taps on the decision pipeline (every decision's row, before scoring). */
  taps?: Array<(r: FeatureRow) => void>;
  log?: Logger;
  /**
   * Called once the run is wired, before the replay starts: the engine's bus, the simulated broker and the
   * decision pipeline (the journal of `mia backtest --journal` taps them here).
   */
  onPipeline?: (run: { events: EventBus; venue: TradingVenue; pipeline: DecisionPipeline }) => void;
}

/** What a run produced. */
export interface BacktestResult {
  symbol: string;
  trades: TradeRecord[];
  metrics: BacktestMetrics;
  /** The metrics of each strategy's trades (`signal` when strategies are off); they add up to `metrics` (counts and sums). */
  byStrategy: Record<string, BacktestMetrics>;
  counters: TraderCounters;
  tradesRead: number;
  snapshots: number;
  bars: number;
  firstNs: bigint | null;
  lastNs: bigint | null;
  /** The signal engine's configuration the run decided with (recorded in metrics.json). */
  signalConfig: SignalEngineConfig;
  /** The running hash of the content the engine emitted (as `mia serve` reports it in its final status). */
  contentHash: ContentHashState;
}

/**
 * The live pipeline over a replay: ReplaySource → SnapshotEngine (inline kernels) → snapshot and bar events →
 * DecisionPipeline (SignalEngine → ML filter, optional → RiskEngine → SignalTrader) → SimBroker, the broker
 * matching every trade of the replay (BrokerTap). Snapshots come at every base-bar close (and the first and last), which the engine
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
  // The decision pipeline of `mia serve`, trading on the simulated broker: the same decisions on the same trades.
  const pipeline = new DecisionPipeline({
    startingBalance: o.startingBalance, winProbability: o.winProbability, symbols: [symbol], venue: broker,
    // Only long and short decisions can be let through: flat ones are not scored.
    scoreFlat: false, explain: o.explain ?? false,
    ...(o.risk ? { risk: o.risk } : {}), ...(o.signals ? { signals: o.signals } : {}),
    ...(o.fromNs !== undefined ? { tradeFromNs: o.fromNs } : {}), ...(o.scorer ? { scorer: o.scorer } : {}),
    ...(o.missingFeature !== undefined ? { missingFeature: o.missingFeature } : {}), ...(o.strategies ? { strategies: o.strategies } : {}),
  }, log);
  // Decisions wait until the broker has seen every trade of the intake that produced them (BrokerTap's drain).
  const tap = new BrokerTap(replay, broker, {
    holding: () => pipeline.holding(), drain: () => pipeline.settle(), ...(o.onProgress ? { progress: o.onProgress } : {}),
  }, { publishAs: symbol, ...(o.toNs !== undefined ? { toNs: o.toNs } : {}) });
  const engine = new SnapshotEngine(tap, replaySchedule({ ...DEFAULT_FEATURE_CONFIG, ...o.feature }), log);
  let firstNs: bigint | null = null;
  engine.events.on('snapshot', (e) => void (firstNs ??= e.tsNs));
  pipeline.attach(engine.events);
  for (const f of o.taps ?? []) pipeline.tap(f);
  o.onPipeline?.({ events: engine.events, venue: broker, pipeline });
  await engine.start();
  await engine.done;
  await engine.stop();
  if (engine.sourceError) throw engine.sourceError;
  await pipeline.finish();
  const contentHash = engine.status().contentHashes[0]!;
  const trader = pipeline.trader!;
  const lastNs = broker.nowNs > 0n ? broker.nowNs : null;
  const days = businessDays(firstNs, lastNs);
  return {
    symbol, trades: trader.trades, counters: trader.counters, tradesRead: tap.trades, snapshots: pipeline.counts.snapshots,
    bars: pipeline.counts.bars, firstNs, lastNs, signalConfig: pipeline.signalConfig, contentHash,
    metrics: computeMetrics(trader.trades.map((t) => ({ profit: t.trip.netUsd, exitDay: tradeDate(nsToMs(t.trip.exitNs)) })),
      o.startingBalance, days),
    byStrategy: metricsByStrategy(trader.trades, o.startingBalance, days),
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
  for (let d = tradeDate(nsToMs(firstNs)); d <= tradeDate(nsToMs(lastNs)); d++) if (cal.isBusinessDay(d)) out.push(d);
  return out;
}
