import { describe, expect, test } from 'vitest';
import { bruteForceShapley, coalitionValue } from './shap-brute-force.js';
import { TreeShapExplainer, type CoveredTree } from './tree-shap.js';

/** Park–Miller generator: a fixed sequence for a seed, so a failing case can be replayed. */
function rng(seed: number): () => number {
  let s = seed % 2147483647 || 1;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

/** A random tree over 8 features: features repeat along paths, thresholds in [−1, 1], covers random (some 0). */
function randomTree(r: () => number, maxDepth: number): CoveredTree {
  const t: CoveredTree = { feature: [], threshold: [], left: [], right: [], value: [], cover: [] };
  const grow = (depth: number, cover: number): number => {
    const at = t.feature.length;
    t.feature.push(-1), t.threshold.push(0), t.left.push(-1), t.right.push(-1), t.value.push(r() * 4 - 2), t.cover.push(cover);
    if (depth < maxDepth && r() < 0.8) {
      t.feature[at] = Math.floor(r() * 8);
      t.threshold[at] = r() * 2 - 1;
      // A child with no training rows now and then: the even split of childShares must hold on both sides.
      const l = r() < 0.1 ? 0 : Math.floor(r() * cover);
      t.left[at] = grow(depth + 1, l);
      t.right[at] = grow(depth + 1, cover - l);
    }
    return at;
  };
  grow(0, 1000);
  return t;
}

describe('TreeShapExplainer', () => {
  test('equals brute-force Shapley values over all 2^8 coalitions on random trees and inputs', () => {
    const r = rng(7);
    for (let c = 0; c < 40; c++) {
      const trees = Array.from({ length: 1 + (c % 5) }, () => randomTree(r, 1 + (c % 7)));
      const scale = c % 2 ? 1 : 1 / trees.length;
      const constant = r() - 0.5;
      // Leaf tables (the default) and Algorithm 2's recursion, both against the definition.
      const e = new TreeShapExplainer(trees, scale, constant);
      const recursive = new TreeShapExplainer(trees, scale, constant, false);
      for (let k = 0; k < 5; k++) {
        const x = Array.from({ length: 8 }, () => r() * 2.4 - 1.2);
        const phi = new Float64Array(8);
        e.explain(x, phi);
        const slow = new Float64Array(8);
        recursive.explain(x, slow);
        const want = bruteForceShapley(8, (m) => coalitionValue(trees, x, m, scale, constant));
        // Both sum ~10² terms of magnitude ≤ 2 in a different order: 1e-9 is far above that rounding.
        for (let i = 0; i < 8; i++) expect(phi[i]).toBeCloseTo(want[i]!, 9);
        for (let i = 0; i < 8; i++) expect(slow[i]).toBeCloseTo(want[i]!, 9);
        expect(e.expected).toBeCloseTo(coalitionValue(trees, x, 0, scale, constant), 12);
        // Local accuracy: the contributions sum to f(x) − v(∅), f(x) being v(all features).
        const sum = phi.reduce((a, b) => a + b, 0);
        expect(e.expected + sum).toBeCloseTo(coalitionValue(trees, x, 255, scale, constant), 9);
        expect(e.output(x)).toBeCloseTo(coalitionValue(trees, x, 255, scale, constant), 12);
      }
    }
  });

  test('a stump on feature 2 gives it all the difference (hand-worked)', () => {
    // Covers 3 left (value 1) and 1 right (value 5): v(∅) = ¾·1 + ¼·5 = 2; x goes right: φ₂ = 5 − 2 = 3.
    const stump: CoveredTree = { feature: [2, -1, -1], threshold: [0, 0, 0], left: [1, -1, -1], right: [2, -1, -1], value: [0, 1, 5], cover: [4, 3, 1] };
    const e = new TreeShapExplainer([stump]);
    const phi = new Float64Array(8);
    e.explain([0, 0, 0.5, 0, 0, 0, 0, 0], phi);
    expect(e.expected).toBe(2);
    expect([...phi]).toEqual([0, 0, 3, 0, 0, 0, 0, 0]);
  });

  test('explain adds into phi (several explainers can share one vector)', () => {
    const r = rng(3);
    const t = [randomTree(r, 4)];
    const e = new TreeShapExplainer(t);
    const x = [0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8];
    const once = new Float64Array(8);
    e.explain(x, once);
    const twice = new Float64Array(8);
    e.explain(x, twice);
    e.explain(x, twice);
    for (let i = 0; i < 8; i++) expect(twice[i]).toBeCloseTo(2 * once[i]!, 12); // two equal sums, one rounding each
  });
});
