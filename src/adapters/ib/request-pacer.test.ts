import { afterEach, describe, expect, test, vi } from 'vitest';
import { RequestPacer } from './request-pacer.js';

describe('RequestPacer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test('a burst of 500 leaves at no more than rate + burst per second', () => {
    vi.useFakeTimers();
    const sentAt: number[] = [];
    const p = new RequestPacer({ ratePerSec: 40, burst: 10, historicalMax: 60, historicalWindowMs: 600_000, now: () => Date.now() });
    p.resume();
    for (let i = 0; i < 500; i++) p.enqueue(() => sentAt.push(Date.now()));
    vi.advanceTimersByTime(20_000);
    expect(sentAt).toHaveLength(500);
    let worst = 0;
    for (let i = 0, j = 0; i < sentAt.length; i++) {
      while (sentAt[i]! - sentAt[j]! >= 1000) j++;
      worst = Math.max(worst, i - j + 1);
    }
    expect(worst).toBeLessThanOrEqual(50);
    expect(p.stats.maxPerSecond).toBe(worst);
  });

  test('market-data requests overtake queued historical requests', () => {
    vi.useFakeTimers();
    const order: string[] = [];
    const p = new RequestPacer({ ratePerSec: 10, burst: 1, historicalMax: 60, historicalWindowMs: 600_000, now: () => Date.now() });
    p.resume();
    p.enqueue(() => order.push('h1'), true);
    p.enqueue(() => order.push('h2'), true);
    p.enqueue(() => order.push('live'));
    vi.advanceTimersByTime(1000);
    expect(order).toEqual(['h1', 'live', 'h2']);
  });

  test('historical requests wait for the sliding window', () => {
    vi.useFakeTimers();
    const sent: number[] = [];
    const p = new RequestPacer({ ratePerSec: 100, burst: 10, historicalMax: 2, historicalWindowMs: 10_000, now: () => Date.now() });
    p.resume();
    const t0 = Date.now();
    for (let i = 0; i < 3; i++) p.enqueue(() => sent.push(Date.now() - t0), true);
    vi.advanceTimersByTime(9_000);
    expect(sent).toHaveLength(2);
    vi.advanceTimersByTime(2_000);
    expect(sent).toHaveLength(3);
    expect(sent[2]).toBeGreaterThanOrEqual(10_000);
  });

  test('clear drops what a dead connection queued and stops until resumed', () => {
    vi.useFakeTimers();
    const sent: number[] = [];
    const p = new RequestPacer({ ratePerSec: 1, burst: 1, historicalMax: 60, historicalWindowMs: 600_000, now: () => Date.now() });
    p.resume();
    for (let i = 0; i < 5; i++) p.enqueue(() => sent.push(i));
    p.clear();
    vi.advanceTimersByTime(10_000);
    expect(sent).toEqual([0]);
    expect(p.stats.dropped).toBe(4);
    p.enqueue(() => sent.push(9));
    expect(sent).toEqual([0]);
    p.resume();
    vi.advanceTimersByTime(2_000);
    expect(sent).toEqual([0, 9]);
  });
});
