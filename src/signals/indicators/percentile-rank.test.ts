import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { testIndicatorContract } from '../../../test/signals/indicator-contract.js';
import { PercentileRank } from './percentile-rank.js';

testIndicatorContract('PercentileRank', {
  make: () => new PercentileRank(5, 2),
  feed: (p, i) => p.update((i * 3) % 7),
  warmUp: 3,
  invalid: [() => new PercentileRank(0), () => new PercentileRank(3, 4)],
});

describe('PercentileRank', () => {
  test('mid-rank against the prior window of 4, oldest evicted (hand calculation)', () => {
    const p = new PercentileRank(4, 2);
    expect(p.update(5)).toBeNull();
    expect(p.update(1)).toBeNull();
    expect(p.update(3)).toBe(0.5); // prior {5, 1}: one below
    expect(p.update(5)).toBeCloseTo(2.5 / 3, 12); // prior {5, 1, 3}: two below, one equal
    expect(p.update(0)).toBe(0); // prior {5, 1, 3, 5}
    expect(p.update(4)).toBe(0.75); // prior {1, 3, 5, 0} after the first 5 left: three below
  });

  test('rankOf probes without adding to the window', () => {
    const p = new PercentileRank(4, 1);
    p.update(2);
    expect(p.rankOf(3)).toBe(1);
    expect(p.count).toBe(1);
  });
});

describe('PercentileRank against the definition', () => {
  /** The definition, scanned: mid-rank of x against the last `window` inputs before it. */
  function naive(xs: number[], window: number, minSamples: number): (number | null)[] {
    return xs.map((x, i) => {
      const prior = xs.slice(Math.max(0, i - window), i);
      if (prior.length < minSamples) return null;
      return (prior.filter((v) => v < x).length + 0.5 * prior.filter((v) => v === x).length) / prior.length;
    });
  }

  test('every rank of random inputs with many ties equals the scanned definition', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 300 }), fc.integer({ min: 1, max: 40 }), (ints, window) => {
        const xs = ints.map((v) => v / 2);
        const minSamples = Math.min(window, 3);
        const p = new PercentileRank(window, minSamples);
        const got = xs.map((x) => p.update(x));
        expect(got).toEqual(naive(xs, window, minSamples));
        const probe = xs[0] ?? 0;
        expect(p.rankOf(probe)).toEqual(naive([...xs, probe], window, minSamples).at(-1));
      }),
      { numRuns: 300, seed: 17 },
    );
  });

  test('NaN is refused', () => {
    expect(() => new PercentileRank(3).update(Number.NaN)).toThrow(RangeError);
  });
});
