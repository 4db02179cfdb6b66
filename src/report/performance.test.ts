// The report's numbers are backtest-metrics' (docs/backtest.md): the same function over the same trades, P&L
// taken as `profit` and each trade put on the CME trade date of its exit.
import { describe, expect, test } from 'vitest';
import { computeMetrics } from '../backtest/backtest-metrics.js';
import { parseIsoDay } from '../model/calendar/civil-day.js';
import { tradeDate } from '../model/calendar/us-eastern-time.js';
import { nsToMs } from '../model/time.js';
import { computePerformance, sharpeDays } from './performance.js';
import type { ReportInput, ReportTrade } from './report-input.js';
import { weekPeriod } from './report-period.js';

const ns = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n;

/** A trade exiting at `exit` (UTC) with `pnl`, entered ten minutes before; regime and ML as given. */
function trade(id: number, exit: string, pnl: number, more: Partial<ReportTrade> = {}): ReportTrade {
  const exitNs = ns(exit);
  return {
    sessionId: 1, tradeId: id, symbol: 'ES', side: 'long', qty: 1, entryNs: exitNs - 600_000_000_000n, entryPrice: 5000, exitNs, exitPrice: 5000 + pnl / 50,
    exitReason: pnl > 0 ? 'target' : 'stop', pnlUsd: pnl, stopPrice: 4998, targetPrice: 5004, tickSize: 0.25, score: 0.4, confidence: 0.8,
    mlMean: 0.7, confluenceScore: 0.3, directions: { d1m: 0.1, d5m: 0.1, d15m: 0.1, d1h: 0.1, d4h: 0.1 },
    regime: { pTrendUp: 0.5, pTrendDown: 0.2, pRange: 0.3, pVolLow: 0.3, pVolNormal: 0.5, pVolHigh: 0.2 }, ...more,
  };
}

const week = weekPeriod('2026-W25')!; // Monday 2026-06-15 to Sunday 06-21; Friday 06-19 is Juneteenth (closed)
const trades = [
  trade(1, '2026-06-15T14:00:00Z', 250),
  trade(2, '2026-06-15T15:00:00Z', -125, { regime: { pTrendUp: 0.1, pTrendDown: 0.6, pRange: 0.3, pVolLow: 0.1, pVolNormal: 0.2, pVolHigh: 0.7 } }),
  trade(3, '2026-06-16T21:59:00Z', -300, { side: 'short', mlMean: null }),
  trade(4, '2026-06-16T22:01:00Z', 600, { score: -0.8, side: 'short' }), // 18:01 New York: trade date 06-17
  trade(5, '2026-06-18T13:30:00Z', 0),
];
const input: ReportInput = {
  period: week, sessions: [], trades, bars: null, otherTradeDays: [],
  decisionSpan: { firstNs: ns('2026-06-14T22:05:00Z'), lastNs: ns('2026-06-19T20:00:00Z') },
};

describe('performance', () => {
  test('overall metrics are computeMetrics over the trades in exit order', () => {
    const days = ['2026-06-15', '2026-06-16', '2026-06-17', '2026-06-18'].map(parseIsoDay);
    const p = computePerformance(input, 25_000);
    expect(p.sharpeDays).toEqual(days);
    const expected = computeMetrics([
      { profit: 250, exitDay: days[0]! }, { profit: -125, exitDay: days[0]! }, { profit: -300, exitDay: days[1]! },
      { profit: 600, exitDay: days[2]! }, { profit: 0, exitDay: days[3]! },
    ], 25_000, days);
    expect(p.overall).toEqual(expected);
    // Hand check of the definitions: 2 wins of 5, PF 850 / 425, drawdown from 25,250 to 24,825.
    expect(p.overall).toMatchObject({ trades: 5, wins: 2, losses: 2, winRate: 0.4, profitFactor: 2, expectancy: 85, maxDrawdown: 425 });
  });

  test('each breakdown row is computeMetrics over its own trades; rows in a fixed order', () => {
    const p = computePerformance(input, 25_000);
    const regime = p.breakdowns.find((b) => b.name === 'market regime')!;
    expect(regime.rows.map((r) => [r.key, r.trades.map((t) => t.tradeId)])).toEqual([['trend up', [1, 3, 4, 5]], ['trend down', [2]]]);
    const ml = p.breakdowns.find((b) => b.name === 'ML mean')!;
    expect(ml.rows.map((r) => r.key)).toEqual(['≥ 0.70', 'off']);
    const score = p.breakdowns.find((b) => b.name === 'score')!;
    expect(score.rows.map((r) => r.key)).toEqual(['0.35–0.50', '≥ 0.75']);
    const hours = p.breakdowns.find((b) => b.name === 'entry hour (New York)')!;
    expect(hours.rows.map((r) => r.key)).toEqual(['09', '10', '17']);
    for (const b of p.breakdowns) {
      expect(b.rows.flatMap((r) => r.trades).length).toBe(trades.length);
      for (const r of b.rows) {
        expect(r.metrics).toEqual(computeMetrics(r.trades.map((t) => ({ profit: t.pnlUsd, exitDay: tradeDate(nsToMs(t.exitNs)) })), 25_000, p.sharpeDays));
      }
    }
  });

  test('the strategy breakdown: trades by the strategy that opened them, in the selector\'s order; a journal without strategies is all `signal`', () => {
    const withStrategies = { ...input, trades: trades.map((t, i) => ({ ...t, strategy: ['range', 'trend', 'range', 'defensive', 'trend'][i]! })) };
    const rows = computePerformance(withStrategies, 25_000).breakdowns.find((b) => b.name === 'strategy')!.rows;
    expect(rows.map((r) => [r.key, r.trades.map((t) => t.tradeId)])).toEqual([['trend', [2, 5]], ['range', [1, 3]], ['defensive', [4]]]);
    // Net 250 − 300 for range: the rows' metrics add up to the whole (trades and net profit).
    expect(rows.map((r) => r.metrics.netProfit)).toEqual([-125, -50, 600]);
    const off = computePerformance(input, 25_000).breakdowns.find((b) => b.name === 'strategy')!.rows;
    expect(off.map((r) => [r.key, r.trades.length])).toEqual([['signal', 5]]);
  });

  test('sharpe days stop at the period and skip holidays; no decisions and no trades: none', () => {
    expect(sharpeDays({ ...input, decisionSpan: null, trades: [] })).toEqual([]);
    expect(sharpeDays({ ...input, decisionSpan: { firstNs: ns('2026-06-10T14:00:00Z'), lastNs: ns('2026-06-25T14:00:00Z') } }))
      .toEqual(['2026-06-15', '2026-06-16', '2026-06-17', '2026-06-18'].map(parseIsoDay));
  });
});
