import onnxProto from 'onnx-proto';
import type { BoostedTreesModel } from './boosted-trees.js';
import type { DecisionTree } from './decision-tree.js';
import type { LogisticModel } from './logistic-regression.js';

const { onnx } = onnxProto;
const A = onnx.AttributeProto.AttributeType;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

/** Name of every graph's input: float32 [N, features]. */
export const INPUT_NAME = 'features';
/** Name of every graph's output: float32 [N, 1], the probability of class 1. */
export const OUTPUT_NAME = 'probability';

// ai.onnx 13 and ai.onnx.ml 1 (TreeEnsemble* with list attributes): both within onnx 1.10 (IR 8), which
// onnx-proto 8 encodes and onnxruntime-node 1.30 runs.
const OPSETS = [{ domain: '', version: 13 }, { domain: 'ai.onnx.ml', version: 1 }];

const ints = (name: string, v: number[]): onnxProto.onnx.IAttributeProto => ({ name, type: A.INTS, ints: v });
const floats = (name: string, v: number[]): onnxProto.onnx.IAttributeProto => ({ name, type: A.FLOATS, floats: v });
const strings = (name: string, v: string[]): onnxProto.onnx.IAttributeProto => ({ name, type: A.STRINGS, strings: v.map((s) => Buffer.from(s)) });
const text = (name: string, v: string): onnxProto.onnx.IAttributeProto => ({ name, type: A.STRING, s: Buffer.from(v) });
const int = (name: string, v: number): onnxProto.onnx.IAttributeProto => ({ name, type: A.INT, i: v });

/** A float32 tensor's name and shape (a string dimension is symbolic, e.g. the batch `N`). */
export function tensorInfo(name: string, dims: (number | string)[]): onnxProto.onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } } };
}

function model(name: string, features: number, nodes: onnxProto.onnx.INodeProto[], initializer: onnxProto.onnx.ITensorProto[], doc: string): Uint8Array {
  const m = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'mia-engine',
    docString: doc,
    opsetImport: OPSETS,
    graph: { name, node: nodes, initializer, input: [tensorInfo(INPUT_NAME, ['N', features])], output: [tensorInfo(OUTPUT_NAME, ['N', 1])] },
  });
  return onnx.ModelProto.encode(m).finish();
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * The smallest float32 ≥ t. onnxruntime compares float32 inputs with float32 thresholds; for every float32
 * x, `x < t` ⇔ `x < float32AtLeast(t)` (no float32 lies in [t, float32AtLeast(t))), so the exported tree
 * routes every float32 row exactly as the in-process tree does with its double threshold.
 */
export function float32AtLeast(t: number): number {
  f32[0] = t;
  if (f32[0]! >= t) return f32[0]!;
  if (f32[0] === 0) return 1.401298464324817e-45;
  if (f32[0]! > 0) u32[0] = u32[0]! + 1;
  else u32[0] = u32[0]! - 1;
  return f32[0]!;
}

/** Logistic regression as MatMul(features, W[d,1]) + B → Sigmoid. */
export function logisticGraph(m: LogisticModel): Uint8Array {
  const d = m.weights.length;
  const nodes = [
    { opType: 'MatMul', input: [INPUT_NAME, 'W'], output: ['xw'] },
    { opType: 'Add', input: ['xw', 'B'], output: ['logit'] },
    { opType: 'Sigmoid', input: ['logit'], output: [OUTPUT_NAME] },
  ];
  const init = [
    { name: 'W', dataType: FLOAT, dims: [d, 1], floatData: Array.from(m.weights) },
    { name: 'B', dataType: FLOAT, dims: [1], floatData: [m.bias] },
  ];
  return model('logistic_regression', d, nodes, init, 'MIA logistic regression: sigmoid(x·W + B)');
}

interface FlatTrees {
  treeIds: number[];
  nodeIds: number[];
  featureIds: number[];
  values: number[];
  modes: string[];
  trueIds: number[];
  falseIds: number[];
  leafTree: number[];
  leafNode: number[];
  leafValue: number[];
}

function flattenTrees(trees: readonly DecisionTree[]): FlatTrees {
  const f: FlatTrees = { treeIds: [], nodeIds: [], featureIds: [], values: [], modes: [], trueIds: [], falseIds: [], leafTree: [], leafNode: [], leafValue: [] };
  trees.forEach((t, ti) => {
    t.nodes.forEach((n, ni) => {
      const isLeaf = n.feature < 0;
      f.treeIds.push(ti);
      f.nodeIds.push(ni);
      f.featureIds.push(isLeaf ? 0 : n.feature);
      f.values.push(isLeaf ? 0 : float32AtLeast(n.threshold));
      f.modes.push(isLeaf ? 'LEAF' : 'BRANCH_LT');
      f.trueIds.push(isLeaf ? 0 : n.left);
      f.falseIds.push(isLeaf ? 0 : n.right);
      if (isLeaf) (f.leafTree.push(ti), f.leafNode.push(ni), f.leafValue.push(n.value));
    });
  });
  return f;
}

function nodeAttributes(f: FlatTrees): onnxProto.onnx.IAttributeProto[] {
  return [
    ints('nodes_treeids', f.treeIds), ints('nodes_nodeids', f.nodeIds), ints('nodes_featureids', f.featureIds),
    floats('nodes_values', f.values), strings('nodes_modes', f.modes),
    ints('nodes_truenodeids', f.trueIds), ints('nodes_falsenodeids', f.falseIds),
  ];
}

/** Gradient-boosted trees as TreeEnsembleRegressor (sum of leaves + base log-odds) → Sigmoid. */
export function boostedTreesGraph(m: BoostedTreesModel, features: number): Uint8Array {
  const f = flattenTrees(m.trees);
  const ensemble = {
    opType: 'TreeEnsembleRegressor', domain: 'ai.onnx.ml', input: [INPUT_NAME], output: ['margin'],
    attribute: [
      ...nodeAttributes(f),
      ints('target_treeids', f.leafTree), ints('target_nodeids', f.leafNode), ints('target_ids', f.leafTree.map(() => 0)),
      floats('target_weights', f.leafValue), int('n_targets', 1), floats('base_values', [m.base]),
      text('aggregate_function', 'SUM'), text('post_transform', 'NONE'),
    ],
  };
  const nodes = [ensemble, { opType: 'Sigmoid', input: ['margin'], output: [OUTPUT_NAME] }];
  return model('gradient_boosted_trees', features, nodes, [], 'MIA gradient-boosted trees: sigmoid(base + sum of trees)');
}

/**
 * A probability forest as TreeEnsembleClassifier: each leaf gives class 1 its share of positives / trees and
 * class 0 the rest, so the summed class-1 score is the forest mean; Gather takes column 1. Weights are given
 * for both classes so onnxruntime does not apply its one-weight binary rule; no ZipMap (onnxruntime-node
 * cannot return maps).
 */
export function forestGraph(trees: readonly DecisionTree[], features: number): Uint8Array {
  const f = flattenTrees(trees);
  const k = trees.length;
  const classTree: number[] = [];
  const classNode: number[] = [];
  const classIds: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < f.leafTree.length; i++) {
    for (const c of [0, 1]) {
      classTree.push(f.leafTree[i]!);
      classNode.push(f.leafNode[i]!);
      classIds.push(c);
      weights.push((c === 1 ? f.leafValue[i]! : 1 - f.leafValue[i]!) / k);
    }
  }
  const ensemble = {
    opType: 'TreeEnsembleClassifier', domain: 'ai.onnx.ml', input: [INPUT_NAME], output: ['label', 'probabilities'],
    attribute: [
      ...nodeAttributes(f),
      ints('class_treeids', classTree), ints('class_nodeids', classNode), ints('class_ids', classIds),
      floats('class_weights', weights), ints('classlabels_int64s', [0, 1]), text('post_transform', 'NONE'),
    ],
  };
  const gather = { opType: 'Gather', input: ['probabilities', 'class1'], output: [OUTPUT_NAME], attribute: [int('axis', 1)] };
  const init = [{ name: 'class1', dataType: INT64, dims: [1], int64Data: [1] }];
  return model('random_forest', features, [ensemble, gather], init, 'MIA random forest: mean of leaf probabilities');
}
