import { describe, expect, it } from 'vitest';
import { DriftWindow } from './drift-window.js';
import { binOf, populationStability, quantileBins } from './feature-drift.js';

/** A deterministic pseudo-random stream (LCG), so the rows are the same on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const NAMES = ['a', 'b', 'c'];

/** Rows whose b follows a (correlated), c independent. */
function rows(n: number, seed: number, shift = 0): number[][] {
  const r = lcg(seed);
  return Array.from({ length: n }, () => {
    const a = r() + shift;
    return [a, 2 * a + 0.1 * r(), r()];
  });
}

/** PSI of the last `w` rows recomputed from scratch: the definition, independent of the window's counts. */
function bruteForce(ref: ReturnType<typeof quantileBins>, xs: number[][], w: number, eps: number): number[] {
  const last = xs.slice(-w);
  return ref.features.map((f, j) => {
    const counts = new Array<number>(f.fractions.length).fill(0);
    for (const x of last) counts[binOf(f.edges, x[j]!)]!++;
    return populationStability(counts.map((c) => c / last.length), f.fractions, eps);
  });
}

/** Pearson correlation by its definition, two passes. */
function pearson(xs: number[][], p: number, q: number): number {
  const n = xs.length;
  const mp = xs.reduce((s, x) => s + x[p]!, 0) / n;
  const mq = xs.reduce((s, x) => s + x[q]!, 0) / n;
  let c = 0;
  let vp = 0;
  let vq = 0;
  for (const x of xs) (c += (x[p]! - mp) * (x[q]! - mq)), (vp += (x[p]! - mp) ** 2), (vq += (x[q]! - mq) ** 2);
  return c / Math.sqrt(vp * vq);
}

describe('DriftWindow', () => {
  const train = rows(2000, 1);
  const ref = quantileBins(train, NAMES);
  const cfg = { window: 500, minRows: 100, threshold: 0.25, epsilon: 1e-4 };

  it('PSI 0 when the window holds the training rows themselves', () => {
    const w = new DriftWindow(ref, { ...cfg, window: 2000 });
    for (const x of train) w.observe(x);
    // Exactly 0: the window's fractions are the reference's, counted the same way (terms (a − e)·ln 1 = 0).
    expect(Array.from(w.psi)).toEqual([0, 0, 0]);
    expect(w.flagged).toBe(false);
  });

  it('NaN until minRows, then the PSI of the rows in the window as the definition gives it', () => {
    const w = new DriftWindow(ref, cfg);
    const live = rows(1700, 2);
    live.forEach((x, i) => {
      w.observe(x);
      if (i + 1 < cfg.minRows) expect(Number.isNaN(w.psiMax)).toBe(true);
      else if (i % 97 === 0 || i === live.length - 1) {
        const want = bruteForce(ref, live.slice(0, i + 1), cfg.window, cfg.epsilon);
        // Tolerance: the same terms summed in the same order, computed at different times; 1e-12 covers rounding.
        for (let j = 0; j < 3; j++) expect(Math.abs(w.psi[j]! - want[j]!)).toBeLessThan(1e-12);
        expect(w.psiMax).toBe(Math.max(...Array.from(w.psi)));
      }
    });
    // Same distribution (another seed): stable, under the usual 0.1.
    expect(w.psiMax).toBeLessThan(0.1);
    expect(w.size).toBe(cfg.window);
  });

  it('a shifted feature is flagged above the threshold, an unshifted one is not', () => {
    const w = new DriftWindow(ref, cfg);
    for (const x of rows(600, 3, 0.5)) w.observe(x);
    expect(w.psi[0]!).toBeGreaterThan(0.25);
    expect(w.psi[2]!).toBeLessThan(0.1);
    expect(w.flagged).toBe(true);
  });

  it('correlation over the window matches the direct computation; a constant feature has none', () => {
    const w = new DriftWindow(ref, cfg);
    const live = rows(800, 4);
    for (const x of live) w.observe(x);
    const m = w.correlation();
    const last = live.slice(-cfg.window);
    for (let p = 0; p < 3; p++) {
      for (let q = 0; q < 3; q++) expect(m[p]![q]!).toBeCloseTo(pearson(last, p, q), 10); // two-pass sums in another order
    }
    expect(m[0]![1]!).toBeGreaterThan(0.95);
    const k = new DriftWindow(ref, cfg);
    for (let i = 0; i < 10; i++) k.observe([i, 5, i * i]);
    expect(k.correlation()[1]).toEqual([null, null, null]);
    expect(k.correlation()[0]![0]).toBe(1);
  });

  it('refuses a bad configuration', () => {
    expect(() => new DriftWindow(ref, { ...cfg, window: 1 })).toThrow(/window/);
    expect(() => new DriftWindow(ref, { ...cfg, minRows: 600 })).toThrow(/minRows/);
  });
});
