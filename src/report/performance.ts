import { computeMetrics, type BacktestMetrics } from '../backtest/backtest-metrics.js';
import { ExchangeCalendar } from '../model/calendar/exchange-holidays.js';
import { easternMinuteOfDay } from '../model/calendar/us-eastern-time.js';
import { nsToMs } from '../model/time.js';
import type { ReportInput, ReportTrade } from './report-input.js';
import { tradeDayOfNs } from './report-period.js';
import { ML_BUCKETS, SCORE_BUCKETS } from './report-rules.js';

/** One row of a breakdown: a group of trades and their metrics. */
export interface GroupRow {
  /** Label of the group (`trend up`, `0.35–0.50`, `09`). */
  key: string;
  trades: ReportTrade[];
  metrics: BacktestMetrics;
}

/** A breakdown of the period's trades by one attribute. */
export interface Breakdown {
  /** `market regime`, `volatility regime`, `direction`, `score`, `ML mean`, `entry hour (New York)`, `strategy`. */
  name: string;
  rows: GroupRow[];
}

/** The period's performance: overall and broken down. */
export interface Performance {
  balance: number;
  /** Business trade dates the Sharpe ratio is computed over. */
  sharpeDays: number[];
  overall: BacktestMetrics;
  breakdowns: Breakdown[];
}

/** A trade's group in a breakdown: its label and its sort rank (rows are ordered by rank, then label). */
interface Grouping {
  name: string;
  of: (t: ReportTrade) => { key: string; rank: number };
}

const UNKNOWN_RANK = 1_000;

/** Label of the largest of a few probabilities, in the order given on ties; `unknown` when any is missing. */
function dominant(labels: readonly string[], p: readonly (number | null)[]): { key: string; rank: number } {
  if (p.some((x) => x === null)) return { key: 'unknown', rank: UNKNOWN_RANK };
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i;
  return { key: labels[best]!, rank: best };
}

/** The bucket of `x` among ascending lower bounds, labelled `a–b` or `≥ a`. */
function bucket(bounds: readonly number[], x: number): { key: string; rank: number } {
  let i = 0;
  while (i + 1 < bounds.length && x >= bounds[i + 1]!) i++;
  const lo = bounds[i]!.toFixed(2);
  return { key: i + 1 < bounds.length ? `${lo}–${bounds[i + 1]!.toFixed(2)}` : `≥ ${lo}`, rank: i };
}

/** The market regime at entry: the largest of P(trend up), P(trend down), P(range). */
export function marketRegime(t: ReportTrade): string {
  return dominant(['trend up', 'trend down', 'range'], [t.regime.pTrendUp, t.regime.pTrendDown, t.regime.pRange]).key;
}

/** The volatility regime at entry: the largest of P(low), P(normal), P(high). */
export function volatilityRegime(t: ReportTrade): string {
  return dominant(['low', 'normal', 'high'], [t.regime.pVolLow, t.regime.pVolNormal, t.regime.pVolHigh]).key;
}

/** New York clock hour (0–23) of a trade's entry. */
export function entryHour(t: ReportTrade): number {
  return Math.floor(easternMinuteOfDay(nsToMs(t.entryNs)) / 60);
}

/** Strategies in the selector's order (docs/signals.md), then `signal` (strategies off), then any other id. */
const STRATEGY_ORDER = ['trend', 'range', 'defensive', 'signal'];

function strategyGroup(id: string): { key: string; rank: number } {
  const i = STRATEGY_ORDER.indexOf(id);
  return { key: id, rank: i < 0 ? STRATEGY_ORDER.length : i };
}

/** The breakdowns of the report, in the order they are printed. */
export const GROUPINGS: readonly Grouping[] = [
  { name: 'market regime', of: (t) => dominant(['trend up', 'trend down', 'range'], [t.regime.pTrendUp, t.regime.pTrendDown, t.regime.pRange]) },
  { name: 'volatility regime', of: (t) => dominant(['low', 'normal', 'high'], [t.regime.pVolLow, t.regime.pVolNormal, t.regime.pVolHigh]) },
  { name: 'direction', of: (t) => ({ key: t.side, rank: t.side === 'long' ? 0 : 1 }) },
  { name: 'score', of: (t) => bucket(SCORE_BUCKETS, Math.abs(t.score)) },
  { name: 'ML mean', of: (t) => (t.mlMean === null ? { key: 'off', rank: UNKNOWN_RANK } : bucket(ML_BUCKETS, t.mlMean)) },
  { name: 'entry hour (New York)', of: (t) => { const h = entryHour(t); return { key: String(h).padStart(2, '0'), rank: h }; } },
  { name: 'strategy', of: (t) => strategyGroup(t.strategy ?? 'signal') },
];

/**
 * Business trade dates of the Sharpe ratio, as `mia backtest` takes them: from the trade date of the first
 * decision (else the first exit) to that of the last decision or exit, whichever is later, within the period.
 */
export function sharpeDays(input: ReportInput): number[] {
  const { trades, decisionSpan, period } = input;
  const starts: number[] = [];
  const ends: number[] = [];
  if (decisionSpan) (starts.push(tradeDayOfNs(decisionSpan.firstNs)), ends.push(tradeDayOfNs(decisionSpan.lastNs)));
  if (trades.length > 0) (starts.push(tradeDayOfNs(trades[0]!.exitNs)), ends.push(tradeDayOfNs(trades[trades.length - 1]!.exitNs)));
  if (starts.length === 0) return [];
  const cal = new ExchangeCalendar();
  const out: number[] = [];
  const from = Math.max(period.firstDay, Math.min(...starts));
  const to = Math.min(period.lastDay, Math.max(...ends));
  for (let d = from; d <= to; d++) if (cal.isBusinessDay(d)) out.push(d);
  return out;
}

/** Metrics of trades in exit order with backtest-metrics' one definition (docs/backtest.md). */
export function metricsOf(trades: readonly ReportTrade[], balance: number, days: readonly number[]): BacktestMetrics {
  return computeMetrics(trades.map((t) => ({ profit: t.pnlUsd, exitDay: tradeDayOfNs(t.exitNs) })), balance, days);
}

/** The period's performance, overall and by each grouping; rows in rank order, trades kept in exit order. */
export function computePerformance(input: ReportInput, balance: number): Performance {
  const days = sharpeDays(input);
  const breakdowns = GROUPINGS.map((g): Breakdown => {
    const groups = new Map<string, { rank: number; trades: ReportTrade[] }>();
    for (const t of input.trades) {
      const { key, rank } = g.of(t);
      const group = groups.get(key) ?? { rank, trades: [] };
      group.trades.push(t);
      groups.set(key, group);
    }
    const rows = [...groups].sort(([ka, a], [kb, b]) => a.rank - b.rank || (ka < kb ? -1 : ka > kb ? 1 : 0))
      .map(([key, group]) => ({ key, trades: group.trades, metrics: metricsOf(group.trades, balance, days) }));
    return { name: g.name, rows };
  });
  return { balance, sharpeDays: days, overall: metricsOf(input.trades, balance, days), breakdowns };
}
