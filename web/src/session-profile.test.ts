import { describe, expect, test } from 'vitest';
import type { BarPoint, FootprintRow } from './bar-book.js';
import { SessionProfile } from './session-profile.js';

const row = (price: number, bid: number, ask: number): FootprintRow => ({ price, bid, ask, bidTrades: 1, askTrades: 1 });
function bar(m: number, levels: FootprintRow[], delta = 0, cumDelta = 0): BarPoint {
  return {
    time: m * 60, open: 0, high: 0, low: 0, close: 0, volume: 0, delta, cumDelta, vwap: 0, vwapSigma: 0, poc: 0,
    stackedBuy: 0, stackedSell: 0, levels, closed: true,
  };
}
const rows = (p: SessionProfile): [number, number, number][] => p.prices.map((x, i) => [x, p.bid[i]!, p.ask[i]!]);

describe('SessionProfile', () => {
  test('sums the footprints of the session bars by price, each bar once across the history seam', () => {
    const p = new SessionProfile();
    p.addClosed(bar(1, [row(100.25, 1, 2)]));
    p.loadHistory([bar(0, [row(100, 5, 0), row(100.25, 3, 4)]), bar(1, [row(100.25, 1, 2)])]);
    p.addClosed(bar(2, [row(99.75, 7, 7), row(100, 0, 1)]));
    expect(rows(p)).toEqual([[99.75, 7, 7], [100, 5, 1], [100.25, 4, 6]]);
  });

  test('starts over when a bar opens a new session (cumulative delta restarts)', () => {
    const p = new SessionProfile();
    p.loadHistory([bar(0, [row(100, 5, 5)], 0, 700), bar(1, [row(101, 1, 1)], 3, 703)]);
    p.addClosed(bar(2, [row(102, 2, 2)], 4, 4));
    expect(rows(p)).toEqual([[102, 2, 2]]);
  });

  test('the 1m bar in progress is kept apart and dropped once its close is summed', () => {
    const p = new SessionProfile();
    p.loadHistory([bar(0, [row(100, 1, 1)])]);
    p.setLive([row(100, 2, 2)], 60);
    expect(p.live).toHaveLength(1);
    p.addClosed(bar(1, [row(100, 2, 2)]));
    expect(p.live).toHaveLength(0);
    expect(rows(p)).toEqual([[100, 3, 3]]);
  });
});
