import { RandomForestRegression } from 'ml-random-forest';
import { leaf, type DecisionTree, type ProbabilityModel, type TreeNode } from './decision-tree.js';

/** Random forest settings (ml-random-forest). */
export interface ForestConfig {
  trees: number;
  maxDepth: number;
  /** A node with this many samples or fewer becomes a leaf (ml-cart `minNumSamples`). */
  minSamples: number;
  /** Share of the features each tree sees (ml-random-forest bags features per tree, not per split). */
  featureShare: number;
  seed: number;
}

/** Defaults: 50 bagged trees of depth 6 on 6 of the 8 features. */
export const DEFAULT_FOREST_CONFIG: ForestConfig = { trees: 50, maxDepth: 6, minSamples: 5, featureShare: 0.75, seed: 42 };

/** The ml-cart node shape that ml-random-forest's estimators hold (not in its published types). */
interface CartNode {
  splitColumn?: number;
  splitValue?: number;
  left?: CartNode;
  right?: CartNode;
  distribution?: number;
}

/**
 * A regression forest on the 0/1 label: each ml-cart regression leaf holds the share of positives that
 * reached it and the forest's mean over trees is P(y = 1). Variance reduction on a 0/1 target is the Gini
 * criterion up to a factor of 2, so this is the usual probability forest. `predict` is the library's own
 * prediction; `trees` is the same forest in the exporter's form (feature indexes mapped back to the full vector).
 */
export class ForestModel implements ProbabilityModel {
  /** The trees, for export. */
  readonly trees: readonly DecisionTree[];
  private readonly forest: RandomForestRegression;

  constructor(forest: RandomForestRegression) {
    this.forest = forest;
    const estimators = (forest as unknown as { estimators: { root: CartNode }[] }).estimators;
    const indexes = (forest as unknown as { indexes: number[][] }).indexes;
    this.trees = estimators.map((e, i) => ({ nodes: flatten(e.root, indexes[i]!) }));
  }

  /** Probability of class 1 (the forest's mean). */
  predict(row: ArrayLike<number>): number {
    return this.forest.predict([Array.from(row)])[0]!;
  }

  /** Probabilities of many rows in one call. */
  predictMany(rows: readonly ArrayLike<number>[]): number[] {
    return this.forest.predict(rows.map((r) => Array.from(r)));
  }
}

/** Trains the forest with ml-random-forest (seeded: same data and seed, same forest). */
export function trainForest(x: readonly ArrayLike<number>[], y: ArrayLike<number>, c: ForestConfig = DEFAULT_FOREST_CONFIG): ForestModel {
  const forest = new RandomForestRegression({
    nEstimators: c.trees,
    maxFeatures: c.featureShare,
    replacement: false,
    seed: c.seed,
    useSampleBagging: true,
    noOOB: true,
    selectionMethod: 'mean',
    treeOptions: { maxDepth: c.maxDepth, minNumSamples: c.minSamples },
  } as ConstructorParameters<typeof RandomForestRegression>[0]);
  forest.train(x.map((r) => Array.from(r)), Array.from(y));
  return new ForestModel(forest);
}

/** Flattens an ml-cart tree; `columns` maps the tree's bagged column numbers to the full feature vector. */
function flatten(root: CartNode, columns: readonly number[]): TreeNode[] {
  const nodes: TreeNode[] = [];
  const visit = (n: CartNode): number => {
    const at = nodes.length;
    if (!n.left || !n.right) {
      nodes.push(leaf(n.distribution ?? Number.NaN));
      return at;
    }
    nodes.push(leaf(0));
    const l = visit(n.left);
    const r = visit(n.right);
    // ml-cart sends `row[col] < splitValue` left, the same rule as ONNX BRANCH_LT.
    nodes[at] = { feature: columns[n.splitColumn!]!, threshold: n.splitValue!, left: l, right: r, value: 0 };
    return at;
  };
  visit(root);
  return nodes;
}
