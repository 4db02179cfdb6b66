import type { Logger } from 'pino';
import { nowUs } from '../common/clock.js';
import { isMiaError } from '../common/errors.js';
import { featureRow, FILTER_OFF, type EnsembleScore, type FilterStatus } from '../ml/model-ensemble.js';
import { RiskEngine, type RiskConfig } from '../risk/risk-engine.js';
import { tradeDate } from '../signals/calendar/us-eastern-time.js';
import { SignalTrader, type MlScore } from '../execution/signal-trader.js';
import type { SimBroker } from '../execution/sim-broker.js';
import { FEATURE_NAMES } from '../signals/features.js';
import { SignalEngine, type SignalDecision, type SignalEngineConfig } from '../signals/signal-engine.js';
import { DecisionFrameWriter } from '../stream/decision-frame-writer.js';
import { decodeFrame } from '../stream/frame-decoder.js';
import type { BuiltFrame } from '../stream/frame-writer.js';
import type { BarMessage, DecisionMessage, DecisionMlJson, DecisionRiskJson, RiskMessage, SnapshotMessage, StatusMessage } from '../stream/messages.js';
import { LatencyWindow, type Percentiles } from './latency-window.js';
import type { FramePublisher } from './snapshot-engine.js';

/** Scores a feature vector (FEATURE_NAMES order): the ModelEnsemble, or a test's stub. */
export interface DecisionScorer {
  score(features: Float32Array): Promise<EnsembleScore>;
}

/** A publisher that also takes frames of any topic (the stream server). */
export interface TopicPublisher extends FramePublisher {
  publish(topic: string, bytes: Uint8Array): void;
}

/** How the stage decides. */
export interface DecisionStageOptions {
  /** The ML filter's state (FILTER_OFF without models). */
  filter?: FilterStatus;
  /** The ensemble; null or absent: the filter is off. */
  scorer?: DecisionScorer | null;
  startingBalance: number;
  risk?: Partial<RiskConfig>;
  /** Kelly win probability when no ML mean supplies one. */
  winProbability: number;
  signals?: Partial<SignalEngineConfig>;
  /** Value given to the models for a feature still warming up (the manifest's missingFeatureValue). */
  missingFeature?: number;
  /** Symbols whose positions the risk state lists. */
  symbols: readonly string[];
  /**
   * Paper trading on the simulated broker: every decision also goes to a SignalTrader (the backtest's path:
   * ML verdict → risk → bracket) on this broker, whose risk engine and ledger the risk state then shows.
   * The broker must see every trade the engine takes (BrokerTap, with holding/drain from this stage).
   */
  paperBroker?: SimBroker;
}

/** Decisions made, and where those that did not reach an approved size stopped. */
export interface DecisionCounters {
  snapshots: number;
  bars: number;
  decisions: number;
  directional: number;
  scored: number;
  /** Snapshots whose decision went out without ML scores because a newer one of the symbol was scored. */
  skipped: number;
  failed: number;
  mlApproved: number;
  riskEvaluated: number;
  riskApproved: number;
  riskRefused: Record<string, number>;
  /** Frames that could not be decided on (bad signal input), each logged with its code. */
  errors: number;
}

/** The `decisions` object of /health. */
export interface DecisionHealth {
  filter: FilterStatus;
  counts: DecisionCounters;
  /** Snapshot published → its decision published, µs, over the last 10,000 decisions. */
  latencyUs: Percentiles;
  /** Symbols with a scoring in flight. */
  scoring: number;
}

interface Pending {
  d: SignalDecision;
  m: SnapshotMessage;
  price: number | null;
}

/** One symbol's ML queue: at most one scoring in flight, the snapshots that arrived meanwhile in order. */
interface Lane {
  busy: boolean;
  queue: Pending[];
  row: Float32Array<ArrayBuffer>;
  done: Promise<void>;
}

const ML_OFF: DecisionMlJson = { enabled: false, state: 'off', scores: [], mean: null, approved: false, hashes: [] };

/**
 * The decision stage of `mia serve`: a FramePublisher wrapped around the stream server. Every frame passes
 * through unchanged; each snapshot (and closed bar) is decoded and fed to the SignalEngine, scored by the ML
 * filter when models are loaded, vetted by the RiskEngine (recorded only: no order is sent), and its
 * decision is published on `signal.<SYMBOL>`; the risk state goes on `risk` when it changes and with every
 * status. Scoring is asynchronous (onnxruntime), so it never holds the engine's loop: one scoring per symbol
 * is in flight, decisions leave in snapshot order, and when several snapshots wait behind a scoring only the
 * newest is scored, the others go out unscored (`skipped`, counted) so the queue cannot grow with the load.
 */
export class DecisionStage implements TopicPublisher {
  readonly risk: RiskEngine;
  /** Paper mode: the trader placing orders on the simulated broker; null when decisions are recorded only. */
  readonly trader: SignalTrader | null;
  readonly counts: DecisionCounters = {
    snapshots: 0, bars: 0, decisions: 0, directional: 0, scored: 0, skipped: 0, failed: 0, mlApproved: 0,
    riskEvaluated: 0, riskApproved: 0, riskRefused: {}, errors: 0,
  };
  private readonly inner: TopicPublisher;
  private readonly o: DecisionStageOptions;
  private readonly log: Logger;
  private readonly signals: SignalEngine;
  private readonly scorer: DecisionScorer | null;
  private readonly filter: FilterStatus;
  private readonly writer = new DecisionFrameWriter();
  private readonly latency = new LatencyWindow();
  private readonly lanes = new Map<string, Lane>();
  private lastRefusal: string | null = null;
  private lastRefusalSymbol: string | null = null;
  private riskKey = '';
  /** Paper mode: decisions handed to the trader, in order, and how many are not yet handled. */
  private tradeChain: Promise<void> = Promise.resolve();
  private tradesPending = 0;
  /** The ML verdict of the decision the trader is taking (its scoreSignal returns it). */
  private currentMl: MlScore = { scores: [], mean: 0, approved: false, hashes: [] };

  constructor(inner: TopicPublisher, o: DecisionStageOptions, log: Logger) {
    this.inner = inner;
    this.o = o;
    this.log = log;
    this.signals = new SignalEngine(o.signals ?? {});
    this.scorer = o.scorer ?? null;
    this.filter = o.filter ?? FILTER_OFF;
    if (!(o.winProbability >= 0 && o.winProbability <= 1)) throw new RangeError('winProbability must be in [0, 1]');
    this.trader = o.paperBroker
      ? new SignalTrader(o.paperBroker, {
        startingBalance: o.startingBalance, winProbability: o.winProbability, ...(o.risk ? { risk: o.risk } : {}),
        ...(this.scorer ? { scoreSignal: () => Promise.resolve(this.currentMl), missingFeature: o.missingFeature ?? 0 } : {}),
      })
      : null;
    this.risk = this.trader ? this.trader.risk : new RiskEngine(o.startingBalance, o.risk ?? {});
  }

  /** Paper mode: true while decisions wait for the trader or the ML filter (the BrokerTap holds its intake). */
  holding(): boolean {
    return this.tradesPending > 0 || [...this.lanes.values()].some((l) => l.busy || l.queue.length > 0);
  }

  /** Paper mode: handles every waiting decision, runs what alerts asked for, publishes the risk state if it changed. */
  async settle(): Promise<void> {
    while (this.holding()) {
      await this.drain();
      await this.tradeChain;
    }
    this.trader?.settle();
    this.publishRisk(true);
  }

  /** Shutdown: every decision handled; in paper mode open positions are closed at the last price (as a backtest's end). */
  async finish(): Promise<void> {
    await this.settle();
    if (!this.trader) return;
    this.trader.finish();
    this.publishRisk(true);
  }

  /** Passes the snapshot on, then decides on it. */
  snapshot(symbol: string, topic: string, frame: BuiltFrame): void {
    this.inner.snapshot(symbol, topic, frame);
    const m = this.decode(frame.bytes);
    if (m?.type === 'snapshot') this.onSnapshot(m);
  }

  /** Passes the closed bar on, then updates the indicators of its timeframe. */
  bar(topic: string, frame: BuiltFrame): void {
    this.inner.bar(topic, frame);
    const m = this.decode(frame.bytes);
    if (m?.type !== 'bar') return;
    this.counts.bars++;
    this.guard(m, () => this.signals.onBar(m.symbol, m.bar));
  }

  /** Passes the status on and publishes the risk state with it (once a second). */
  status(frame: Uint8Array, message: Omit<StatusMessage, 'type' | 'topic'>): void {
    this.inner.status(frame, message);
    this.publishRisk();
  }

  /** Warm-up frames come from a synthetic market: they exercise the server's path, never the signals. */
  warm(frame: BuiltFrame): void {
    this.inner.warm?.(frame);
  }

  /** A frame of any topic, passed on. */
  publish(topic: string, bytes: Uint8Array): void {
    this.inner.publish(topic, bytes);
  }

  /** The server's counters. */
  counters(): ReturnType<FramePublisher['counters']> {
    return this.inner.counters();
  }

  /** Decides on a decoded snapshot: the signal now, the ML score and risk when the symbol's lane is free. */
  onSnapshot(m: SnapshotMessage): void {
    this.counts.snapshots++;
    const d = this.guard(m, () => this.signals.onSnapshot(m));
    if (!d) return;
    const p: Pending = { d, m, price: priceOf(m, this.signals.config.baseTimeframe) };
    if (!this.scorer) {
      this.emit(p, ML_OFF);
      return;
    }
    const lane = this.lane(m.symbol);
    if (lane.busy) lane.queue.push(p);
    else this.score(lane, p);
  }

  /** Resolves once no scoring is in flight and every decision is published (shutdown). */
  async drain(): Promise<void> {
    while ([...this.lanes.values()].some((l) => l.busy)) await Promise.all([...this.lanes.values()].map((l) => l.done));
  }

  /** The `decisions` object of /health. */
  health(): DecisionHealth {
    return {
      filter: this.filter, counts: this.counts, latencyUs: this.latency.percentiles(),
      scoring: [...this.lanes.values()].filter((l) => l.busy).length,
    };
  }

  /** The risk engine's state (the `risk` topic's content and /health's `risk`). */
  riskState(): Omit<RiskMessage, 'type' | 'topic' | 'publishedUs'> {
    const r = this.risk;
    const t = this.trader;
    return {
      alert: r.alert, halted: r.isHalted, balance: r.balance, dailyPnl: r.dailyPnl, consecutiveLosses: r.consecutiveLosses,
      positions: this.o.symbols.map((symbol) => ({ symbol, qty: t ? t.ledger.position(symbol) : r.position(symbol) })),
      lastRefusal: this.lastRefusal, lastRefusalSymbol: this.lastRefusalSymbol, ordersEnabled: t !== null,
    };
  }

  private lane(symbol: string): Lane {
    let l = this.lanes.get(symbol);
    if (!l) {
      l = { busy: false, queue: [], row: new Float32Array(FEATURE_NAMES.length), done: Promise.resolve() };
      this.lanes.set(symbol, l);
    }
    return l;
  }

  private score(lane: Lane, p: Pending): void {
    lane.busy = true;
    featureRow(p.d.features, this.o.missingFeature ?? 0, lane.row);
    lane.done = this.scoreAndEmit(lane, p)
      .catch((e: unknown) => this.fail(p.m, e))
      .finally(() => this.next(lane));
  }

  private async scoreAndEmit(lane: Lane, p: Pending): Promise<void> {
    let ml: DecisionMlJson;
    try {
      const s = await this.scorer!.score(lane.row);
      this.counts.scored++;
      if (s.approved) this.counts.mlApproved++;
      ml = { enabled: true, state: 'scored', scores: [...s.scores], mean: s.mean, approved: s.approved, hashes: [...s.hashes] };
    } catch (e) {
      this.counts.failed++;
      this.log.error({ symbol: p.m.symbol, err: e, code: isMiaError(e) ? e.code : undefined }, 'ML scoring failed');
      ml = { ...ML_OFF, enabled: true, state: 'failed' };
    }
    this.emit(p, ml);
  }

  /** After a scoring: the snapshots that waited go out unscored, in order, and the newest is scored. */
  private next(lane: Lane): void {
    lane.busy = false;
    const q = lane.queue;
    if (q.length === 0) return;
    const newest = q.pop()!;
    const hashes = this.filter.enabled ? this.filter.models.map((m) => m.sha256) : [];
    for (const p of q) {
      this.counts.skipped++;
      this.emit(p, { ...ML_OFF, enabled: true, state: 'skipped', hashes });
    }
    q.length = 0;
    this.score(lane, newest);
  }

  /** Runs the risk engine on the decision and publishes it. */
  private emit(p: Pending, ml: DecisionMlJson): void {
    const { d, m } = p;
    this.risk.startDay(tradeDate(Number(BigInt(m.tsNs) / 1_000_000n)));
    if (d.direction !== 'flat') this.counts.directional++;
    const risk = this.vet(p, ml);
    const publishedUs = nowUs();
    this.inner.publish(`signal.${d.symbol}`, this.writer.decision({
      topic: `signal.${d.symbol}`, symbol: d.symbol, sequence: m.sequence, ts: m.ts, tsNs: m.tsNs,
      score: d.score, confidence: d.confidence, direction: d.direction, features: { ...d.features },
      regime: { market: d.regime.market, volatility: d.regime.volatility }, expiry: { ...d.expiry }, ml, risk,
      snapshotPublishedUs: m.stages.publishedUs, publishedUs,
    }));
    this.counts.decisions++;
    this.latency.record(nowUs() - m.stages.publishedUs);
    if (this.trader) this.trade(d, BigInt(m.tsNs), ml);
    this.publishRisk(true);
  }

  /** Paper mode: the decision goes to the trader after those before it; the filter's verdict is its ML score. */
  private trade(d: SignalDecision, tsNs: bigint, ml: DecisionMlJson): void {
    const t = this.trader!;
    const score: MlScore = ml.state === 'scored'
      ? { scores: [...ml.scores], mean: ml.mean ?? 0, approved: ml.approved, hashes: [...ml.hashes] }
      : { scores: [], mean: 0, approved: false, hashes: [...ml.hashes] };
    this.tradesPending++;
    this.tradeChain = this.tradeChain
      .then(() => {
        this.currentMl = score;
        return t.onDecision(d, tsNs);
      })
      .catch((e: unknown) => this.fail(undefined, e))
      .finally(() => {
        this.tradesPending--;
        this.publishRisk(true);
      });
  }

  /** The risk engine's answer for a long or short decision the filter let through; not evaluated otherwise. */
  private vet(p: Pending, ml: DecisionMlJson): DecisionRiskJson {
    const { d } = p;
    const passed = ml.state === 'off' || (ml.state === 'scored' && ml.approved);
    if (d.direction === 'flat' || !passed || p.price === null) {
      return { evaluated: false, approved: false, reason: null, qty: 0, stopPrice: null, targetPrice: null, alert: this.risk.alert };
    }
    this.counts.riskEvaluated++;
    const r = this.risk.evaluate({
      symbol: d.symbol, side: d.direction, entryPrice: p.price, winProbability: ml.mean ?? this.o.winProbability, positionFactor: d.expiry.factor,
    });
    if (r.approved) {
      this.counts.riskApproved++;
      return { evaluated: true, approved: true, reason: null, qty: r.qty, stopPrice: r.stopPrice, targetPrice: r.targetPrice, alert: r.alert };
    }
    this.counts.riskRefused[r.reason] = (this.counts.riskRefused[r.reason] ?? 0) + 1;
    this.lastRefusal = r.reason;
    this.lastRefusalSymbol = d.symbol;
    return { evaluated: true, approved: false, reason: r.reason, qty: 0, stopPrice: null, targetPrice: null, alert: r.alert };
  }

  /** Publishes the risk state; with `onChange`, only when it differs from the last one published. */
  private publishRisk(onChange = false): void {
    const s = this.riskState();
    const key = `${s.alert}|${s.halted}|${s.balance}|${s.dailyPnl}|${s.consecutiveLosses}|${s.lastRefusal}|${s.lastRefusalSymbol}|${s.positions.map((x) => x.qty).join()}`;
    if (onChange && key === this.riskKey) return;
    this.riskKey = key;
    this.inner.publish('risk', this.writer.riskState({ ...s, publishedUs: nowUs() }));
  }

  private decode(bytes: Uint8Array): ReturnType<typeof decodeFrame> | undefined {
    try {
      return decodeFrame(bytes);
    } catch (e) {
      this.fail(undefined, e);
      return undefined;
    }
  }

  /** Runs one signal update; bad input is counted and logged with its code (live data is never thrown on). */
  private guard<T>(m: SnapshotMessage | BarMessage, f: () => T): T | undefined {
    try {
      return f();
    } catch (e) {
      this.fail(m, e);
      return undefined;
    }
  }

  private fail(m: SnapshotMessage | BarMessage | undefined, e: unknown): void {
    this.counts.errors++;
    this.log.error({ symbol: m?.symbol, topic: m?.topic, err: e, code: (e as { code?: string }).code }, 'Decision failed');
  }
}

/** The price a decision is made at: the base timeframe's bar in progress, else its last close, else the mid quote. */
function priceOf(m: SnapshotMessage, baseTimeframe: string): number | null {
  const f = m.frames.find((x) => x.timeframe === baseTimeframe) ?? m.frames[0];
  const c = f?.bar?.close ?? f?.lastClosed?.close;
  if (typeof c === 'number' && Number.isFinite(c)) return c;
  return m.quote ? (m.quote.bid + m.quote.ask) / 2 : null;
}
