import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { barTrades, nextBarStart, type IbBar } from './bar-fill.js';

const T0 = 1_709_562_600; // 2024-03-04 14:30:00 UTC, a minute boundary

describe('barTrades', () => {
  test('an up bar becomes open, low, high, close with the volume split and the remainder on the close', () => {
    const t = barTrades([{ sec: T0, open: 5000, high: 5002, low: 4999.5, close: 5001, volume: 10 }], T0, T0 + 60, 0);
    expect(t.map((x) => [x.sec - T0, x.price, x.size])).toEqual([[0, 5000, 2], [20, 4999.5, 2], [40, 5002, 2], [59, 5001, 4]]);
  });

  test('a down bar visits the high first; equal neighbours merge; one contract is the close', () => {
    const down = barTrades([{ sec: T0, open: 5000, high: 5000, low: 4998, close: 4998.5, volume: 7 }], T0, T0 + 60, 0);
    expect(down.map((x) => [x.price, x.size])).toEqual([[5000, 2], [4998, 2], [4998.5, 3]]);
    const one = barTrades([{ sec: T0, open: 5000, high: 5001, low: 4999, close: 5000.5, volume: 1 }], T0, T0 + 60, 0);
    expect(one.map((x) => [x.sec - T0, x.price, x.size])).toEqual([[59, 5000.5, 1]]);
  });

  test('partial bars at either end, empty bars and bad prices give no trades', () => {
    const bars: IbBar[] = [
      { sec: T0 - 60, open: 1, high: 1, low: 1, close: 1, volume: 5 },
      { sec: T0, open: 5000, high: 5000, low: 5000, close: 5000, volume: 0 },
      { sec: T0 + 60, open: Number.NaN, high: 1, low: 1, close: 1, volume: 5 },
      { sec: T0 + 120, open: 5000, high: 5000, low: 5000, close: 5000, volume: 3 },
      { sec: T0 + 180, open: 5000, high: 5000, low: 5000, close: 5000, volume: 3 },
    ];
    expect(barTrades(bars, T0, T0 + 230, 0).map((x) => [x.sec - T0, x.size])).toEqual([[120, 3]]);
  });

  test('open, high, low, close and volume of every bar survive; trades stay in time order inside the bar', () => {
    const bar = fc.record({ a: fc.integer({ min: 0, max: 40 }), b: fc.integer({ min: 0, max: 40 }), c: fc.integer({ min: 0, max: 40 }), d: fc.integer({ min: 0, max: 40 }), v: fc.integer({ min: 1, max: 500 }) });
    fc.assert(fc.property(bar, ({ a, b, c, d, v }) => {
      const [low, high] = [Math.min(a, b, c, d), Math.max(a, b, c, d)];
      const src: IbBar = { sec: T0, open: 4000 + a / 4, close: 4000 + b / 4, low: 4000 + low / 4, high: 4000 + high / 4, volume: v };
      const t = barTrades([src], T0, T0 + 60, 0);
      const prices = t.map((x) => x.price);
      expect(t.reduce((s, x) => s + x.size, 0)).toBe(v);
      expect(t.every((x) => x.size >= 1 && Number.isInteger(x.size))).toBe(true);
      expect(t.map((x) => x.sec)).toEqual([...t.map((x) => x.sec)].sort((p, q) => p - q));
      expect(prices.at(-1)).toBe(src.close);
      if (v >= 4) expect([prices[0], Math.max(...prices), Math.min(...prices)]).toEqual([src.open, src.high, src.low]);
    }));
  });

  test('nextBarStart rounds up to the minute', () => {
    expect([nextBarStart(T0), nextBarStart(T0 + 1), nextBarStart(T0 + 59)]).toEqual([T0, T0 + 60, T0 + 60]);
  });
});
