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

  test('cut: prior {1, 3, 5, 5}; 0.75 is reached by 5 ((3 + 1)/4 = 1 ≥ 0.75, equal half 3/4) and above 3', () => {
    const p = new PercentileRank(4, 2);
    for (const x of [1, 3, 5, 5]) p.add(x);
    p.cut(0.75);
    // Ranks: 2 → 0.25, 3 → 0.375, 4 → 0.5, 5 → 0.75, 6 → 1.
    expect([2, 3, 4, 5, 6].map((x) => p.reaches(x))).toEqual([false, false, false, true, true]);
    p.cut(0.5);
    expect([3, 3.5, 4].map((x) => p.reaches(x))).toEqual([false, true, true]);
    p.cut(1.5);
    expect(p.reaches(1e300)).toBe(false);
  });

  test('below minSamples nothing reaches a cut', () => {
    const p = new PercentileRank(10, 3);
    p.add(1);
    p.add(2);
    p.cut(0.1);
    expect(p.reaches(100)).toBe(false);
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
    expect(() => new PercentileRank(3).add(Number.NaN)).toThrow(RangeError);
  });
});

/** The definition, scanned on every call: the reference the kept window is held to. */
class ScannedRank {
  private readonly xs: number[] = [];
  private readonly window: number;
  private readonly minSamples: number;
  constructor(window: number, minSamples: number) {
    this.window = window;
    this.minSamples = minSamples;
  }
  get count(): number {
    return this.xs.length;
  }
  rankOf(x: number): number | null {
    const prior = this.xs.slice(-this.window);
    if (prior.length < this.minSamples) return null;
    return (prior.filter((v) => v < x).length + 0.5 * prior.filter((v) => v === x).length) / prior.length;
  }
  add(x: number): void {
    this.xs.push(x);
  }
}

describe('PercentileRank cuts and probes against the scanned definition', () => {
  // Average trade sizes as the smart-money tracker forms them: volume / trades, many ties, some wide.
  const size = fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 4 })).map(([v, t]) => v / t),
    fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 300 })).map(([v, t]) => v / t),
  );
  const bars = fc.array(fc.array(size, { minLength: 1, maxLength: 12 }), { maxLength: 80 });

  test('every rank, and every cut a bar at a time, equals the scanned definition', () => {
    fc.assert(
      fc.property(bars, fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 60 }), fc.double({ min: -0.1, max: 1.1, noNaN: true }),
        (stream, window, minRaw, qRaw) => {
          const minSamples = Math.min(window, minRaw);
          const sorted = new ScannedRank(window, minSamples);
          const counted = new PercentileRank(window, minSamples);
          for (const bar of stream) {
            const m = Math.min(sorted.count, window);
            // The given q, q at a rank the window can take exactly (k/2 over m), just above it, and 0.9.
            const k = Math.floor(Math.abs(qRaw) * 2 * Math.max(m, 1));
            const qs = [qRaw, m > 0 ? k * 0.5 / m : 0.5, m > 0 ? k * 0.5 / m + 1e-12 : 1, 0.9, 1];
            // Probes: the bar's sizes, the window's values and values between and beyond them.
            const probes = [...bar, ...bar.map((x) => x + 1e-9), ...bar.map((x) => x - 1e-9), -1, 0, 1e6];
            for (const x of probes) expect(counted.rankOf(x)).toBe(sorted.rankOf(x));
            for (const q of qs) {
              counted.cut(q);
              for (const x of probes) expect(counted.reaches(x)).toBe((sorted.rankOf(x) ?? 0) >= q);
            }
            for (const x of bar) {
              sorted.add(x);
              counted.add(x);
            }
          }
        }),
      { numRuns: 150, seed: 23 },
    );
  });

  test('a 500-value window over 20,000 sizes: every cut at 0.9 agrees with the scanned definition', () => {
    let s = 7;
    const rand = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    const sorted = new ScannedRank(500, 50);
    const counted = new PercentileRank(500, 50);
    let reached = 0;
    for (let bar = 0; bar < 2000; bar++) {
      const xs = Array.from({ length: 10 }, () => Math.round(rand() * 40) / (1 + Math.floor(rand() * 3)));
      counted.cut(0.9);
      for (const x of xs) {
        const want = (sorted.rankOf(x) ?? 0) >= 0.9;
        expect(counted.reaches(x)).toBe(want);
        if (want) reached++;
      }
      for (const x of xs) {
        sorted.add(x);
        counted.add(x);
      }
    }
    expect(reached).toBeGreaterThan(100); // the cut is exercised on both sides
  });
});
