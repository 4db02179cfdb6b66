// The rules at their edges (docs/report.md): a group holding most trades concentrates nothing, two losses are
// no streak, four entries an hour are within the limit, directions at the threshold count as against.
import { describe, expect, test } from 'vitest';
import { findLessons } from './lessons.js';
import type { ReportTrade } from './report-input.js';

/** Trade `id` entered at New York (EDT) 2026-06-17 `hm`, exiting five minutes later with `pnl`. */
function trade(id: number, hm: string, pnl: number, more: Partial<ReportTrade> = {}): ReportTrade {
  const entryNs = BigInt(Date.parse(`2026-06-17T${hm}:00-04:00`)) * 1_000_000n;
  return {
    sessionId: 1, tradeId: id, symbol: 'ES', side: 'long', qty: 1, entryNs, entryPrice: 5000, exitNs: entryNs + 300_000_000_000n, exitPrice: 5000,
    exitReason: 'close', pnlUsd: pnl, stopPrice: 4998, targetPrice: 5004, tickSize: 0.25, score: 0.5, confidence: 0.8, mlMean: 0.8,
    confluenceScore: 0.5, directions: { d1m: 0.5, d5m: 0.5, d15m: 0.5, d1h: 0.5, d4h: 0.5 },
    regime: { pTrendUp: 0.2, pTrendDown: 0.2, pRange: 0.6, pVolLow: 0.2, pVolNormal: 0.6, pVolHigh: 0.2 }, ...more,
  };
}

const rules = (trades: ReportTrade[]): string[] => findLessons(trades, [], { mlThreshold: 0.6 }).lessons.map((l) => l.rule);

describe('lessons at their edges', () => {
  test('a day traded only in range, in one hour each, concentrates nothing: the losses are not over-represented', () => {
    const trades = [trade(1, '09:40', -100), trade(2, '10:40', 200), trade(3, '11:40', -100), trade(4, '12:40', 200)];
    expect(rules(trades)).toEqual([]);
  });

  test('two losses in a row are no streak; three are', () => {
    expect(rules([trade(1, '09:40', -100), trade(2, '10:40', -100), trade(3, '11:40', 200)])).toEqual([]);
    const three = findLessons([trade(1, '09:40', -100), trade(2, '10:40', -100), trade(3, '11:40', -100), trade(4, '12:40', 200), trade(5, '13:40', -1),
      trade(6, '14:40', -1), trade(7, '15:40', -1)], [], { mlThreshold: 0.6 }).lessons.filter((l) => l.rule === 'loss-streak');
    expect(three.map((l) => l.trades)).toEqual([['S1-T1', 'S1-T2', 'S1-T3'], ['S1-T5', 'S1-T6', 'S1-T7']]);
  });

  test('four entries in an hour are within the limit; the fifth is a penalty', () => {
    const four = ['10:00', '10:10', '10:20', '10:59'].map((hm, i) => trade(i + 1, hm, 50));
    expect(rules(four)).toEqual([]);
    const five = findLessons([...four, trade(5, '10:30', 50)], [], { mlThreshold: 0.6 });
    // Entry order, not id order: 10:30 is the fourth entry, 10:59 (T4) the fifth.
    expect(five.penalties).toEqual([{ rule: 'overtrading', trade: 'S1-T4', hour: '2026-06-17 10:00 ET', points: 1 }]);
  });

  test('a higher-timeframe direction exactly at −0.25 against the side counts; −0.24 does not', () => {
    const at = trade(1, '09:40', 50, { directions: { d1m: 0, d5m: 0, d15m: 0, d1h: -0.25, d4h: null } });
    const under = trade(2, '10:40', 50, { side: 'short', directions: { d1m: 0, d5m: 0, d15m: 0, d1h: null, d4h: 0.24 } });
    expect(findLessons([at, under], [], { mlThreshold: 0.6 }).lessons.map((l) => [l.rule, l.trades])).toEqual([['against-higher-timeframe', ['S1-T1']]]);
  });

  test('no stopped trade: the near-target rule has nothing to check, with or without bars', () => {
    expect(findLessons([trade(1, '09:40', 50)], null, { mlThreshold: 0.6 }).notes).toEqual([]);
  });
});
