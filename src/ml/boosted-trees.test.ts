import { describe, expect, test } from 'vitest';
import { sigmoid } from './decision-tree.js';
import { trainBoostedTrees } from './boosted-trees.js';

describe('trainBoostedTrees', () => {
  test('one Newton stump on a balanced split (hand-calculated)', () => {
    // Base rate ½ → base 0, p = ½: g = p − y = [½, ½, −½, −½], h = ¼. Best split x < 1.5:
    // left G = 1, H = ½ → leaf −G/H = −2; right +2 (λ = 0, learning rate 1).
    const m = trainBoostedTrees([[0], [1], [2], [3]], [0, 0, 1, 1], { trees: 1, maxDepth: 1, learningRate: 1, l2: 0, minLeaf: 1 });
    expect(m.base).toBe(0);
    expect(m.trees[0]!.nodes[0]).toMatchObject({ feature: 0, threshold: 1.5 });
    expect(m.predict([0])).toBeCloseTo(sigmoid(-2), 12);
    expect(m.predict([3])).toBeCloseTo(sigmoid(2), 12);
  });
  test('a leaf never holds fewer than minLeaf samples', () => {
    const m = trainBoostedTrees([[0], [1], [2], [3]], [1, 0, 0, 0], { trees: 1, maxDepth: 2, learningRate: 1, l2: 0, minLeaf: 2 });
    expect(m.trees[0]!.nodes[0]!.threshold).toBe(1.5);
  });
  test('training twice gives the same trees', () => {
    const x = Array.from({ length: 40 }, (_, i) => [Math.sin(i), Math.cos(3 * i)]);
    const y = x.map((r) => (r[0]! > 0.2 ? 1 : 0));
    expect(trainBoostedTrees(x, y).trees).toEqual(trainBoostedTrees(x, y).trees);
  });
});
