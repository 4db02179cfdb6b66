import type { DecisionEvent, RiskStateEvent } from '../engine/engine-events.js';
import type { RiskVerdict } from '../execution/decision-verdicts.js';
import type { ExecutionEvent, Fill } from '../execution/execution-venue.js';
import type { TradeRecord } from '../execution/signal-trader.js';
import type { BarInput, SnapshotInput } from '../model/signal-input.js';
import type { UnixNanos } from '../model/time.js';
import { FEATURE_NAMES } from '../signals/features.js';
import type { SignalDecision } from '../signals/signal-engine.js';
import { strategyIdOf } from '../signals/strategies/strategy-book.js';
import { strategyOfTag } from '../execution/bracket-tag.js';
import type { Cell } from './journal-schema.js';

/**
 * Row builders: each copies what one table keeps of an engine event into a row in the column order of
 * journal-schema.ts (COLUMNS). They run on the engine's thread and read nothing but their arguments.
 */

const num = (x: number | null | undefined): number | null => (x === null || x === undefined || !Number.isFinite(x) ? null : x);

/** The decision's per-timeframe directions, regime probabilities and smart-money components (decisions and trades). */
function context(d: SignalDecision): Cell[] {
  const tf = d.regime.timeframes;
  const m = d.regime.market;
  const v = d.regime.volatility;
  const s = d.smartMoney;
  return [
    num(tf['1m']), num(tf['5m']), num(tf['15m']), num(tf['1h']), num(tf['4h']),
    num(m?.trendUp), num(m?.trendDown), num(m?.range), num(v?.low), num(v?.normal), num(v?.high),
    num(s.largeFlow), num(s.stacked), num(s.absorption), num(s.book), num(s.score),
  ];
}

/** A decisions row. */
export function decisionRow(e: DecisionEvent): Cell[] {
  const d = e.decision;
  const r = e.risk;
  return [
    d.symbol, e.sequence, d.tsNs, d.direction, num(d.score), num(d.confidence), num(d.price),
    ...FEATURE_NAMES.map((f) => num(d.features[f])), ...context(d), d.expiry.phase,
    e.ml.state, e.ml.scores, num(e.ml.mean), e.ml.approved,
    r.evaluated, r.approved, r.reason, r.qty, num(r.stopPrice), num(r.targetPrice), r.alert,
    ...strategyCells(d),
  ];
}

/** An orders row: one per order event (accepted, filled, cancelled). */
export function orderRow(e: ExecutionEvent): Cell[] {
  const o = e.order;
  const ts = e.kind === 'filled' ? e.fill.tsNs : e.tsNs;
  return [
    o.id, ts, e.kind, o.symbol, o.side, o.qty, o.type, num(o.limitPrice), num(o.stopPrice), o.parentId ?? null, o.ocoId ?? null,
    o.tag ?? null, e.kind === 'cancelled' ? e.reason : null, strategyOfTag(o.tag),
  ];
}

/** A fills row, with the position the fill left. */
export function fillRow(f: Fill, position: number, tag: string | undefined): Cell[] {
  return [f.orderId, f.tsNs, f.symbol, f.side, f.qty, f.price, f.commissionUsd, position, tag ?? null, strategyOfTag(tag)];
}

/** A trades row: the round trip, its bracket (from the decision's risk verdict) and the decision that opened it. */
export function tradeRow(t: TradeRecord, verdict: RiskVerdict | undefined, tickSize: number | null): Cell[] {
  const d = t.decision;
  const p = t.trip;
  return [
    t.tradeId, p.symbol, p.side, p.qty, p.entryNs, p.entryPrice, p.exitNs, p.exitPrice, t.exitReason,
    p.netUsd, p.grossUsd, p.commissionUsd, num(verdict?.stopPrice), num(verdict?.targetPrice), tickSize,
    t.decisionNs, num(d.score), num(d.confidence), num(t.ml?.mean), t.ml?.scores ?? [],
    ...FEATURE_NAMES.map((f) => num(d.features[f])), ...context(d),
    ...strategyCells(d),
  ];
}

/** The strategy columns of a decision or trade: its strategy (`signal` when strategies are off), the rule, the signal's direction. */
function strategyCells(d: SignalDecision): Cell[] {
  return [strategyIdOf(d), d.strategy?.reason ?? null, d.strategy?.signalDirection ?? d.direction];
}

/** What changed between two risk states, most important first. */
export function riskKind(prev: RiskStateEvent | undefined, r: RiskStateEvent): string {
  if (!prev) return 'start';
  if (prev.alert !== r.alert) return 'alert';
  if (prev.halted !== r.halted) return r.halted ? 'halt' : 'resume';
  if (prev.positions.some((p, i) => p.qty !== r.positions[i]?.qty)) return 'position';
  if (prev.balance !== r.balance || prev.dailyPnl !== r.dailyPnl || prev.consecutiveLosses !== r.consecutiveLosses) return 'pnl';
  if (prev.lastRefusal !== r.lastRefusal || prev.lastRefusalSymbol !== r.lastRefusalSymbol) return 'refusal';
  return 'same';
}

/** A risk_events row. */
export function riskRow(tsNs: UnixNanos, kind: string, r: RiskStateEvent): Cell[] {
  return [
    tsNs, kind, r.alert, r.lastRefusal, r.lastRefusalSymbol, r.dailyPnl, r.balance, r.halted, r.consecutiveLosses,
    JSON.stringify(r.positions),
  ];
}

/** An alert as the alerts helper hands it to the journal (`JournalRecorder.alert`). */
export interface AlertRow {
  /** Wall-clock time, ms since the epoch. */
  tsMs: number;
  rule: string;
  state: 'raised' | 'repeated' | 'resolved';
  severity: string;
  message: string;
  value: number | null;
  symbol?: string | null;
}

/** An alerts row. */
export function alertRow(a: AlertRow): Cell[] {
  return [a.tsMs, a.rule, a.state, a.severity, a.message, num(a.value), a.symbol ?? null];
}

/** A bars row: the closed bar and its footprint rows as three parallel lists. */
export function barRow(symbol: string, b: BarInput): Cell[] {
  const levels = b.levels ?? [];
  return [
    symbol, b.timeframe, BigInt(Math.round(b.tsMs * 1e6)), b.open, b.high, b.low, b.close, b.volume, b.trades,
    b.buyVolume, b.sellVolume, b.delta, b.stackedBuy, b.stackedSell,
    levels.map((l) => l.price), levels.map((l) => l.bid), levels.map((l) => l.ask),
  ];
}

/** A snapshots row: the base frame's price and session levels, the quote, every frame's close. */
export function snapshotRow(sequence: bigint, quality: number, tradesTotal: bigint, m: SnapshotInput): Cell[] {
  const base = m.frames[0];
  const s = base?.session;
  return [
    m.symbol, sequence, m.tsNs, quality, tradesTotal, num(base?.close ?? base?.lastClosed?.close), num(m.quote?.bid), num(m.quote?.ask),
    num(s?.poc), num(s?.vah), num(s?.val), num(s?.vwap), num(s?.vwapUpper1), num(s?.vwapLower1), num(s?.vwapUpper2), num(s?.vwapLower2),
    m.frames.map((f) => f.timeframe), m.frames.map((f) => num(f.close) ?? Number.NaN),
  ];
}
