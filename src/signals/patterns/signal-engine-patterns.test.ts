import { describe, expect, it } from 'vitest';
import type { BarInput, SnapshotInput } from '../../model/signal-input.js';
import { SignalEngine } from '../signal-engine.js';

const T0 = Date.UTC(2024, 0, 3, 15, 0);

/** A closed 1m bar with one footprint row per price, ask (buy-aggressor) and bid volumes given. */
function bar(i: number, rows: Array<[price: number, bid: number, ask: number]>, open: number, close: number, stackedBuy = 0): BarInput {
  const buy = rows.reduce((s, r) => s + r[2], 0);
  const sell = rows.reduce((s, r) => s + r[1], 0);
  return {
    tsMs: T0 + i * 60_000, timeframe: '1m', open, close, high: Math.max(...rows.map((r) => r[0])), low: Math.min(...rows.map((r) => r[0])),
    volume: buy + sell, trades: 10, buyVolume: buy, sellVolume: sell, delta: buy - sell, stackedBuy, stackedSell: 0,
    levels: rows.map(([price, b, a]) => ({ price, bid: b, ask: a, bidTrades: 1, askTrades: 1 })),
  };
}

/** A snapshot after bar `i`, with the session's value area. */
function snapshot(i: number, vah: number, val: number): SnapshotInput {
  const tsMs = T0 + (i + 1) * 60_000 + 500;
  const session = { poc: (vah + val) / 2, vah, val, vwap: 0, vwapUpper1: 0, vwapLower1: 0, vwapUpper2: 0, vwapLower2: 0, hvn: [] };
  return { symbol: 'ESH4', tsNs: BigInt(tsMs) * 1_000_000n, tsMs, tickSize: 0.25, quote: null, frames: [{ timeframe: '1m', close: null, lastClosed: null, session }] };
}

describe('SignalEngine: order-flow patterns on each decision', () => {
  it('the base bars\' footprints give absorption and initiative on the decision; other timeframes do not count', () => {
    const e = new SignalEngine();
    expect(e.decide(snapshot(0, 4790, 4780)).patterns!.absorption.side).toBe(0);
    // 400 lots lifted at 4791.00, the high one tick above; opened inside value (≤ 4790), closed above it, one stack.
    e.onBarInput('ESH4', bar(1, [[4789.75, 10, 10], [4790.5, 10, 40], [4791, 20, 400], [4791.25, 5, 5]], 4789.75, 4791, 1));
    const d = e.decide(snapshot(1, 4790, 4780));
    expect(d.patterns!.absorption).toEqual({ side: -1, price: 4791 });
    expect(d.patterns!.initiative).toEqual({ side: 1, price: 4790 });
    expect(d.patterns!.exhaustion.side).toBe(0);
    // A 5m bar with the same footprint is not the base timeframe: the patterns stay those of the last 1m bar.
    e.onBarInput('ESH4', { ...bar(2, [[4791, 500, 0]], 4791, 4791), timeframe: '5m' });
    expect(e.decide(snapshot(2, 4790, 4780)).patterns).toBe(d.patterns);
    // The next 1m bar, quiet: no pattern.
    e.onBarInput('ESH4', bar(3, [[4791, 10, 10]], 4791, 4791));
    expect(e.decide(snapshot(3, 4795, 4780)).patterns).toEqual({
      absorption: { side: 0, price: Number.NaN }, exhaustion: { side: 0, price: Number.NaN }, initiative: { side: 0, price: Number.NaN },
    });
  });
});
