import type { MiaError } from '../../common/errors.js';
import { FEATURE_NAMES } from '../../signals/features.js';
import { badModels, MODEL_DIR_LIMITS, readModelFile } from '../model-files.js';
import { sha256, type ModelManifest } from '../model-manifest.js';
import { NEURAL_MODELS, type NeuralManifest } from './neural-manifest.js';
import { NeuralScorer, type NeuralModelBytes } from './neural-scorer.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks the shape of a manifest's `neural` block (what the loader reads): the three models in order, each with
 * a plain file name and a sha256, and whole `steps`; BAD_CONFIG naming the field otherwise.
 */
export function checkNeuralBlock(dir: string, n: unknown): NeuralManifest {
  const bad = (field: string, want: string): MiaError => badModels(dir, `manifest.json neural.${field} must be ${want}`);
  if (!isObject(n)) throw badModels(dir, 'manifest.json neural must be an object');
  if (typeof n.enabled !== 'boolean') throw bad('enabled', 'true or false');
  if (!Number.isInteger(n.steps) || (n.steps as number) < 1 || (n.steps as number) > 1000) throw bad('steps', 'an integer in [1, 1000]');
  if (!Array.isArray(n.models) || n.models.length !== NEURAL_MODELS.length) throw bad('models', `a list of ${NEURAL_MODELS.length} models`);
  n.models.forEach((x: unknown, i) => {
    const want = NEURAL_MODELS[i]!;
    if (!isObject(x) || x.name !== want.name) throw bad(`models[${i}]`, `the model ${want.name}`);
    if (x.file !== want.file) throw bad(`models[${i}].file`, want.file);
    if (typeof x.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(x.sha256)) throw bad(`models[${i}].sha256`, 'a sha256 in hex');
  });
  return n as unknown as NeuralManifest;
}

/**
 * The neural scorer of a loaded models directory, or null unless its manifest's `neuralEnabled` is true (the
 * outputs are off by default: `mia train --neural` sets it only when they beat their baseline). The block's files
 * are then read and checked against their sha256 like the ensemble's.
 */
export async function loadNeuralScorer(dir: string, manifest: ModelManifest): Promise<NeuralScorer | null> {
  if (manifest.neuralEnabled !== true) return null;
  if (manifest.neural === undefined) throw badModels(dir, 'manifest.json neuralEnabled is true without a neural block');
  const n = checkNeuralBlock(dir, manifest.neural);
  const bytes = {} as NeuralModelBytes;
  for (const m of n.models) {
    const b = await readModelFile(dir, m.file, MODEL_DIR_LIMITS.modelBytes);
    if (sha256(b) !== m.sha256) throw badModels(dir, `${m.file} does not match its sha256 in the manifest`);
    bytes[m.name] = b;
  }
  try {
    return new NeuralScorer(bytes, n, FEATURE_NAMES.length);
  } catch (e) {
    throw badModels(dir, `the neural models do not load in onnxruntime: ${(e as Error).message}`);
  }
}
