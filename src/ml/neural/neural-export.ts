import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE, type ModelManifest } from '../model-manifest.js';
import type { LabelInput } from '../trade-labeler.js';
import type { NeuralManifest } from './neural-manifest.js';
import { trainNeural, type NeuralTrainingOptions } from './neural-training.js';

/**
 * `mia train --neural`'s second half: trains the neural models on the same decision rows as the ensemble, writes
 * their ONNX files into the models directory `dir` (the staging folder), and rewrites `dir/manifest.json` with
 * the `neural` block and `neuralEnabled` (its `enabled`). Returns the manifest written.
 */
export async function addNeuralModels(dir: string, manifest: ModelManifest, inputs: readonly LabelInput<Float32Array>[], o: NeuralTrainingOptions): Promise<ModelManifest & { neural: NeuralManifest }> {
  const neural = await trainNeural(inputs, dir, o);
  const out = { ...manifest, neuralEnabled: neural.enabled, neural };
  await writeFile(join(dir, MANIFEST_FILE), JSON.stringify(out, null, 2) + '\n');
  return out;
}

/** One stdout line of a neural model's walk-forward result against its baseline. */
export function neuralLine(m: NeuralManifest['models'][number], dir: string): string {
  const w = m.walkForward;
  const auc = w.pooled.auc === null ? 'n/a' : w.pooled.auc.toFixed(3);
  return `${m.name} brier ${w.pooled.brier.toFixed(4)} baseline ${w.baseline.pooled.brier.toFixed(4)} skill ${w.brierSkill.toFixed(3)} auc ${auc}` +
    ` (${w.pooled.samples} out-of-sample) ${join(dir, m.file)} sha256 ${m.sha256.slice(0, 12)}`;
}
