import { leaf, sigmoid, treeValue, type DecisionTree, type ProbabilityModel, type TreeNode } from './decision-tree.js';

/** Gradient boosting settings. */
export interface BoostingConfig {
  trees: number;
  maxDepth: number;
  learningRate: number;
  /** L2 penalty on leaf values (XGBoost's λ). */
  l2: number;
  /** Fewest samples a leaf may hold. */
  minLeaf: number;
}

/** Defaults: shallow trees and a small step, the usual choice for a few thousand noisy samples. */
export const DEFAULT_BOOSTING_CONFIG: BoostingConfig = { trees: 100, maxDepth: 3, learningRate: 0.1, l2: 1, minLeaf: 5 };

/**
 * P(y = 1 | x) = σ(base + Σ trees). Leaf values and the base are float32 values, so the exported
 * TreeEnsembleRegressor carries exactly these parameters.
 */
export class BoostedTreesModel implements ProbabilityModel {
  /** Initial log-odds. */
  readonly base: number;
  /** The trees; leaf values already include the learning rate. */
  readonly trees: readonly DecisionTree[];

  constructor(base: number, trees: readonly DecisionTree[]) {
    this.base = Math.fround(base);
    this.trees = trees;
  }

  /** The raw log-odds before the sigmoid. */
  margin(row: ArrayLike<number>): number {
    let z = this.base;
    for (const t of this.trees) z += treeValue(t, row);
    return z;
  }

  /** Probability of class 1. */
  predict(row: ArrayLike<number>): number {
    return sigmoid(this.margin(row));
  }
}

/**
 * Gradient-boosted trees on the logistic loss (Friedman 2001, with XGBoost's second-order leaves): each
 * round fits a depth-limited tree to the gradient g = p − y and Hessian h = p(1 − p); a split's gain is
 * G_L²/(H_L + λ) + G_R²/(H_R + λ) − G²/(H + λ) and a leaf's value is −G/(H + λ)·learning rate. Splits are
 * exact (every midpoint between distinct values), ties broken by the lower feature then the lower threshold,
 * so training is deterministic without a seed.
 */
export function trainBoostedTrees(x: readonly ArrayLike<number>[], y: ArrayLike<number>, c: BoostingConfig = DEFAULT_BOOSTING_CONFIG): BoostedTreesModel {
  const n = x.length;
  let pos = 0;
  for (let i = 0; i < n; i++) pos += y[i]!;
  // Start from the clamped base rate so a one-class training window stays finite.
  const rate = Math.min(Math.max(pos / Math.max(n, 1), 1e-3), 1 - 1e-3);
  const base = Math.fround(Math.log(rate / (1 - rate)));
  const margin = new Float64Array(n).fill(base);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const trees: DecisionTree[] = [];
  const all = Array.from({ length: n }, (_, i) => i);
  for (let t = 0; t < c.trees; t++) {
    for (let i = 0; i < n; i++) {
      const p = sigmoid(margin[i]!);
      g[i] = p - y[i]!;
      h[i] = p * (1 - p);
    }
    const nodes: TreeNode[] = [];
    grow(nodes, all, 0, { x, g, h, c });
    const tree = { nodes };
    trees.push(tree);
    for (let i = 0; i < n; i++) margin[i] = margin[i]! + treeValue(tree, x[i]!);
  }
  return new BoostedTreesModel(base, trees);
}

interface GrowContext {
  x: readonly ArrayLike<number>[];
  g: Float64Array;
  h: Float64Array;
  c: BoostingConfig;
}

/** Appends the subtree of `rows` to `nodes` and returns its index. */
function grow(nodes: TreeNode[], rows: number[], depth: number, k: GrowContext): number {
  const { x, g, h, c } = k;
  let G = 0;
  let H = 0;
  for (const i of rows) (G += g[i]!), (H += h[i]!);
  const at = nodes.length;
  nodes.push(leaf(Math.fround((-G / (H + c.l2)) * c.learningRate)));
  if (depth >= c.maxDepth || rows.length < 2 * c.minLeaf) return at;
  const parent = (G * G) / (H + c.l2);
  let best = 1e-12; // a split must improve the objective
  let bestFeature = -1;
  let bestThreshold = 0;
  const d = x[rows[0]!]!.length;
  const sorted = rows.slice();
  for (let f = 0; f < d; f++) {
    sorted.sort((a, b) => x[a]![f]! - x[b]![f]! || a - b);
    let gl = 0;
    let hl = 0;
    for (let s = 0; s < sorted.length - 1; s++) {
      const i = sorted[s]!;
      gl += g[i]!;
      hl += h[i]!;
      const v = x[i]![f]!;
      const next = x[sorted[s + 1]!]![f]!;
      if (v === next || s + 1 < c.minLeaf || sorted.length - s - 1 < c.minLeaf) continue;
      const gr = G - gl;
      const hr = H - hl;
      const gain = (gl * gl) / (hl + c.l2) + (gr * gr) / (hr + c.l2) - parent;
      if (gain > best) (best = gain), (bestFeature = f), (bestThreshold = (v + next) / 2);
    }
  }
  if (bestFeature < 0) return at;
  const left = rows.filter((i) => x[i]![bestFeature]! < bestThreshold);
  const right = rows.filter((i) => !(x[i]![bestFeature]! < bestThreshold));
  const l = grow(nodes, left, depth + 1, k);
  const r = grow(nodes, right, depth + 1, k);
  nodes[at] = { feature: bestFeature, threshold: bestThreshold, left: l, right: r, value: 0 };
  return at;
}
