import { describe, expect, test } from 'vitest';
import { testIndicatorContract } from '../../../test/signals/indicator-contract.js';
import { Atr } from './atr.js';

testIndicatorContract('Atr', {
  make: () => new Atr(3),
  feed: (a, i) => a.update(101 + (i % 3), 99 - (i % 2), 100 + (i % 4) - 1.5),
  warmUp: 4,
  invalid: [() => new Atr(0)],
});

describe('Atr', () => {
  test('ATR(2) seeds with the mean of two true ranges, then Wilder (hand calculation)', () => {
    const a = new Atr(2);
    const bars: Array<[number, number, number]> = [[10, 8, 9], [12, 10, 11], [11, 9.5, 10], [8, 7, 7.5], [9, 7, 8.5]];
    const out = bars.map(([h, l, c]) => a.update(h, l, c));
    // true ranges 3, 1.5, 3, 2: seed (3 + 1.5) / 2 = 2.25; (2.25 + 3) / 2 = 2.625; (2.625 + 2) / 2 = 2.3125
    expect(out).toEqual([null, null, 2.25, 2.625, 2.3125]);
  });
});
