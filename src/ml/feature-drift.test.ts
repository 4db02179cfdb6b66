import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from '../signals/features.js';
import { binOf, driftReferenceProblem, populationStability, psiTerm, quantileBins } from './feature-drift.js';

describe('quantile bins', () => {
  it('binOf counts the edges at or below x', () => {
    const e = [1, 2, 3];
    expect([0.5, 1, 1.5, 2, 3, 9, Number.NaN].map((x) => binOf(e, x))).toEqual([0, 1, 1, 2, 3, 3, 0]);
    expect(binOf([], 5)).toBe(0);
  });

  it('deciles of 0…99 are 10, 20, …, 90 with a tenth of the rows in each bin', () => {
    const rows = Array.from({ length: 100 }, (_, i) => [i]);
    const r = quantileBins(rows, ['x']);
    expect(r.features[0]!.edges).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(r.features[0]!.fractions).toEqual(new Array(10).fill(0.1));
    expect(r.rows).toBe(100);
  });

  it('a discrete feature gets one bin per value: equal edges merged, fractions as counted', () => {
    // 60 % zeros, 40 % 0.6 (as time_factor takes few values): edges [0.6], fractions [0.6, 0.4].
    const rows = [...new Array(60).fill([0]), ...new Array(40).fill([0.6])] as number[][];
    const f = quantileBins(rows, ['t']).features[0]!;
    expect(f.edges).toEqual([0.6]);
    expect(f.fractions).toEqual([0.6, 0.4]);
    expect(quantileBins(new Array(10).fill([3]) as number[][], ['c']).features[0]).toEqual({ name: 'c', edges: [], fractions: [1] });
  });

  it('driftReferenceProblem accepts what quantileBins writes and names what is wrong', () => {
    const rows = Array.from({ length: 50 }, (_, i) => FEATURE_NAMES.map((_, j) => Math.sin(i + j)));
    const ref = quantileBins(rows, FEATURE_NAMES);
    expect(driftReferenceProblem(JSON.parse(JSON.stringify(ref)), FEATURE_NAMES)).toBeNull();
    expect(driftReferenceProblem({ features: [] }, FEATURE_NAMES)).toMatch(/8 features/);
    const bad = JSON.parse(JSON.stringify(ref)) as typeof ref;
    bad.features[2]!.edges.reverse();
    expect(driftReferenceProblem(bad, FEATURE_NAMES)).toMatch(/features\[2\]/);
  });
});

describe('population stability index', () => {
  it('matches the hand-computed value: e = (½, ½), a = (¼, ¾) → ¼·ln 2 + ¼·ln 1.5 = 0.27465307…', () => {
    // 0.25·0.69314718 + 0.25·0.40546511 = 0.27465307 (tolerance: float rounding of two logs only).
    expect(populationStability([0.25, 0.75], [0.5, 0.5], 1e-4)).toBeCloseTo(0.2746530722, 9);
  });

  it('is 0 for identical fractions and floors an empty bin at epsilon', () => {
    expect(populationStability([0.1, 0.2, 0.7], [0.1, 0.2, 0.7], 1e-4)).toBe(0);
    // a = 0 → 1e-4: (1e-4 − 0.5)·ln(1e-4 / 0.5), finite.
    expect(psiTerm(0, 0.5, 1e-4)).toBeCloseTo((1e-4 - 0.5) * Math.log(1e-4 / 0.5), 12);
  });
});
