import { describe, expect, test } from 'vitest';
import type { TradeSink } from '../../engine/market-source.js';
import type { TradeBatch } from '../../model/trade-batch.js';
import { TradeQueue } from './trade-queue.js';

function sink(limit: number, got: Array<[number, number, bigint]>): TradeSink {
  return {
    offer(_i: number, b: TradeBatch, from: number, to: number): number {
      const n = Math.min(limit, to - from);
      for (let j = from; j < from + n; j++) got.push([b.price[j]!, b.size[j]!, b.tsNs(j)]);
      return n;
    },
    quote() {},
  };
}

describe('TradeQueue', () => {
  test('hands trades over in order across partial takes and growth', () => {
    const q = new TradeQueue();
    const got: Array<[number, number, bigint]> = [];
    for (let k = 0; k < 20_000; k++) {
      q.push(1_709_562_600 + Math.floor(k / 100), 5000 + (k % 7) * 0.25, 1 + (k % 3), 1, k);
      if (k % 1000 === 999) q.offer(sink(600, got), 0);
    }
    while (q.length) q.offer(sink(700, got), 0);
    expect(got).toHaveLength(20_000);
    got.forEach(([p, s, ns], k) => {
      expect(p).toBe(5000 + (k % 7) * 0.25);
      expect(s).toBe(1 + (k % 3));
      expect(ns).toBe(BigInt(1_709_562_600 + Math.floor(k / 100)) * 1_000_000_000n);
    });
  });

  test('the seam is the trades of the last second', () => {
    const q = new TradeQueue();
    q.push(10, 1, 1, 0, 0);
    q.push(11, 2, 2, 0, 0);
    q.push(11, 3, 3, 0, 0);
    expect(q.seam().map((t) => [t.sec, t.price, t.size])).toEqual([[11, 2, 2], [11, 3, 3]]);
    expect(q.lastSec).toBe(11);
  });
});
