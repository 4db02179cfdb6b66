import { describe, expect, test } from 'vitest';
import { backoffDelayMs, backoffPolicy, DEFAULT_BACKOFF } from './backoff.js';

describe('reconnection backoff', () => {
  const p = backoffPolicy();

  test('without jitter the delay doubles from 250 ms and stops at 10 s', () => {
    const mid = () => 0.5; // 2 × 0.5 − 1 = 0: no spread
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((a) => backoffDelayMs(a, p, mid))).toEqual([250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });

  test('jitter spreads each delay by at most ±20 % and never past the cap', () => {
    expect(backoffDelayMs(1, p, () => 0)).toBe(200);
    expect(backoffDelayMs(1, p, () => 0.999_999)).toBe(300);
    expect(backoffDelayMs(3, p, () => 0)).toBe(800);
    expect(backoffDelayMs(20, p, () => 0)).toBe(8000);
    expect(backoffDelayMs(20, p, () => 0.999_999)).toBe(10_000);
  });

  test('the defaults are 250 ms, 10 s, ×2, ±20 %', () => {
    expect(DEFAULT_BACKOFF).toMatchObject({ initialDelayMs: 250, maxDelayMs: 10_000, factor: 2, jitter: 0.2 });
  });

  test('policies that could reconnect in a tight loop are refused', () => {
    expect(() => backoffPolicy({ initialDelayMs: 0 })).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_CONFIG' }));
    expect(() => backoffPolicy({ factor: 0.5 })).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_CONFIG' }));
    expect(() => backoffPolicy({ maxDelayMs: 10, initialDelayMs: 100 })).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_CONFIG' }));
    expect(() => backoffPolicy({ jitter: 1 })).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_CONFIG' }));
  });
});
