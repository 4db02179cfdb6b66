import { describe, expect, test } from 'vitest';
import { computeMetrics } from './backtest-metrics.js';

describe('computeMetrics on hand-computed trade lists', () => {
  test('five trades over three days', () => {
    // Days 100, 101, 102. Profits: +400, −150 (day 100); +200 (day 101); −300, +100 (day 102).
    const trades = [
      { profit: 400, exitDay: 100 }, { profit: -150, exitDay: 100 },
      { profit: 200, exitDay: 101 },
      { profit: -300, exitDay: 102 }, { profit: 100, exitDay: 102 },
    ];
    const m = computeMetrics(trades, 10_000, [100, 101, 102]);
    expect([m.trades, m.wins, m.losses]).toEqual([5, 3, 2]);
    expect(m.winRate).toBe(3 / 5);
    expect([m.grossProfit, m.grossLoss, m.netProfit]).toEqual([700, -450, 250]);
    expect(m.profitFactor).toBeCloseTo(700 / 450, 12);
    expect(m.expectancy).toBe(50);
    // Equity 10000 → 10400 (peak) → 10250 → 10450 (peak) → 10150 → 10250: deepest fall 10450 − 10150 = 300.
    expect(m.maxDrawdown).toBe(300);
    expect(m.maxDrawdownPct).toBeCloseTo(300 / 10_450, 12);
    // Daily returns 250/10000, 200/10000, −200/10000 = 0.025, 0.02, −0.02: mean 0.025/3; deviations
    // 0.025−m, 0.02−m, −0.02−m; sample variance = Σd² / 2.
    const r = [0.025, 0.02, -0.02];
    const mean = (0.025 + 0.02 - 0.02) / 3;
    const sd = Math.sqrt(((r[0]! - mean) ** 2 + (r[1]! - mean) ** 2 + (r[2]! - mean) ** 2) / 2);
    expect(m.sharpe).toBeCloseTo((mean / sd) * Math.sqrt(252), 12);
    expect(m.sharpeDays).toBe(3);
  });

  test('a quiet business day counts as a zero return', () => {
    // Returns +0.01 and 0: mean 0.005, sample sd = √((0.005² + 0.005²)/1) = 0.005·√2, Sharpe = √252/√2.
    const m = computeMetrics([{ profit: 100, exitDay: 7 }], 10_000, [7, 8]);
    expect(m.sharpe).toBeCloseTo(Math.sqrt(252) / Math.SQRT2, 12);
  });

  test('no losing trade: profit factor null; no trade: rates null, drawdown 0', () => {
    const m = computeMetrics([{ profit: 50, exitDay: 1 }, { profit: 0, exitDay: 1 }], 1000, [1]);
    expect([m.wins, m.losses, m.winRate, m.profitFactor, m.sharpe]).toEqual([1, 0, 0.5, null, null]);
    const e = computeMetrics([], 1000, [1, 2]);
    expect([e.trades, e.winRate, e.expectancy, e.profitFactor, e.maxDrawdown, e.sharpe]).toEqual([0, null, null, null, 0, null]);
  });
});
