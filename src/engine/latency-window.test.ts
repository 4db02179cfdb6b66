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
});
