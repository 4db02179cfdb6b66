import { describe, expect, test } from 'vitest';
import { testIndicatorContract } from '../../../test/signals/indicator-contract.js';
import { Sma } from './sma.js';

testIndicatorContract('Sma', {
  make: () => new Sma(3),
  feed: (s, i) => s.update(100 + ((i * 7) % 5)),
  warmUp: 3,
  invalid: [() => new Sma(0), () => new Sma(2.5)],
});

describe('Sma', () => {
  test('SMA(3) of 1..5 is null, null, 2, 3, 4 (hand calculation)', () => {
    const s = new Sma(3);
    expect([1, 2, 3, 4, 5].map((x) => s.update(x))).toEqual([null, null, 2, 3, 4]);
  });
});
