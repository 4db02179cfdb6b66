import type { Logger } from 'pino';
import { configError, ErrorCode } from '../common/errors.js';
import { isoNs, nsToMs } from '../model/time.js';
import type { RiskReasonCode } from '../risk/reason-codes.js';
import { RiskEngine, type RiskAlert, type RiskConfig } from '../risk/risk-engine.js';
import { tradeDate } from '../model/calendar/us-eastern-time.js';
import { FEATURE_NAMES, featureRow } from '../signals/features.js';
import type { SignalDecision } from '../signals/signal-engine.js';
import { ML_OFF, riskVerdict, type MlVerdict, type RiskVerdict } from './decision-verdicts.js';
import type { BracketIds, ExecutionEvent, OrderView, TradingVenue } from './execution-venue.js';
import { PositionLedger, type RoundTrip } from './position-ledger.js';
import { bracketTag } from './bracket-tag.js';

/** The ML filter's answer for one signal (an ensemble: one score per model, their mean, the verdict, model hashes). */
export interface MlScore {
  scores: number[];
  mean: number;
  approved: boolean;
  hashes: string[];
}

/** Scores the eight features (FEATURE_NAMES order; a feature still warming up as `missingFeature`). */
export type ScoreSignal = (features: Float32Array) => MlScore;

/** How decisions become orders. */
export interface SignalTraderOptions {
  startingBalance: number;
  risk?: Partial<RiskConfig>;
  /** Win probability given to the Kelly sizing when no ML filter supplies one (its mean score). */
  winProbability: number;
  /**
   * No entries before this market time (ns): earlier trades only warm the indicators (a backtest's `--from`; a
   * live session's start, so its backfilled history never trades).
   */
  tradeFromNs?: bigint;
  scoreSignal?: ScoreSignal;
  /** Value given to the ML filter for a feature still warming up (default 0, the neutral value of each). */
  missingFeature?: number;
  /** Paper mode: each bracket sent, liquidation asked and fill is logged here, one info line each; a backtest passes none. */
  log?: Logger;
}

/**
 * Directional decisions the trader did not consider for entry because of when or on what data they were made:
 * `beforeStart` (before `tradeFromNs`), or the reason the caller gave (`onDecision`'s `withhold`, e.g. a live
 * snapshot's `Gap`, `Stale`, `Disconnected` flag or its lag behind the wall clock). Kept apart from
 * {@link TraderCounters}, which a backtest reports.
 */
export type WithheldCounters = Record<string, number>;

/** A closed trade with the decision that opened it. */
export interface TradeRecord {
  tradeId: number;
  trip: RoundTrip;
  exitReason: 'target' | 'stop' | 'end' | 'flatten';
  decision: SignalDecision;
  /** Time of the snapshot the decision was made on, ns. */
  decisionNs: bigint;
  ml: MlScore | null;
}

/** Realised P&L of the trades the trader opened and closed, net of commissions, dollars. */
export interface TradingResult {
  /** Per symbol asked for (0 without a trade), then any other symbol traded. */
  pnlUsd: Record<string, number>;
  totalUsd: number;
  roundTrips: number;
  /** Round trips with a net profit above 0 (as the backtest's `wins`). */
  wins: number;
}

/** Decisions seen, and why those that did not trade stopped where they did. */
export interface TraderCounters {
  decisions: number;
  directional: number;
  busy: number;
  mlRejected: number;
  riskRefused: Partial<Record<RiskReasonCode, number>>;
  entries: number;
}

interface Pending {
  tradeId: number;
  decision: SignalDecision;
  decisionNs: bigint;
  ml: MlScore | null;
}

/**
 * The decision path shared by backtests and paper mode: a directional signal, optionally approved by the
 * ML filter, sized by the risk engine at the venue's last price, goes to the venue as a bracket (market entry,
 * stop and target from the risk engine). One bracket per symbol at a time, from its submission until its
 * round trip closes. Fills update the ledger and the risk engine; CATASTROPHE liquidates. The venue is the
 * simulated broker (fills at once) or a live route (fills arrive later): nothing here assumes either.
 * No clock is read: times are the market's.
 */
export class SignalTrader {
  readonly risk: RiskEngine;
  readonly ledger = new PositionLedger();
  readonly trades: TradeRecord[] = [];
  readonly counters: TraderCounters = { decisions: 0, directional: 0, busy: 0, mlRejected: 0, riskRefused: {}, entries: 0 };
  readonly withheld: WithheldCounters = {};
  private readonly venue: TradingVenue;
  private readonly o: SignalTraderOptions;
  /** Per symbol: the entry in flight or open, until its round trip closes. */
  private readonly open = new Map<string, Pending>();
  private readonly flattenDue = new Set<string>();
  /** Per symbol: why a liquidation was asked, until its fill closes the round trip (a live venue fills later). */
  private readonly closing = new Map<string, 'flatten' | 'end'>();
  private nextTradeId = 1;
  private readonly features = new Float32Array(FEATURE_NAMES.length);

  constructor(venue: TradingVenue, o: SignalTraderOptions) {
    this.venue = venue;
    this.o = o;
    if (!(o.winProbability >= 0 && o.winProbability <= 1)) throw configError(ErrorCode.BAD_CONFIG, 'winProbability must be in [0, 1]');
    // The ledger is the one place positions live: the risk engine reads it.
    this.risk = new RiskEngine(o.startingBalance, o.risk ?? {}, (a) => this.onAlert(a), this.ledger);
    venue.onEvent((e) => this.onEvent(e));
  }

  /**
   * Takes one decision made at market time `tsNs`; any order it leads to is sent before it returns. A venue's
   * refusal (a coded error) is thrown and leaves the symbol free for the next decision. `withhold`: a reason
   * the caller knows not to enter on this decision (its data is not fit to trade on), counted in `withheld`;
   * the decision still starts the day and runs what alerts asked for. `scored`: the ML verdict when the caller
   * has already scored the decision (the decision pipeline does); otherwise `scoreSignal`, if set, scores it
   * here. `verdict`: the risk verdict the caller evaluated and published (the pipeline's, evaluated once);
   * otherwise it is evaluated here, around the venue's last price.
   */
  onDecision(d: SignalDecision, tsNs: bigint, withhold?: string, scored?: MlScore, verdict?: RiskVerdict): void {
    this.counters.decisions++;
    this.risk.startDay(tradeDate(nsToMs(tsNs)));
    this.settle();
    if (d.direction === 'flat') return;
    const why = this.o.tradeFromNs !== undefined && tsNs < this.o.tradeFromNs ? 'beforeStart' : withhold;
    if (why !== undefined) {
      this.withheld[why] = (this.withheld[why] ?? 0) + 1;
      return;
    }
    this.counters.directional++;
    if (this.open.has(d.symbol) || this.ledger.position(d.symbol) !== 0) {
      this.counters.busy++;
      return;
    }
    let ml: MlScore | null = scored ?? null;
    if (!ml && this.o.scoreSignal) ml = this.o.scoreSignal(featureRow(d.features, this.o.missingFeature ?? 0, this.features));
    if (ml) {
      if (!ml.approved) {
        this.counters.mlRejected++;
        return;
      }
    }
    const r = verdict ?? riskVerdict(this.risk, d, ml ? scoredVerdict(ml) : ML_OFF, this.venue.last(d.symbol), this.o.winProbability);
    // Not evaluated: no price to size around yet.
    if (!r.evaluated) return;
    if (!r.approved) {
      const reason = r.reason as RiskReasonCode;
      this.counters.riskRefused[reason] = (this.counters.riskRefused[reason] ?? 0) + 1;
      return;
    }
    const tradeId = this.nextTradeId;
    this.open.set(d.symbol, { tradeId, decision: d, decisionNs: tsNs, ml });
    const side = d.direction === 'long' ? 'buy' : 'sell';
    let ids: BracketIds;
    try {
      ids = this.venue.submitBracket({
        symbol: d.symbol, side, qty: r.qty, entry: { type: 'market' }, stopPrice: r.stopPrice!, targetPrice: r.targetPrice!, tag: bracketTag(tradeId, d.strategy?.id),
      });
    } catch (e) {
      this.open.delete(d.symbol);
      throw e;
    }
    // `entry`: the last price the size and the bracket were computed from; the market entry fills at the next trade.
    this.o.log?.info({
      tradeId, orderId: ids.entry, symbol: d.symbol, side, qty: r.qty, entryType: 'market', entry: r.entryPrice, stop: r.stopPrice, target: r.targetPrice,
      marketTime: isoNs(tsNs),
    }, 'Order sent');
    this.nextTradeId++;
    this.counters.entries++;
  }

  /** Realised P&L per symbol (every one of `symbols`, then any other traded) and in total, round trips and wins. */
  result(symbols: readonly string[] = []): TradingResult {
    const pnlUsd: Record<string, number> = {};
    for (const s of symbols) pnlUsd[s] = 0;
    let totalUsd = 0;
    let wins = 0;
    for (const t of this.trades) {
      pnlUsd[t.trip.symbol] = (pnlUsd[t.trip.symbol] ?? 0) + t.trip.netUsd;
      totalUsd += t.trip.netUsd;
      if (t.trip.netUsd > 0) wins++;
    }
    return { pnlUsd, totalUsd, roundTrips: this.trades.length, wins };
  }

  /** Runs what an alert asked for (CATASTROPHE flatten) outside the venue's event dispatch. */
  settle(): void {
    for (const symbol of this.flattenDue) this.close(symbol, 'flatten');
    this.flattenDue.clear();
  }

  /**
   * End of the data: cancels working orders and closes open positions at market (the simulator: at the last
   * price, at once; a live venue: the trades are recorded as the closes fill). Every symbol is tried; the first
   * venue refusal is then thrown (a live venue refuses while disconnected).
   */
  finish(): void {
    this.settle();
    let failed: unknown;
    for (const symbol of [...this.open.keys()].sort()) {
      try {
        this.close(symbol, 'end');
      } catch (e) {
        failed ??= e;
      }
    }
    if (failed !== undefined) throw failed;
  }

  private close(symbol: string, why: 'flatten' | 'end'): void {
    this.closing.set(symbol, why);
    const position = this.ledger.position(symbol);
    this.o.log?.info({ symbol, position, reason: why }, 'Liquidation sent');
    this.venue.liquidate(symbol, position);
    // Flat now: a bracket whose entry never filled leaves no trade behind, or the simulator's close filled above.
    if (this.ledger.position(symbol) === 0) {
      this.open.delete(symbol);
      this.closing.delete(symbol);
    }
  }

  private onAlert(a: RiskAlert): void {
    for (const f of a.flatten) this.flattenDue.add(f.symbol);
  }

  private onEvent(e: ExecutionEvent): void {
    if (e.kind !== 'filled') return;
    const f = e.fill;
    const trip = this.ledger.apply(f);
    this.o.log?.info({
      orderId: f.orderId, symbol: f.symbol, side: f.side, qty: f.qty, price: f.price, position: this.ledger.position(f.symbol),
      commissionUsd: f.commissionUsd, marketTime: isoNs(f.tsNs),
    }, 'Order filled');
    if (!trip) return;
    const p = this.open.get(f.symbol);
    const why = this.closing.get(f.symbol);
    this.open.delete(f.symbol);
    this.closing.delete(f.symbol);
    this.risk.onTradeClosed(trip.netUsd, tradeDate(nsToMs(trip.exitNs)));
    if (!p) return;
    this.trades.push({ tradeId: p.tradeId, trip, exitReason: exitReason(e.order, why), decision: p.decision, decisionNs: p.decisionNs, ml: p.ml });
  }
}

function exitReason(o: OrderView, closing: 'flatten' | 'end' | undefined): TradeRecord['exitReason'] {
  if (o.tag === 'liquidate') return closing ?? 'end';
  return o.type === 'stop' ? 'stop' : 'target';
}

/** A score as the ML verdict it is. */
function scoredVerdict(ml: MlScore): MlVerdict {
  return { enabled: true, state: 'scored', scores: ml.scores, mean: ml.mean, approved: ml.approved, hashes: ml.hashes };
}
