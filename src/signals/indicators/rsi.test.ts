import { describe, expect, test } from 'vitest';
import { testIndicatorContract } from '../../../test/signals/indicator-contract.js';
import { Rsi } from './rsi.js';

testIndicatorContract('Rsi', {
  make: () => new Rsi(3),
  feed: (r, i) => r.update(100 + Math.sin(i) * 3),
  warmUp: 4,
  invalid: [() => new Rsi(0)],
});

describe('Rsi', () => {
  test('RSI(2) with Wilder smoothing on 10, 11, 10.5, 11.5, 11 (hand calculation)', () => {
    const r = new Rsi(2);
    const out = [10, 11, 10.5, 11.5, 11].map((x) => r.update(x));
    expect(out.slice(0, 2)).toEqual([null, null]);
    // seed: gain (1 + 0) / 2 = 0.5, loss (0 + 0.5) / 2 = 0.25 → 100 · 0.5 / 0.75
    expect(out[2]).toBeCloseTo(200 / 3, 12);
    // +1: gain (0.5 + 1) / 2 = 0.75, loss 0.25 / 2 = 0.125 → 100 · 0.75 / 0.875
    expect(out[3]).toBeCloseTo(600 / 7, 12);
    // −0.5: gain 0.375, loss (0.125 + 0.5) / 2 = 0.3125 → 100 · 0.375 / 0.6875
    expect(out[4]).toBeCloseTo(600 / 11, 12);
  });

  test('a flat series gives 0, TA-Lib’s value when gains and losses are both 0', () => {
    const r = new Rsi(2);
    [5, 5, 5, 5].forEach((x) => r.update(x));
    expect(r.value).toBe(0);
  });
});
