import type { MiaError } from '../common/errors.js';
import { FEATURE_NAMES } from '../signals/features.js';
import { sigmoid } from './decision-tree.js';
import { badModels, MODEL_DIR_LIMITS, readModelFile } from './model-files.js';
import { EXPLAIN_FORMAT, EXPLAIN_VERSION, ModelExplainer, type ExplainFile } from './model-explainer.js';
import { MODEL_NAMES, sha256, type ModelManifest } from './model-manifest.js';
import type { CoveredTree } from './tree-shap.js';

/** Deepest tree explain.json may hold: `mia train` grows depth 6 at most by default; the bound keeps recursion short. */
export const MAX_EXPLAIN_DEPTH = 32;

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const finiteList = (v: unknown, n?: number): v is number[] => Array.isArray(v) && (n === undefined || v.length === n) && v.every(finite);

/**
 * Parses explain.json and checks every field the explainer reads, so that whatever the file holds the outcome is
 * the content or one BAD_CONFIG naming the field: lengths, finite numbers, feature indexes, child indexes after
 * their parent (so every walk ends), depth at most MAX_EXPLAIN_DEPTH, covers ≥ 0.
 */
export function parseExplainFile(dir: string, text: string): ExplainFile {
  let f: unknown;
  try {
    f = JSON.parse(text);
  } catch {
    throw badModels(dir, 'explain.json is not JSON');
  }
  const bad = (field: string, want: string): MiaError => badModels(dir, `explain.json ${field} must be ${want}`);
  const o = f as Partial<ExplainFile> | null;
  if (typeof o !== 'object' || o === null || o.format !== EXPLAIN_FORMAT || o.version !== EXPLAIN_VERSION) {
    throw badModels(dir, `explain.json is not a ${EXPLAIN_FORMAT} v${EXPLAIN_VERSION} file`);
  }
  if (JSON.stringify(o.features) !== JSON.stringify(FEATURE_NAMES)) throw bad('features', "the engine's feature order");
  const d = FEATURE_NAMES.length;
  const lr = o.lr;
  if (!lr || !finiteList(lr.weights, d) || !finite(lr.bias) || !finiteList(lr.means, d)) throw bad('lr', `weights and means of ${d} numbers and a bias`);
  if (!o.gbt || !finite(o.gbt.base) || !Array.isArray(o.gbt.trees)) throw bad('gbt', 'a base and a list of trees');
  if (!o.rf || !Array.isArray(o.rf.trees) || o.rf.trees.length === 0) throw bad('rf', 'a non-empty list of trees');
  for (const [name, trees] of [['gbt', o.gbt.trees], ['rf', o.rf.trees]] as const) {
    for (const [i, t] of trees.entries()) {
      const why = treeProblem(t, d);
      if (why) throw bad(`${name}.trees[${i}]`, why);
    }
  }
  return o as ExplainFile;
}

/** What is wrong with a tree, or undefined. */
function treeProblem(t: CoveredTree, d: number): string | undefined {
  if (typeof t !== 'object' || t === null) return 'an object';
  const n = Array.isArray(t.feature) ? t.feature.length : 0;
  if (n === 0) return 'a tree of at least one node';
  for (const k of ['feature', 'threshold', 'left', 'right', 'value', 'cover'] as const) {
    if (!finiteList(t[k], n)) return `a tree whose ${k} lists ${n} finite numbers`;
  }
  const depth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (t.cover[i]! < 0) return 'a tree with covers ≥ 0';
    const f = t.feature[i]!;
    if (f === -1) continue;
    if (!Number.isInteger(f) || f < 0 || f >= d) return `a tree with features in 0..${d - 1} (−1 a leaf)`;
    for (const c of [t.left[i]!, t.right[i]!]) {
      if (!Number.isInteger(c) || c <= i || c >= n) return 'a tree whose children come after their parent';
      depth[c] = depth[i]! + 1;
      if (depth[c]! > MAX_EXPLAIN_DEPTH) return `a tree of depth ${MAX_EXPLAIN_DEPTH} at most`;
    }
  }
  return undefined;
}

/**
 * The explainer of a models directory: explain.json read (within the model file limit), checked against its sha256
 * in the manifest and parsed; null when the manifest names none (models trained before explanations existed).
 */
export async function loadExplainer(dir: string, manifest: ModelManifest): Promise<ModelExplainer | null> {
  const ex = manifest.explain;
  if (!ex) return null;
  const bytes = await readModelFile(dir, ex.file, MODEL_DIR_LIMITS.modelBytes);
  if (sha256(bytes) !== ex.sha256) throw badModels(dir, `${ex.file} does not match its sha256 in the manifest`);
  return new ModelExplainer(parseExplainFile(dir, bytes.toString('utf8')));
}

/**
 * Why the explainer does not explain what the ONNX graphs score, or undefined: on `row`, σ of the explained log-odds
 * of lr and gbt and rf's explained probability must equal the graphs' float32 scores (`scores`, lr, gbt, rf).
 */
export function explainerMismatch(e: ModelExplainer, row: Float32Array, scores: ArrayLike<number>): string | undefined {
  const out = new Float64Array(3);
  e.outputs(row, out);
  const mine = [sigmoid(out[0]!), sigmoid(out[1]!), out[2]!];
  for (let k = 0; k < 3; k++) {
    // float32 graphs against float64 sums of float32 parameters: 1e-4 is ~100 float32 ulps of a probability.
    if (!(Math.abs(mine[k]! - scores[k]!) <= 1e-4)) return `${MODEL_NAMES[k]} scores ${scores[k]} but its explanation adds up to ${mine[k]}`;
  }
  return undefined;
}
