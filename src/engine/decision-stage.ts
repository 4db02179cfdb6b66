import type { Logger } from 'pino';
import { nowUs } from '../common/clock.js';
import { isMiaError } from '../common/errors.js';
import { FILTER_OFF, type EnsembleScore, type FilterStatus } from '../ml/model-ensemble.js';
import { RiskEngine, type RiskConfig } from '../risk/risk-engine.js';
import type { TradingVenue } from '../execution/execution-venue.js';
import { SignalTrader, type MlScore, type TraderCounters, type WithheldCounters } from '../execution/signal-trader.js';
import { QualityFlag } from '../protocol/generated/mia/quality-flag.js';
import { FEATURE_NAMES, featureRow } from '../signals/features.js';
import { SignalEngine, type SignalDecision, type SignalEngineConfig } from '../signals/signal-engine.js';
import { snapshotInputOf, type SnapshotInput } from '../signals/snapshot-input.js';
import { DecisionFrameWriter } from '../protocol/decision-frame-writer.js';
import type { BuiltFrame } from '../stream/frame-writer.js';
import type { BarMessage, DecisionMlJson, DecisionRiskJson, RiskMessage, SnapshotMessage, StatusMessage } from '../protocol/messages.js';
import { qualityBits } from '../protocol/frame-decoder.js';
import { SnapshotInputReader } from '../stream/snapshot-input-reader.js';
import { LatencyWindow, type Percentiles } from './latency-window.js';
import type { FramePublisher } from './frame-publisher.js';

/** Scores a feature vector (FEATURE_NAMES order) synchronously: the ModelEnsemble, or a test's stub. */
export interface DecisionScorer {
  score(features: Float32Array): EnsembleScore;
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
   * Paper trading: every decision also goes to a SignalTrader (the backtest's path: ML verdict → risk → bracket)
   * on this venue, whose risk engine and ledger the risk state then shows. The simulated broker (sim, replay) or
   * the IB paper route's venue; either must see every trade the engine takes (BrokerTap, with holding/drain
   * from this stage).
   */
  venue?: TradingVenue;
  /** Paper trading: no entries on snapshots before this market time, ns (a live source's start-up backfill). */
  tradeFromNs?: bigint;
  /**
   * Paper trading: no entries on snapshots carrying any of these QualityFlag bits (live: Gap, Stale,
   * Disconnected); the decision is still published, the trader counts it under the flag's name.
   */
  noEntryQuality?: number;
  /**
   * Paper trading: no entries on snapshots whose market time is more than this behind the wall clock, ms (a
   * live source catching up on a backfill after its Gap flag cleared); counted as `Lagging`.
   */
  maxEntryLagMs?: number;
}

/** Decisions made, and where those that did not reach an approved size stopped. */
export interface DecisionCounters {
  snapshots: number;
  bars: number;
  decisions: number;
  directional: number;
  scored: number;
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
  /** Paper trading: the trader's counters and the directional decisions it withheld, by reason. */
  trading?: TraderCounters & { withheld: WithheldCounters };
}

/** What a decision repeats of its snapshot. */
interface SnapshotMeta {
  sequence: number;
  tsNs: bigint;
  publishedUs: number;
}

/** A withheld entry is counted under its highest blocking flag: Disconnected before Gap before Stale. */
const BY_SEVERITY = (Object.entries(QualityFlag) as Array<[string, number]>).sort((a, b) => b[1] - a[1]);

const ML_OFF: DecisionMlJson = { enabled: false, state: 'off', scores: [], mean: null, approved: false, hashes: [] };

/**
 * The decision stage of `mia serve`: a FramePublisher wrapped around the stream server. Every frame passes
 * through unchanged; each snapshot (and closed bar) is read from its frame in place (SnapshotInputReader) and
 * fed to the SignalEngine, scored by the ML filter when models are loaded, vetted by the RiskEngine, and its
 * decision is published on `signal.<SYMBOL>` before the call returns; the risk state goes on `risk` when it
 * changes and with every status. Scoring is synchronous (one onnxruntime run of the joined ensemble, ~10 µs):
 * every snapshot is scored, in order, whatever the load, so a live run decides as a backtest of the same
 * trades does.
 */
export class DecisionStage implements TopicPublisher {
  readonly risk: RiskEngine;
  /** Paper mode: the trader placing orders on the venue; null when decisions are recorded only. */
  readonly trader: SignalTrader | null;
  readonly counts: DecisionCounters = {
    snapshots: 0, bars: 0, decisions: 0, directional: 0, scored: 0, failed: 0, mlApproved: 0,
    riskEvaluated: 0, riskApproved: 0, riskRefused: {}, errors: 0,
  };
  private readonly inner: TopicPublisher;
  private readonly o: DecisionStageOptions;
  private readonly log: Logger;
  /** Paper mode's lines: orders, fills (the trader's) and the result at shutdown. */
  private readonly tradingLog: Logger;
  private readonly signals: SignalEngine;
  private readonly scorer: DecisionScorer | null;
  private readonly filter: FilterStatus;
  private readonly writer = new DecisionFrameWriter();
  private readonly latency = new LatencyWindow();
  private readonly reader = new SnapshotInputReader();
  /** `signal.<SYMBOL>` per symbol, built once. */
  private readonly topics = new Map<string, string>();
  private readonly row = new Float32Array(FEATURE_NAMES.length);
  private lastRefusal: string | null = null;
  private lastRefusalSymbol: string | null = null;
  private riskKey = '';
  /** Paper mode: decisions waiting for the trader (handled in order by `settle`). */
  private readonly tradesWaiting: Array<{ d: SignalDecision; tsNs: bigint; ml: MlScore | undefined; withhold: string | undefined }> = [];
  private finishing: Promise<void> | undefined;

  constructor(inner: TopicPublisher, o: DecisionStageOptions, log: Logger) {
    this.inner = inner;
    this.o = o;
    this.log = log;
    this.tradingLog = log.child({ trading: 'paper' });
    this.signals = new SignalEngine(o.signals ?? {});
    this.scorer = o.scorer ?? null;
    this.filter = o.filter ?? FILTER_OFF;
    if (!(o.winProbability >= 0 && o.winProbability <= 1)) throw new RangeError('winProbability must be in [0, 1]');
    this.trader = o.venue
      ? new SignalTrader(o.venue, {
        startingBalance: o.startingBalance, winProbability: o.winProbability, ...(o.risk ? { risk: o.risk } : {}),
        ...(o.tradeFromNs !== undefined ? { tradeFromNs: o.tradeFromNs } : {}), log: this.tradingLog,
      })
      : null;
    this.risk = this.trader ? this.trader.risk : new RiskEngine(o.startingBalance, o.risk ?? {});
    // A live venue fills later than the decision: the positions on `risk` follow its fills (the trader's listener
    // was registered first, so its ledger is up to date here).
    o.venue?.onEvent((e) => {
      if (e.kind === 'filled') this.publishRisk(true);
    });
  }

  /** Paper mode: true while decisions wait for the trader (the BrokerTap holds its intake). */
  holding(): boolean {
    return this.tradesWaiting.length > 0;
  }

  /** Paper mode: handles every waiting decision, runs what alerts asked for, publishes the risk state if it changed. */
  async settle(): Promise<void> {
    // Index loop: a decision handled here may publish, never enqueue another; all leave in order.
    for (const w of this.tradesWaiting.splice(0)) {
      try {
        this.trader!.onDecision(w.d, w.tsNs, w.withhold, w.ml);
      } catch (e) {
        this.fail(w.d.symbol, e);
      }
      this.publishRisk(true);
    }
    this.trader?.settle();
    this.publishRisk(true);
  }

  /**
   * Shutdown: every decision handled; in paper mode open positions are closed at market through the venue (the
   * simulator: at the last price, as a backtest's end; a live venue: its closes fill later). Once only: later
   * calls return the first call's promise. A venue's refusal to close is thrown.
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

  /**
   * Paper mode, at shutdown once the venue has closed what it could: logs the realised P&L per symbol and in
   * total, round trips and wins, one info line (dollars to the cent). Nothing without a trader.
   */
  logTradingResult(): void {
    if (!this.trader) return;
    const r = this.trader.result(this.o.symbols);
    const cents = (x: number): number => Math.round(x * 100) / 100;
    const pnlUsd = Object.fromEntries(Object.entries(r.pnlUsd).map(([s, x]) => [s, cents(x)]));
    // Open positions (an IB close not confirmed in time) are left out of the realised P&L: listed, not valued.
    const open = this.o.symbols.map((symbol) => ({ symbol, qty: this.trader!.ledger.position(symbol) })).filter((p) => p.qty !== 0);
    this.tradingLog.info({ pnlUsd, totalUsd: cents(r.totalUsd), roundTrips: r.roundTrips, wins: r.wins, open },
      'Paper trading result');
  }

  /** Passes the snapshot on, then decides on it. */
  snapshot(symbol: string, topic: string, frame: BuiltFrame): void {
    this.inner.snapshot(symbol, topic, frame);
    const r = this.read(frame.bytes, symbol);
    if (r?.kind === 'snapshot') this.decideOn(r.input, r, r.quality);
  }

  /** Passes the closed bar on, then updates the indicators of its timeframe. */
  bar(topic: string, frame: BuiltFrame): void {
    this.inner.bar(topic, frame);
    const r = this.read(frame.bytes, undefined);
    if (r?.kind !== 'bar') return;
    this.counts.bars++;
    this.guard(r.symbol, () => this.signals.onBarInput(r.symbol, r.bar));
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

  /** Decides on a decoded snapshot (a client's or a test's; the server's frames take the path of `snapshot`). */
  onSnapshot(m: SnapshotMessage): void {
    const input = this.guard(m.symbol, () => snapshotInputOf(m));
    if (!input) {
      this.counts.snapshots++;
      return;
    }
    this.decideOn(input, { sequence: m.sequence, tsNs: BigInt(m.tsNs), publishedUs: m.stages.publishedUs }, qualityBits(m.quality));
  }

  /** Takes a decoded closed bar (a client's or a test's; the server's frames take the path of `bar`). */
  onBar(m: BarMessage): void {
    this.counts.bars++;
    this.guard(m.symbol, () => this.signals.onBar(m.symbol, m.bar));
  }

  /** The `decisions` object of /health. */
  health(): DecisionHealth {
    const t = this.trader;
    return {
      filter: this.filter, counts: this.counts, latencyUs: this.latency.percentiles(),
      ...(t ? { trading: { ...t.counters, withheld: t.withheld } } : {}),
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

  /** The signal, its ML score, the risk engine's answer, published as one Decision frame; `quality`: the snapshot's flags. */
  private decideOn(input: SnapshotInput, meta: SnapshotMeta, quality: number): void {
    this.counts.snapshots++;
    const d = this.guard(input.symbol, () => this.signals.decide(input));
    if (!d) return;
    const ml = this.scorer ? this.score(d) : ML_OFF;
    this.risk.startDay(d.tradeDate);
    if (d.direction !== 'flat') this.counts.directional++;
    const risk = this.vet(d, ml);
    const publishedUs = nowUs();
    let topic = this.topics.get(d.symbol);
    if (topic === undefined) this.topics.set(d.symbol, (topic = `signal.${d.symbol}`));
    this.inner.publish(topic, this.writer.decision({
      topic, symbol: d.symbol, sequence: meta.sequence, ts: input.ts, tsNs: meta.tsNs.toString(),
      score: d.score, confidence: d.confidence, direction: d.direction, features: { ...d.features },
      regime: { market: d.regime.market, volatility: d.regime.volatility }, expiry: d.expiry, ml, risk,
      snapshotPublishedUs: meta.publishedUs, publishedUs,
    }));
    this.counts.decisions++;
    this.latency.record(nowUs() - meta.publishedUs);
    if (this.trader) this.trade(d, meta.tsNs, ml, this.withholdReason(meta.tsNs, quality));
    this.publishRisk(true);
  }

  /** Paper mode: why no entry may be made on this snapshot's data (a blocking quality flag, or its lag), if any. */
  private withholdReason(tsNs: bigint, quality: number): string | undefined {
    const blocking = quality & (this.o.noEntryQuality ?? 0);
    if (blocking !== 0) return BY_SEVERITY.find(([, bit]) => (blocking & bit) !== 0)![0];
    const lagMs = this.o.maxEntryLagMs;
    // The wall clock itself (Date.now), not nowUs: market times are wall-clock times, and the monotonic clock
    // behind nowUs drifts from it over a long session.
    if (lagMs !== undefined && Date.now() - Number(tsNs / 1_000_000n) > lagMs) return 'Lagging';
    return undefined;
  }

  /** The ensemble's verdict on the decision's features; a failure is counted, logged and marked on the decision. */
  private score(d: SignalDecision): DecisionMlJson {
    try {
      const s = this.scorer!.score(featureRow(d.features, this.o.missingFeature ?? 0, this.row));
      this.counts.scored++;
      if (s.approved) this.counts.mlApproved++;
      return { enabled: true, state: 'scored', scores: s.scores, mean: s.mean, approved: s.approved, hashes: s.hashes };
    } catch (e) {
      this.counts.failed++;
      this.log.error({ symbol: d.symbol, err: e, code: isMiaError(e) ? e.code : undefined }, 'ML scoring failed');
      return { ...ML_OFF, enabled: true, state: 'failed' };
    }
  }

  /**
   * Paper mode: the decision waits for `settle`, which the BrokerTap calls once the broker has seen every trade
   * of the intake that produced it (a decision must not fill on trades before it); the filter's verdict is its
   * ML score (none when the filter is off: the trader then sizes with the configured win probability).
   */
  private trade(d: SignalDecision, tsNs: bigint, ml: DecisionMlJson, withhold: string | undefined): void {
    const score: MlScore | undefined = !ml.enabled ? undefined : ml.state === 'scored'
      ? { scores: ml.scores, mean: ml.mean ?? 0, approved: ml.approved, hashes: ml.hashes }
      : { scores: [], mean: 0, approved: false, hashes: ml.hashes };
    this.tradesWaiting.push({ d, tsNs, ml: score, withhold });
  }

  /** The risk engine's answer for a long or short decision the filter let through; not evaluated otherwise. */
  private vet(d: SignalDecision, ml: DecisionMlJson): DecisionRiskJson {
    const price = d.price;
    const passed = ml.state === 'off' || (ml.state === 'scored' && ml.approved);
    if (d.direction === 'flat' || !passed || price === null) {
      return { evaluated: false, approved: false, reason: null, qty: 0, stopPrice: null, targetPrice: null, alert: this.risk.alert };
    }
    this.counts.riskEvaluated++;
    const r = this.risk.evaluate({
      symbol: d.symbol, side: d.direction, entryPrice: price, winProbability: ml.mean ?? this.o.winProbability, positionFactor: d.expiry.factor,
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

  private read(bytes: Uint8Array, symbol: string | undefined): ReturnType<SnapshotInputReader['read']> | undefined {
    return this.guard(symbol, () => this.reader.read(bytes));
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
