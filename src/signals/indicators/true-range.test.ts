import { describe, expect, test } from 'vitest';
import { testIndicatorContract } from '../../../test/signals/indicator-contract.js';
import { TrueRange } from './true-range.js';

testIndicatorContract('TrueRange', {
  make: () => new TrueRange(),
  feed: (t, i) => t.update(101 + (i % 3), 99 - (i % 2), 100 + (i % 4) - 1.5),
  warmUp: 2,
  invalid: [],
});

describe('TrueRange', () => {
  test('uses the previous close when it lies outside the bar (hand calculation)', () => {
    const t = new TrueRange();
    expect(t.update(10, 8, 9)).toBeNull();
    expect(t.update(12, 10, 11)).toBe(3); // max(12, 9) − min(10, 9)
    expect(t.update(11, 9.5, 10)).toBe(1.5); // max(11, 11) − min(9.5, 11)
    expect(t.update(8, 7, 7.5)).toBe(3); // gap down: 10 − 7
  });
});
