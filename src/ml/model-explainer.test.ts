import { describe, expect, test } from 'vitest';
import { syntheticSamples } from '../../test/ml/synthetic-samples.js';
import { trainBoostedTrees } from './boosted-trees.js';
import { sigmoid } from './decision-tree.js';
import { parseExplainFile } from './explain-file.js';
import { trainLogistic } from './logistic-regression.js';
import { explainFileOf, ModelExplainer } from './model-explainer.js';
import { trainForest } from './random-forest.js';
import { bruteForceShapley, coalitionValue } from './shap-brute-force.js';

// Small but real models: 300 synthetic rows, 20 boosted trees, 10 forest trees of depth 6.
const { x, y } = syntheticSamples(300, 11);
const models = {
  lr: trainLogistic(x, y),
  gbt: trainBoostedTrees(x, y, { trees: 20, maxDepth: 3, learningRate: 0.1, l2: 1, minLeaf: 5 }),
  rf: trainForest(x, y, { trees: 10, maxDepth: 6, minSamples: 5, featureShare: 0.75, seed: 5 }),
};
const file = explainFileOf(models, x);
const explainer = new ModelExplainer(file);
const rows = [...syntheticSamples(20, 99).x, x[0]!, new Float32Array(8)];

describe('ModelExplainer on trained models', () => {
  test('the contributions equal brute-force Shapley values over all 2^8 coalitions of each model\'s value function', () => {
    const values = new Float64Array(24);
    for (const row of rows) {
      explainer.explain(row, values);
      // lr, interventional on the training means: v(S) = b + Σ_{j∈S} w_j x_j + Σ_{j∉S} w_j E[x_j].
      const lr = bruteForceShapley(8, (m) => {
        let z = models.lr.bias;
        for (let j = 0; j < 8; j++) z += models.lr.weights[j]! * (m & (1 << j) ? row[j]! : file.lr.means[j]!);
        return z;
      });
      const gbt = bruteForceShapley(8, (m) => coalitionValue(file.gbt.trees, row, m, 1, file.gbt.base));
      const rf = bruteForceShapley(8, (m) => coalitionValue(file.rf.trees, row, m, 1 / file.rf.trees.length, 0));
      // Sums of up to ~10³ products in another order than the brute force's: 1e-9 leaves room for that rounding only.
      for (let j = 0; j < 8; j++) {
        expect(values[j]).toBeCloseTo(lr[j]!, 9);
        expect(values[8 + j]).toBeCloseTo(gbt[j]!, 9);
        expect(values[16 + j]).toBeCloseTo(rf[j]!, 9);
      }
    }
  });

  test("base + Σ contributions is each model's output: σ⁻¹ of the lr and gbt probabilities, rf's probability", () => {
    const values = new Float64Array(24);
    const sum = (k: number): number => explainer.base[k]! + values.subarray(8 * k, 8 * k + 8).reduce((a, b) => a + b, 0);
    for (const row of rows) {
      explainer.explain(row, values);
      // Additions of float64 numbers near 1: 1e-12 of rounding at most.
      expect(sigmoid(sum(0))).toBeCloseTo(models.lr.predict(row), 12);
      expect(sum(1)).toBeCloseTo(models.gbt.margin(row), 12);
      // ml-random-forest averages in its own order: 1e-12 again.
      expect(sum(2)).toBeCloseTo(models.rf.predict(row), 12);
    }
  });

  test('the base values are the training-row averages of the explained outputs', () => {
    // With covers counted on the training rows, v(∅) of a tree is its mean output over those rows; lr's is at the means.
    const n = x.length;
    const mean = (f: (r: Float32Array) => number): number => x.reduce((a, r) => a + f(r), 0) / n;
    expect(explainer.base[1]).toBeCloseTo(mean((r) => models.gbt.margin(r)), 9);
    expect(explainer.base[2]).toBeCloseTo(mean((r) => models.rf.predict(r)), 9);
    let z = models.lr.bias;
    for (let j = 0; j < 8; j++) z += models.lr.weights[j]! * mean((r) => r[j]!);
    expect(explainer.base[0]).toBeCloseTo(z, 9);
  });

  test('explain.json round-trips through its parser, and a broken tree is one coded error naming it', () => {
    const text = JSON.stringify(file);
    expect(parseExplainFile('d', text)).toEqual(JSON.parse(text));
    const broken = JSON.parse(text) as typeof file;
    broken.rf.trees[3]!.left[0] = 0; // a child pointing back at its parent would loop
    expect(() => parseExplainFile('d', JSON.stringify(broken))).toThrow(/MIA_ERR_BAD_CONFIG|rf\.trees\[3\]/);
    try {
      parseExplainFile('d', JSON.stringify(broken));
    } catch (e) {
      expect((e as { code: string }).code).toBe('MIA_ERR_BAD_CONFIG');
      expect((e as Error).message).toContain('rf.trees[3]');
    }
    expect(() => parseExplainFile('d', '{')).toThrow(/not JSON/);
  });

  test('a mutated explain.json is parsed or refused with BAD_CONFIG, never another error', () => {
    // Seeded mutations of the real file: a number, an index or a list replaced by a hostile value.
    let seed = 12345;
    const next = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const hostile: unknown[] = [null, -1, 1e9, Number.NaN, 'x', [], {}, 0.5, 99];
    for (let c = 0; c < 300; c++) {
      const f = JSON.parse(JSON.stringify(file)) as ExplainFileLike;
      const tree = f.rf.trees[Math.floor(next() * f.rf.trees.length)]!;
      const key = (['feature', 'threshold', 'left', 'right', 'value', 'cover'] as const)[Math.floor(next() * 6)]!;
      const v = hostile[Math.floor(next() * hostile.length)];
      if (next() < 0.2) (tree as Record<string, unknown>)[key] = v;
      else tree[key][Math.floor(next() * tree[key].length)] = v as number;
      const text = JSON.stringify(f).replace(/null/g, next() < 0.5 ? 'null' : 'NaN');
      try {
        new ModelExplainer(parseExplainFile('d', text)).explain(rows[0]!, new Float64Array(24));
      } catch (e) {
        expect((e as { code?: string }).code).toBe('MIA_ERR_BAD_CONFIG');
      }
    }
  });
});

type ExplainFileLike = { rf: { trees: Array<Record<'feature' | 'threshold' | 'left' | 'right' | 'value' | 'cover', number[]>> } };
