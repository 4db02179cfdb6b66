import type { Logger } from 'pino';
import { configError, ErrorCode, isMiaError } from '../common/errors.js';
import { ML_OFF, riskVerdict, type MlVerdict, type RiskVerdict } from '../execution/decision-verdicts.js';
import { PositionLedger } from '../execution/position-ledger.js';
import { SignalTrader, type MlScore } from '../execution/signal-trader.js';
import { FILTER_OFF } from '../ml/model-ensemble.js';
import { DriftMonitor } from '../ml/drift-monitor.js';
import type { DecisionExplainer } from '../ml/model-explainer.js';
import { DecisionShap } from './decision-shap.js';
import type { NeuralVerdict } from '../ml/neural/neural-scorer.js';
import { neuralVerdict, type NeuralDecisionScorer } from './neural-stage.js';
import type { BarInput, SnapshotInput } from '../model/signal-input.js';
import { nsToMs, type UnixNanos } from '../model/time.js';
import { formatTimeframe } from '../model/timeframe-format.js';
import { QualityFlag } from '../protocol/generated/mia/quality-flag.js';
import { RiskEngine } from '../risk/risk-engine.js';
import { FEATURE_NAMES, featureRow } from '../signals/features.js';
import { SignalEngine, type SignalDecision, type SignalEngineConfig } from '../signals/signal-engine.js';
import { strategiesActive, StrategyBook } from '../signals/strategies/strategy-book.js';
import type { DecisionEvent, EventBus, RiskStateEvent } from './engine-events.js';
import { RiskChange } from './risk-change.js';
import { ScorerSlot, type DecisionScorer, type ScorerSwap } from './scorer-slot.js';
import type { DecisionCounters, DecisionPipelineOptions, FeatureRow, PipelineHealth, SnapshotToDecide } from './decision-pipeline-options.js';

export type { DecisionScorer, ScorerSwap } from './scorer-slot.js';

export type { DecisionCounters, DecisionPipelineOptions, FeatureRow, PipelineHealth, SnapshotToDecide } from './decision-pipeline-options.js';

/** A decision made, waiting for its risk verdict (trading: once the venue has seen the trades it was made on). */
interface Pending {
  d: SignalDecision;
  sequence: bigint;
  tsNs: UnixNanos;
  quality: number;
  ml: MlVerdict;
  nn: NeuralVerdict | undefined;
}

/** A withheld entry is counted under its highest blocking flag: Disconnected before Gap before Stale. */
const BY_SEVERITY = (Object.entries(QualityFlag) as Array<[string, number]>).sort((a, b) => b[1] - a[1]);

const ML_SKIPPED: MlVerdict = Object.freeze({ ...ML_OFF, enabled: true, state: 'skipped' }) as MlVerdict;

/**
 * The one decision path of `mia serve`, `mia backtest` and `mia train`: signals → ML filter → risk → trader.
 * It takes the engine's snapshot and bar events (attach) or calls of its own (tests), decides on every snapshot,
 * scores the decision once, evaluates its risk once, and emits the decision and the risk state on the bus; with
 * a venue, the published verdict is the one traded. Scoring is synchronous (one onnxruntime run of the joined
 * ensemble, ~10 µs), so every snapshot is decided in order, whatever the load: live decides as a backtest of the
 * same trades does. No wall clock is read except for the live entry-lag check (`maxEntryLagMs`).
 */
export class DecisionPipeline {
  readonly risk: RiskEngine;
  /** Trading: the trader placing the verdicts on the venue; null when verdicts are recorded only. */
  readonly trader: SignalTrader | null;
  /** Where positions live: the trader's ledger of fills, or an empty one when nothing trades. */
  readonly ledger: PositionLedger;
  readonly counts: DecisionCounters = {
    snapshots: 0, bars: 0, decisions: 0, directional: 0, scored: 0, failed: 0, mlApproved: 0,
    riskEvaluated: 0, riskApproved: 0, riskRefused: {}, errors: 0,
  };
  private readonly o: DecisionPipelineOptions;
  private readonly log: Logger;
  private readonly signals: SignalEngine;
  private readonly book: StrategyBook | null;
  /** The ML scorer, swapped between two decisions by swapScorer. */
  private readonly slot: ScorerSlot;
  /** SHAP for the scorer in the slot (rebuilt when a swap brings another explainer); null: not explained. */
  private shap: DecisionShap | null = null;
  private shapExplainer: DecisionExplainer | null = null;
  /** The neural models of the models that score (a swap brings its own); null: off. */
  private neural: NeuralDecisionScorer | null;
  private readonly row = new Float32Array(FEATURE_NAMES.length);
  private readonly waiting: Pending[] = [];
  private readonly taps: Array<(r: FeatureRow) => void> = [];
  private readonly levelsBySec = new Map<number, boolean>();
  /** The risk state's limits: fixed for the pipeline's life, so one object serves every state. */
  private readonly limits: RiskStateEvent['limits'];
  private bus: EventBus | undefined;
  private lastRefusal: string | null = null;
  private lastRefusalSymbol: string | null = null;
  private readonly riskChange: RiskChange;
  private finishing: Promise<void> | undefined;
  /** Feature drift per symbol; null when off (no models, or a manifest without training bins). */
  readonly drift: DriftMonitor | null;

  constructor(o: DecisionPipelineOptions, log: Logger) {
    if (!(o.winProbability >= 0 && o.winProbability <= 1)) throw configError(ErrorCode.BAD_CONFIG, 'winProbability must be in [0, 1]');
    this.o = o;
    this.log = log;
    this.signals = new SignalEngine(o.signals ?? {});
    this.book = o.strategies && strategiesActive(o.strategies) ? new StrategyBook(o.strategies) : null;
    this.neural = o.neural ?? null;
    this.slot = new ScorerSlot(o.scorer ?? null, o.filter ?? FILTER_OFF, o.missingFeature ?? 0);
    this.drift = o.drift ? new DriftMonitor(o.drift) : null;
    this.trader = o.venue
      ? new SignalTrader(o.venue, {
        startingBalance: o.startingBalance, winProbability: o.winProbability, ...(o.risk ? { risk: o.risk } : {}),
        ...(o.tradeFromNs !== undefined ? { tradeFromNs: o.tradeFromNs } : {}), ...(o.tradingLog ? { log: o.tradingLog } : {}),
      })
      : null;
    this.ledger = this.trader ? this.trader.ledger : new PositionLedger();
    this.risk = this.trader ? this.trader.risk : new RiskEngine(o.startingBalance, o.risk ?? {}, undefined, this.ledger);
    this.riskChange = new RiskChange(o.symbols);
    const rc = this.risk.config;
    this.limits = { dailyLoss: rc.dailyLossLimit, maxConsecutiveLosses: rc.maxConsecutiveLosses, maxPosition: rc.maxPosition, minBalance: rc.minBalance };
    // A live venue fills later than the decision: the positions on `risk` follow its fills (the trader's listener
    // was registered first, so its ledger is up to date here).
    o.venue?.onEvent((e) => {
      if (e.kind === 'filled') this.publishRisk(true);
    });
  }

  /** The signal engine's configuration in use (what a model manifest records). */
  get signalConfig(): SignalEngineConfig {
    return this.signals.config;
  }

  /**
   * Takes the engine's snapshot and bar events (warm-up events skipped) and emits decisions and the risk state
   * on the same bus; the risk state also goes out with every status.
   */
  attach(bus: EventBus): this {
    this.bus = bus;
    bus.on('bar', (e) => {
      // Footprint rows only where the signals read them: ~40 % of a backtest's level objects were built for nobody.
      if (!e.warm) this.guard(e.symbol, () => this.onBar(e.symbol, e.input(this.levelsOf(e.timeframeSec))));
    });
    bus.on('snapshot', (e) => {
      if (e.warm) return;
      const input = this.guard(e.symbol, () => e.input());
      if (input) this.onSnapshot({ symbol: e.symbol, sequence: e.sequence, tsNs: e.tsNs, quality: e.quality, input });
      else this.counts.snapshots++;
    });
    bus.on('status', () => this.publishRisk());
    return this;
  }

  /** Whether the signals read the footprint rows of closed bars of `sec` seconds (asked once per timeframe). */
  private levelsOf(sec: number): boolean {
    let uses = this.levelsBySec.get(sec);
    if (uses === undefined) this.levelsBySec.set(sec, (uses = this.signals.usesLevels(formatTimeframe(sec))));
    return uses;
  }

  /** Calls `f` with every decision's feature row, before scoring (`mia train` labels these rows). */
  tap(f: (r: FeatureRow) => void): void {
    this.taps.push(f);
  }

  /** Takes one closed bar of a symbol (the indicators of its timeframe). */
  onBar(symbol: string, bar: BarInput): void {
    this.counts.bars++;
    this.guard(symbol, () => this.signals.onBarInput(symbol, bar));
  }

  /** Decides on a snapshot; the decision is emitted now, or (trading) once `settle` has given it its verdict. */
  onSnapshot(s: SnapshotToDecide): void {
    this.slot.settle();
    this.counts.snapshots++;
    const d = this.guard(s.symbol, () => this.strategic(this.signals.decide(s.input), s.input));
    if (!d) return;
    const row = featureRow(d.features, this.slot.missingFeature, this.row);
    for (const t of this.taps) t({ sequence: s.sequence, decision: d, input: s.input, row });
    const ml = !this.slot.scorer ? ML_OFF : d.direction !== 'flat' || (this.o.scoreFlat ?? true) ? this.score(d, row) : ML_SKIPPED;
    this.risk.startDay(d.tradeDate);
    if (d.direction !== 'flat') this.counts.directional++;
    this.drift?.observe(s.symbol, row);
    const nn = this.neural ? neuralVerdict(this.neural, d.symbol, s.input, this.signals.config.baseTimeframe, row, this.log) : undefined;
    const p: Pending = { d, sequence: s.sequence, tsNs: s.tsNs, quality: s.quality, ml, nn };
    if (this.trader) this.waiting.push(p);
    else this.conclude(p);
  }

  /** The decision as the strategy in force shapes it (unchanged without strategies). */
  private strategic(d: SignalDecision, input: SnapshotInput): SignalDecision {
    return this.book ? this.book.apply(d, input, this.signals.config.baseTimeframe) : d;
  }

  /** Replaces the ML scorer between two decisions, at the start of the next one (scorer-slot.ts). */
  swapScorer(swap: ScorerSwap): void {
    // Drift and the neural outputs follow the models: the training distribution and the neural models of the
    // models that score, from the same decision on.
    this.slot.swap({
      ...swap, applied: (old) => {
        if (swap.driftReference !== undefined) this.drift?.rebase(swap.driftReference);
        if (swap.neural !== undefined) this.neural = swap.neural;
        swap.applied?.(old);
      },
    });
  }

  /** Trading: true while decisions wait for their verdict (the BrokerTap holds its intake meanwhile). */
  holding(): boolean {
    return this.waiting.length > 0;
  }

  /**
   * Trading: gives every waiting decision its verdict and hands it to the trader, in order, once the venue has
   * seen every trade of the intake that produced them (a decision must not fill on trades before it); then runs
   * what alerts asked for and publishes the risk state if it changed.
   */
  settle(): Promise<void> {
    for (const p of this.waiting.splice(0)) this.conclude(p);
    this.trader?.settle();
    this.publishRisk(true);
    return Promise.resolve();
  }

  /**
   * Shutdown: every decision concluded; trading: open positions closed at market through the venue (the
   * simulator: at the last price, as a backtest's end; a live venue: its closes fill later). Once only.
   */
  finish(): Promise<void> {
    this.finishing ??= (async () => {
      await this.settle();
      if (!this.trader) return;
      try {
        this.trader.finish();
      } finally {
        this.publishRisk(true);
      }
    })();
    return this.finishing;
  }

  /** Trading, at shutdown once the venue has closed what it could: the realised P&L per symbol and in total, logged once. */
  logTradingResult(): void {
    if (!this.trader || !this.o.tradingLog) return;
    const r = this.trader.result(this.o.symbols);
    const cents = (x: number): number => Math.round(x * 100) / 100;
    const pnlUsd = Object.fromEntries(Object.entries(r.pnlUsd).map(([s, x]) => [s, cents(x)]));
    // Open positions (an IB close not confirmed in time) are left out of the realised P&L: listed, not valued.
    const open = this.o.symbols.map((symbol) => ({ symbol, qty: this.ledger.position(symbol) })).filter((p) => p.qty !== 0);
    this.o.tradingLog.info({ pnlUsd, totalUsd: cents(r.totalUsd), roundTrips: r.roundTrips, wins: r.wins, open }, 'Paper trading result');
  }

  /** The pipeline's part of /health's `decisions`. */
  health(): PipelineHealth {
    const t = this.trader;
    return { filter: this.slot.filter, counts: this.counts, ...(t ? { trading: { ...t.counters, withheld: t.withheld } } : {}), ...(this.drift?.active ? { drift: this.drift.health() } : {}) };
  }

  /** The risk state (the `risk` topic's content and /health's `risk`). */
  riskState(): RiskStateEvent {
    const r = this.risk;
    return {
      alert: r.alert, halted: r.isHalted, balance: r.balance, dailyPnl: r.dailyPnl, consecutiveLosses: r.consecutiveLosses,
      positions: this.o.symbols.map((symbol) => ({ symbol, qty: this.ledger.position(symbol) })),
      lastRefusal: this.lastRefusal, lastRefusalSymbol: this.lastRefusalSymbol, ordersEnabled: this.trader !== null,
      limits: this.limits,
    };
  }

  /** The decision's one risk evaluation; emitted with it; traded with a venue. */
  private conclude(p: Pending): void {
    const { d, ml } = p;
    // Around the venue's last price when there is one (what the market entry fills near), else the snapshot's.
    const verdict = this.guard(d.symbol, () => this.vet(d, ml, this.o.venue?.last(d.symbol) ?? d.price));
    if (!verdict) return;
    if (this.trader) {
      try {
        this.trader.onDecision(d, p.tsNs, this.withholdReason(p.tsNs, p.quality), scoreOf(ml), verdict);
      } catch (e) {
        this.fail(d.symbol, e);
      }
    }
    const e: DecisionEvent = { decision: d, sequence: p.sequence, ml, risk: verdict, drift: this.drift?.reading(d.symbol), ...(p.nn ? { nn: p.nn } : {}) };
    this.bus?.emit('decision', e);
    this.counts.decisions++;
    this.publishRisk(true);
  }

  /** Trading: why no entry may be made on this snapshot's data (a blocking quality flag, or its lag), if any. */
  private withholdReason(tsNs: UnixNanos, quality: number): string | undefined {
    const blocking = quality & (this.o.noEntryQuality ?? 0);
    if (blocking !== 0) return BY_SEVERITY.find(([, bit]) => (blocking & bit) !== 0)![0];
    const lagMs = this.o.maxEntryLagMs;
    // The wall clock itself (Date.now), not nowUs: market times are wall-clock times, and the monotonic clock
    // behind nowUs drifts from it over a long session.
    if (lagMs !== undefined && Date.now() - nsToMs(tsNs) > lagMs) return 'Lagging';
    return undefined;
  }

  /** The SHAP step of `scorer`'s explainer (built once per explainer: a model swap brings its own). */
  private shapOf(scorer: DecisionScorer): DecisionShap | null {
    const ex = (this.o.explain ?? true) ? scorer.explainer ?? null : null;
    if (ex !== this.shapExplainer) {
      this.shapExplainer = ex;
      this.shap = ex ? new DecisionShap(ex) : null;
    }
    return this.shap;
  }

  /** The ensemble's verdict on the decision's row; a failure is counted, logged and marked on the decision. */
  private score(d: SignalDecision, row: Float32Array): MlVerdict {
    try {
      const s = this.slot.scorer!.score(row);
      this.counts.scored++;
      if (s.approved) this.counts.mlApproved++;
      const v: MlVerdict = { enabled: true, state: 'scored', scores: s.scores, mean: s.mean, approved: s.approved, hashes: s.hashes };
      const shap = this.shapOf(this.slot.scorer!);
      return shap ? shap.attach(v, row) : v;
    } catch (e) {
      this.counts.failed++;
      this.log.error({ symbol: d.symbol, err: e, code: isMiaError(e) ? e.code : undefined }, 'ML scoring failed');
      return { ...ML_OFF, enabled: true, state: 'failed' };
    }
  }

  /** The risk verdict, counted. */
  private vet(d: SignalDecision, ml: MlVerdict, price: number | null): RiskVerdict {
    const v = riskVerdict(this.risk, d, ml, price, this.o.winProbability);
    if (!v.evaluated) return v;
    this.counts.riskEvaluated++;
    if (v.approved) this.counts.riskApproved++;
    else {
      this.counts.riskRefused[v.reason!] = (this.counts.riskRefused[v.reason!] ?? 0) + 1;
      this.lastRefusal = v.reason;
      this.lastRefusalSymbol = d.symbol;
    }
    return v;
  }

  /** Emits the risk state; with `onChange`, only when it differs from the last one emitted. */
  private publishRisk(onChange = false): void {
    // Nobody listens (a backtest without a journal): the state is not built, and the next listener's first
    // publication is not held back as unchanged.
    if (!this.bus?.has('risk')) {
      this.riskChange.reset();
      return;
    }
    // Asked even when not `onChange`: the state published here is the next comparison's reference.
    if (!this.riskChange.changed(this.risk, this.ledger, this.lastRefusal, this.lastRefusalSymbol) && onChange) return;
    this.bus.emit('risk', this.riskState());
  }

  /** Runs one signal update; bad input is counted and logged with its code (live data is never thrown on). */
  private guard<T>(symbol: string | undefined, f: () => T): T | undefined {
    try {
      return f();
    } catch (e) {
      this.fail(symbol, e);
      return undefined;
    }
  }

  private fail(symbol: string | undefined, e: unknown): void {
    this.counts.errors++;
    this.log.error({ symbol, err: e, code: (e as { code?: string }).code }, 'Decision failed');
  }
}

/** The trader's view of an ML verdict: none when the filter is off; a failed score approves nothing. */
function scoreOf(ml: MlVerdict): MlScore | undefined {
  if (!ml.enabled) return undefined;
  if (ml.state === 'scored') return { scores: ml.scores, mean: ml.mean ?? 0, approved: ml.approved, hashes: ml.hashes };
  if (ml.state === 'skipped') return undefined;
  return { scores: [], mean: 0, approved: false, hashes: ml.hashes };
}
