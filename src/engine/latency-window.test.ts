import { describe, expect, test } from 'vitest';
import { LatencyWindow } from './latency-window.js';

describe('LatencyWindow', () => {
  test('nearest-rank percentiles of 1..100', () => {
    const w = new LatencyWindow(1000);
    for (let i = 100; i >= 1; i--) w.record(i);
    expect(w.percentiles()).toEqual({ count: 100, p50: 50, p99: 99, max: 100 });
  });

  test('keeps only the last capacity samples', () => {
    const w = new LatencyWindow(10);
    for (let i = 1; i <= 25; i++) w.record(i);
    expect(w.percentiles()).toEqual({ count: 10, p50: 20, p99: 25, max: 25 });
  });

  test('empty window reads zeros', () => {
    expect(new LatencyWindow(4).percentiles()).toEqual({ count: 0, p50: 0, p99: 0, max: 0 });
  });

  test('the quantile of the newest samples ignores older ones, and counts every sample recorded', () => {
    const w = new LatencyWindow(50);
    for (let i = 0; i < 30; i++) w.record(1000);
    for (let i = 1; i <= 100; i++) w.record(i);
    expect(w.recorded).toBe(130);
    // The newest 10 are 91..100: nearest rank of 0.99 over 10 is the 10th, of 0.5 the 5th.
    expect(w.newestQuantile(10, 0.99)).toBe(100);
    expect(w.newestQuantile(10, 0.5)).toBe(95);
    // More than the window holds: the 50 held (51..100).
    expect(w.newestQuantile(500, 0)).toBe(51);
    expect(w.newestQuantile(0, 0.99)).toBeNull();
    expect(new LatencyWindow(4).newestQuantile(3, 0.99)).toBeNull();
  });
});

describe('LatencyWindow totals and quantiles', () => {
  test('count and sum cover every sample since start; quantiles only the window', () => {
    const w = new LatencyWindow(10);
    for (let i = 1; i <= 25; i++) w.record(i);
    expect(w.recorded).toBe(25);
    expect(w.sum).toBe(325);
    // Window 16..25: nearest rank of 0.5 is the 5th (20), of 0.9 the 9th (24), of 1 the 10th (25), of 0 the 1st.
    expect(w.quantiles([0, 0.5, 0.9, 1])).toEqual([16, 20, 24, 25]);
  });

  test('quantiles of an empty window are NaN', () => {
    expect(new LatencyWindow(4).quantiles([0.5, 0.99])).toEqual([Number.NaN, Number.NaN]);
  });
});
