import { describe, expect, test } from 'vitest';
import { testIndicatorContract } from '../../test/signals/indicator-contract.js';
import { TimeframeDirection } from './timeframe-direction.js';

const small = { fastPeriod: 2, slowPeriod: 3, atrPeriod: 2, fullSpreadAtr: 1 };

testIndicatorContract('TimeframeDirection', {
  make: () => new TimeframeDirection(small),
  feed: (d, i) => d.update(101 + (i % 3), 99 - (i % 2), 100 + Math.sin(i)),
  warmUp: 3,
  invalid: [
    () => new TimeframeDirection({ ...small, fastPeriod: 3 }),
    () => new TimeframeDirection({ ...small, fullSpreadAtr: 0 }),
    () => new TimeframeDirection({ ...small, slowPeriod: 0 }),
  ],
});

describe('TimeframeDirection', () => {
  test('EMA(2) − EMA(3) over ATR(2), hand calculation', () => {
    const d = new TimeframeDirection(small);
    expect(d.update(11, 9, 10)).toBeNull();
    expect(d.update(12, 10, 11)).toBeNull();
    // EMA2 11.5, EMA3 11, ATR (2 + 2) / 2 = 2 → 0.5 / 2
    expect(d.update(13, 11, 12)).toBeCloseTo(0.25, 12);
    // EMA2 12.5, EMA3 12, ATR 2
    expect(d.update(14, 12, 13)).toBeCloseTo(0.25, 12);
    // EMA2 12.5 + (2/3)(10.5 − 12.5) = 11.1667, EMA3 12 − 0.75 = 11.25, TR 3, ATR 2.5 → −(1/12) / 2.5
    expect(d.update(13, 10, 10.5)).toBeCloseTo(-1 / 30, 12);
  });

  test('the direction is clamped to ±1 at fullSpreadAtr', () => {
    const d = new TimeframeDirection({ ...small, fullSpreadAtr: 0.1 });
    [10, 11, 12, 13].forEach((c) => d.update(c + 1, c - 1, c));
    expect(d.value).toBe(1);
  });

  test('no range at all gives the sign of the spread', () => {
    const d = new TimeframeDirection(small);
    [10, 10, 10, 10].forEach((c) => d.update(c, c, c));
    expect(d.value).toBe(0);
  });
});
