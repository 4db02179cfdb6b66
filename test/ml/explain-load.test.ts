// Loading explain.json with the models: a directory `mia train` wrote loads with its explainer, whose totals equal
// the onnxruntime scores; an explain.json that does not describe the graphs (hash updated, so only the check at load
// can tell) is refused with the model it disagrees on.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sigmoid } from '../../src/ml/decision-tree.js';
import { ModelEnsemble } from '../../src/ml/model-ensemble.js';
import type { ExplainFile } from '../../src/ml/model-explainer.js';
import { sha256, type ModelManifest } from '../../src/ml/model-manifest.js';
import { trainAndExport } from '../../src/ml/model-trainer.js';
import { DEFAULT_LABEL_CONFIG } from '../../src/ml/trade-labeler.js';
import { syntheticSamples } from './synthetic-samples.js';

describe('explain.json at load', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mia-explain-load-'));
    const { x, y } = syntheticSamples(400, 21);
    await trainAndExport(x, y, dir, { folds: 1, embargo: 0, seed: 42, label: DEFAULT_LABEL_CONFIG, createdAt: '2024-01-01T00:00:00.000Z' });
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('the explainer of a trained directory adds up to the onnxruntime scores on rows it never saw', async () => {
    const e = await ModelEnsemble.load(dir);
    try {
      const values = new Float64Array(24);
      for (const row of syntheticSamples(30, 77).x) {
        const scores = e.scoreBatch(row, 1);
        e.explainer!.explain(row, values);
        const total = (k: number): number => e.explainer!.base[k]! + values.subarray(8 * k, 8 * k + 8).reduce((a, b) => a + b, 0);
        // onnxruntime computes in float32 what the explanation sums in float64: 1e-5 covers float32 rounding.
        expect(sigmoid(total(0))).toBeCloseTo(scores[0]!, 5);
        expect(sigmoid(total(1))).toBeCloseTo(scores[1]!, 5);
        expect(total(2)).toBeCloseTo(scores[2]!, 5);
      }
    } finally {
      e.close();
    }
  });

  test('an explain.json of other parameters is refused, naming the model', async () => {
    // A copy: the tests run in any order.
    const bad = `${dir}-tampered`;
    await cp(dir, bad, { recursive: true });
    const f = JSON.parse(await readFile(join(bad, 'explain.json'), 'utf8')) as ExplainFile;
    f.gbt.base += 0.5;
    const bytes = Buffer.from(JSON.stringify(f));
    await writeFile(join(bad, 'explain.json'), bytes);
    const m = JSON.parse(await readFile(join(bad, 'manifest.json'), 'utf8')) as ModelManifest;
    m.explain = { file: 'explain.json', sha256: sha256(bytes) };
    await writeFile(join(bad, 'manifest.json'), JSON.stringify(m));
    const err = await ModelEnsemble.load(bad).then(() => undefined, (e: Error & { code: string }) => e);
    expect(err?.code).toBe('MIA_ERR_BAD_CONFIG');
    expect(err?.message).toMatch(/explain\.json does not explain the models: gbt scores/);
    await rm(bad, { recursive: true, force: true });
  });
});
