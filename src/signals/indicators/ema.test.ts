import { describe, expect, test } from 'vitest';
import { testIndicatorContract } from '../../../test/signals/indicator-contract.js';
import { Ema } from './ema.js';

testIndicatorContract('Ema', {
  make: () => new Ema(4),
  feed: (e, i) => e.update(50 + Math.sin(i)),
  warmUp: 4,
  invalid: [() => new Ema(0), () => new Ema(-3)],
});

describe('Ema', () => {
  test('EMA(3) seeds with the mean of the first three inputs, then k = 0.5 (hand calculation)', () => {
    const e = new Ema(3);
    // seed (2 + 4 + 6) / 3 = 4; then 4 + 0.5·(8 − 4) = 6; 6 + 0.5·(10 − 6) = 8
    expect([2, 4, 6, 8, 10].map((x) => e.update(x))).toEqual([null, null, 4, 6, 8]);
  });
});
