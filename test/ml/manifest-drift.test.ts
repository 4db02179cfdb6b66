// `mia train`'s manifest carries each feature's training distribution (quantile bins of the training rows):
// written by trainAndExport, read back by the loader unchanged, checked (a malformed one is refused with a coded
// error), and an older manifest without bins loads with drift off. Models from synthetic samples (made here).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { driftOptions } from '../../src/cli/drift-options.js';
import { binOf, quantileBins } from '../../src/ml/feature-drift.js';
import { ModelEnsemble } from '../../src/ml/model-ensemble.js';
import type { ModelManifest } from '../../src/ml/model-manifest.js';
import { trainAndExport } from '../../src/ml/model-trainer.js';
import { DEFAULT_LABEL_CONFIG } from '../../src/ml/trade-labeler.js';
import { FEATURE_NAMES } from '../../src/signals/features.js';
import { syntheticSamples } from './synthetic-samples.js';

let dir: string;
let x: Float32Array[];
/** The manifest as trainAndExport wrote it: each test starts from it (tests run in a random order). */
let original: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mia-manifest-drift-'));
  const s = syntheticSamples(200, 5);
  x = s.x;
  await trainAndExport(s.x, s.y, dir, {
    folds: 2, embargo: 1, seed: 1, label: DEFAULT_LABEL_CONFIG, createdAt: '2024-01-02T03:04:05.000Z',
    forest: { trees: 5, maxDepth: 3, minSamples: 5, featureShare: 0.75 },
  });
  original = await readFile(join(dir, 'manifest.json'), 'utf8');
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The written manifest's text, put back in the directory first (another test may have changed it). */
async function manifestText(): Promise<string> {
  await writeFile(join(dir, 'manifest.json'), original);
  return original;
}

describe('training bins in the manifest', () => {
  test('written from the training rows, one entry per feature in order, and loaded back unchanged', async () => {
    const written = (JSON.parse(await manifestText()) as ModelManifest).featureDrift!;
    expect(written.features.map((f) => f.name)).toEqual([...FEATURE_NAMES]);
    // The definition applied here to the same rows gives the same bins (JSON keeps doubles exactly).
    expect(written).toEqual(quantileBins(x, FEATURE_NAMES));
    for (const [j, f] of written.features.entries()) {
      // Each fraction is the training rows' share of the bin, counted independently here.
      const counts = new Array<number>(f.fractions.length).fill(0);
      for (const r of x) counts[binOf(f.edges, r[j]!)]!++;
      expect(f.fractions).toEqual(counts.map((c) => c / x.length));
      expect(f.fractions.length).toBeLessThanOrEqual(10);
    }
    const e = await ModelEnsemble.load(dir);
    try {
      expect(e.manifest.featureDrift).toEqual(written);
      expect(driftOptions(e.manifest, 0.3, 50)).toEqual({ drift: { reference: written, config: { threshold: 0.3, window: 50, minRows: 50 } } });
    } finally {
      e.close();
    }
  });

  test('a manifest without bins (written before them) loads, with drift off', async () => {
    const m = JSON.parse(await manifestText()) as ModelManifest;
    delete m.featureDrift;
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(m));
    const e = await ModelEnsemble.load(dir);
    try {
      expect(e.manifest.featureDrift).toBeUndefined();
      expect(driftOptions(e.manifest)).toEqual({});
    } finally {
      e.close();
    }
  });

  test('malformed bins are refused with one coded error naming the field', async () => {
    const m = JSON.parse(await manifestText()) as ModelManifest;
    m.featureDrift = { ...quantileBins(x, FEATURE_NAMES) };
    m.featureDrift.features[3]!.fractions.pop();
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(m));
    await expect(ModelEnsemble.load(dir)).rejects.toMatchObject({ code: 'MIA_ERR_BAD_CONFIG', message: expect.stringMatching(/featureDrift.*features\[3\]/) });
  });
});
