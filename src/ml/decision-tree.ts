/**
 * One node of a binary decision tree in the form the ONNX writer exports: an internal node sends a row to
 * `left` when `row[feature] < threshold` (ONNX `BRANCH_LT`), else to `right`; a leaf has `feature` −1 and
 * carries `value`.
 */
export interface TreeNode {
  feature: number;
  threshold: number;
  left: number;
  right: number;
  value: number;
}

/** A tree as a node array; node 0 is the root. */
export interface DecisionTree {
  nodes: TreeNode[];
}

/** Value of the leaf a row reaches. */
export function treeValue(t: DecisionTree, row: ArrayLike<number>): number {
  let n = t.nodes[0]!;
  while (n.feature >= 0) n = t.nodes[row[n.feature]! < n.threshold ? n.left : n.right]!;
  return n.value;
}

/** A leaf node. */
export function leaf(value: number): TreeNode {
  return { feature: -1, threshold: 0, left: -1, right: -1, value };
}

/** A trained binary classifier: P(label = 1) of a feature row. */
export interface ProbabilityModel {
  /** Probability of class 1. */
  predict(row: ArrayLike<number>): number;
}

/** Logistic function, written to avoid overflow for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}
