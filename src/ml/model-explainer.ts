import { FEATURE_NAMES } from '../signals/features.js';
import type { BoostedTreesModel } from './boosted-trees.js';
import type { DecisionTree } from './decision-tree.js';
import type { LogisticModel } from './logistic-regression.js';
import { TreeShapExplainer, treeCovers, type CoveredTree } from './tree-shap.js';

/** Format tag and version of explain.json; a loader refuses any other. */
export const EXPLAIN_FORMAT = 'mia-ml-explain';
/** Current explain.json version. */
export const EXPLAIN_VERSION = 1;
/** explain.json's name inside a models directory. */
export const EXPLAIN_FILE = 'explain.json';

/** What each model's contributions explain, in MODEL_NAMES order (docs/ml.md "Explanations"). */
export const EXPLAINED_OUTPUTS = ['log-odds', 'log-odds', 'probability'] as const;

/**
 * explain.json: the parameters the explanations need that the ONNX graphs do not carry, written by `mia train`
 * next to the models: the logistic model with the training means of the features (the background of linear
 * SHAP), and every tree with its covers (training rows reaching each node, the background of path-dependent
 * TreeSHAP). Weights, leaves and thresholds are the ones the ONNX graphs were built from.
 */
export interface ExplainFile {
  format: typeof EXPLAIN_FORMAT;
  version: number;
  features: string[];
  lr: { output: 'log-odds'; weights: number[]; bias: number; means: number[] };
  gbt: { output: 'log-odds'; base: number; trees: CoveredTree[] };
  rf: { output: 'probability'; trees: CoveredTree[] };
}

/** A trained tree with the covers of `rows`, in explain.json's layout. */
function covered(t: DecisionTree, rows: readonly ArrayLike<number>[]): CoveredTree {
  return {
    feature: t.nodes.map((n) => n.feature), threshold: t.nodes.map((n) => n.threshold), left: t.nodes.map((n) => n.left),
    right: t.nodes.map((n) => n.right), value: t.nodes.map((n) => n.value), cover: treeCovers(t, rows),
  };
}

/** explain.json's content for models trained on rows `x` (the covers and means are taken over all of `x`). */
export function explainFileOf(models: { lr: LogisticModel; gbt: BoostedTreesModel; rf: { trees: readonly DecisionTree[] } }, x: readonly ArrayLike<number>[]): ExplainFile {
  const d = FEATURE_NAMES.length;
  const means = new Array<number>(d).fill(0);
  for (const r of x) for (let j = 0; j < d; j++) means[j]! += r[j]!;
  for (let j = 0; j < d; j++) means[j] = means[j]! / Math.max(x.length, 1);
  return {
    format: EXPLAIN_FORMAT, version: EXPLAIN_VERSION, features: [...FEATURE_NAMES],
    lr: { output: 'log-odds', weights: [...models.lr.weights], bias: models.lr.bias, means },
    gbt: { output: 'log-odds', base: models.gbt.base, trees: models.gbt.trees.map((t) => covered(t, x)) },
    rf: { output: 'probability', trees: models.rf.trees.map((t) => covered(t, x)) },
  };
}

/** What explains a scored row: ModelExplainer, or a test's stub. */
export interface DecisionExplainer {
  /** One base value per model, MODEL_NAMES order. */
  readonly base: Float64Array;
  /** Writes 8 contributions per model (FEATURE_NAMES order, models in MODEL_NAMES order) into `values`. */
  explain(row: ArrayLike<number>, values: Float64Array): void;
}

/**
 * SHAP values of the three models for one feature row: exact linear SHAP for logistic regression and exact
 * path-dependent TreeSHAP for the boosted trees and the forest. Per model k, `base[k]` + Σ_j `values[8k + j]` is
 * the model's explained output for the row: the log-odds for lr and gbt (σ of it is the score), the probability
 * itself for rf (a mean of leaf probabilities, additive as it is). Everything is built at load; `explain` writes
 * into the caller's arrays and allocates nothing.
 */
export class ModelExplainer implements DecisionExplainer {
  /** The base value (expected explained output over the training rows) of lr, gbt, rf. */
  readonly base: Float64Array;
  /** The features' training means (linear SHAP's background), FEATURE_NAMES order. */
  readonly means: Float64Array;
  private readonly weights: Float64Array;
  private readonly gbt: TreeShapExplainer;
  private readonly rf: TreeShapExplainer;
  private readonly scratch = new Float64Array(FEATURE_NAMES.length);

  constructor(f: ExplainFile) {
    this.weights = Float64Array.from(f.lr.weights);
    this.means = Float64Array.from(f.lr.means);
    let lrBase = f.lr.bias;
    for (let j = 0; j < this.weights.length; j++) lrBase += this.weights[j]! * this.means[j]!;
    this.gbt = new TreeShapExplainer(f.gbt.trees, 1, f.gbt.base);
    this.rf = new TreeShapExplainer(f.rf.trees, 1 / Math.max(f.rf.trees.length, 1));
    this.base = Float64Array.of(lrBase, this.gbt.expected, this.rf.expected);
  }

  /**
   * Writes the 24 contributions of `row` (lr's eight, gbt's, rf's, FEATURE_NAMES order) into `values`. Linear
   * SHAP with independent features: φ_j = w_j (x_j − E[x_j]), the Shapley value of v(S) = b + Σ_{j∈S} w_j x_j +
   * Σ_{j∉S} w_j E[x_j].
   */
  explain(row: ArrayLike<number>, values: Float64Array): void {
    const d = this.weights.length;
    for (let j = 0; j < d; j++) values[j] = this.weights[j]! * (row[j]! - this.means[j]!);
    const s = this.scratch;
    s.fill(0);
    this.gbt.explain(row, s);
    for (let j = 0; j < d; j++) values[d + j] = s[j]!;
    s.fill(0);
    this.rf.explain(row, s);
    for (let j = 0; j < d; j++) values[2 * d + j] = s[j]!;
  }

  /** The explained output of each model for `row` (what base + Σ contributions equals), into `out` (3). */
  outputs(row: ArrayLike<number>, out: Float64Array): void {
    let z = this.base[0]!;
    for (let j = 0; j < this.weights.length; j++) z += this.weights[j]! * (row[j]! - this.means[j]!);
    out[0] = z;
    out[1] = this.gbt.output(row);
    out[2] = this.rf.output(row);
  }
}
