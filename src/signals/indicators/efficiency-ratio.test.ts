import { describe, expect, test } from 'vitest';
import { testIndicatorContract } from '../../../test/signals/indicator-contract.js';
import { EfficiencyRatio } from './efficiency-ratio.js';

testIndicatorContract('EfficiencyRatio', {
  make: () => new EfficiencyRatio(3),
  feed: (e, i) => e.update(100 + ((i * 5) % 7)),
  warmUp: 4,
  invalid: [() => new EfficiencyRatio(0)],
});

describe('EfficiencyRatio', () => {
  test('ER(3): a straight line is 1, a zig-zag a third, a reversal 3/5 (hand calculation)', () => {
    const e = new EfficiencyRatio(3);
    const out = [10, 11, 12, 13].map((x) => e.update(x));
    expect(out).toEqual([null, null, null, 1]);
    expect(e.direction).toBe(1);
    expect(e.update(12)).toBeCloseTo(1 / 3, 12); // window 11 12 13 12: net 1, path 3
    expect(e.update(13)).toBeCloseTo(1 / 3, 12); // window 12 13 12 13: net 1, path 3
    expect(e.update(10)).toBeCloseTo(3 / 5, 12); // window 13 12 13 10: net −3, path 1 + 1 + 3
    expect(e.direction).toBe(-1);
  });

  test('a series that does not move has ER 0 and direction 0', () => {
    const e = new EfficiencyRatio(2);
    [7, 7, 7].forEach((x) => e.update(x));
    expect(e.value).toBe(0);
    expect(e.direction).toBe(0);
  });
});
