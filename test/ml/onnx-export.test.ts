// Train → export → onnxruntime: the exported graphs give the in-process models' probabilities within 1e-6
// on random float32 inputs, and the manifest's hashes are those of the files.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as ort from 'onnxruntime-node';
import { isMiaError } from '../../src/common/errors.js';
import { composeEnsemble, EnsembleGraphError } from '../../src/ml/ensemble-graph.js';
import { sha256, type ModelManifest } from '../../src/ml/model-manifest.js';
import { ModelEnsemble, loadModelFilter } from '../../src/ml/model-ensemble.js';
import { trainAndExport, type TrainingResult } from '../../src/ml/model-trainer.js';
import { DEFAULT_LABEL_CONFIG } from '../../src/ml/trade-labeler.js';
import { syntheticSamples } from './synthetic-samples.js';

const { x, y } = syntheticSamples(300, 7);
let dir: string;
let result: TrainingResult;
let ensemble: ModelEnsemble;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mia-ml-'));
  result = await trainAndExport(x, y, dir, {
    folds: 3, embargo: 2, seed: 11, label: DEFAULT_LABEL_CONFIG, createdAt: '2024-01-02T03:04:05.000Z',
    forest: { trees: 20, maxDepth: 5, minSamples: 5, featureShare: 0.75 },
  });
  ensemble = await ModelEnsemble.load(dir);
}, 60_000);

afterAll(async () => {
  ensemble?.close();
  await rm(dir, { recursive: true, force: true });
});

const featureRow = fc.tuple(
  ...Array.from({ length: 6 }, () => fc.float({ min: -1, max: 1, noNaN: true })),
  fc.float({ min: 0, max: 1, noNaN: true }),
  fc.constantFrom(0, 0.6, 1),
).map((v) => Float32Array.from(v));

describe('ONNX export', () => {
  test('onnxruntime scores equal the in-process models within 1e-6 on random inputs', async () => {
    await fc.assert(
      fc.asyncProperty(featureRow, async (row) => {
        const s = await ensemble.score(row);
        const m = result.models;
        expect(Math.abs(s.scores[0] - m.lr.predict(row))).toBeLessThanOrEqual(1e-6);
        expect(Math.abs(s.scores[1] - m.gbt.predict(row))).toBeLessThanOrEqual(1e-6);
        expect(Math.abs(s.scores[2] - m.rf.predict(row))).toBeLessThanOrEqual(1e-6);
      }),
      { numRuns: 300, seed: 5 },
    );
  });

  test('onnxruntime scores equal the in-process models on the training rows (split values are midpoints of them)', async () => {
    const flat = new Float32Array(x.length * 8);
    x.forEach((r, i) => flat.set(r, i * 8));
    const p = await ensemble.scoreBatch(flat, x.length);
    const rf = result.models.rf.predictMany(x);
    let worst = 0;
    x.forEach((r, i) => {
      worst = Math.max(worst, Math.abs(p[i * 3]! - result.models.lr.predict(r)), Math.abs(p[i * 3 + 1]! - result.models.gbt.predict(r)), Math.abs(p[i * 3 + 2]! - rf[i]!));
    });
    expect(worst).toBeLessThanOrEqual(1e-6);
  });

  test('manifest hashes are the sha256 of the model files', async () => {
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as ModelManifest;
    expect(manifest.models.map((m) => m.file)).toEqual(['lr.onnx', 'gbt.onnx', 'rf.onnx']);
    for (const m of manifest.models) expect(sha256(await readFile(join(dir, m.file)))).toBe(m.sha256);
    expect(manifest.createdAt).toBe('2024-01-02T03:04:05.000Z');
    expect(manifest.features).toEqual(['confluence_score', 'momentum_flow', 'trend_alignment', 'volume_profile', 'support_resistance', 'market_regime_score', 'volatility_regime', 'time_factor']);
    expect(manifest.training.samples).toBe(300);
    expect((await ensemble.score(x[0]!)).hashes).toEqual(manifest.models.map((m) => m.sha256));
  });

  test('the same samples, seed and time give byte-identical files', async () => {
    const again = await mkdtemp(join(tmpdir(), 'mia-ml-'));
    try {
      await trainAndExport(x, y, again, {
        folds: 3, embargo: 2, seed: 11, label: DEFAULT_LABEL_CONFIG, createdAt: '2024-01-02T03:04:05.000Z',
        forest: { trees: 20, maxDepth: 5, minSamples: 5, featureShare: 0.75 },
      });
      for (const f of ['lr.onnx', 'gbt.onnx', 'rf.onnx', 'manifest.json']) {
        expect(sha256(await readFile(join(again, f))), f).toBe(sha256(await readFile(join(dir, f))));
      }
    } finally {
      await rm(again, { recursive: true, force: true });
    }
  }, 60_000);

  // Not bit for bit: onnxruntime sums tree leaves in float32 in an order that depends on its thread count
  // (the joined session runs one intra-op thread, a default session several) and on the CPU's instruction set
  // (AVX2 vs AVX-512). A score is a probability in float32 (~1.2e-7 relative precision); 1e-6 absolute allows
  // a few dozen roundings of re-ordered sums and is still 1000x finer than any threshold a trader sets.
  test('the joined graph scores each column as its own model file does in its own session, within float32 summation order', async () => {
    const sessions = await Promise.all(['lr', 'gbt', 'rf'].map(async (m) => ort.InferenceSession.create(join(dir, `${m}.onnx`))));
    try {
      const flat = new Float32Array(x.length * 8);
      x.forEach((r, i) => flat.set(r, i * 8));
      const joined = ensemble.scoreBatch(flat, x.length).slice();
      for (let m = 0; m < 3; m++) {
        const r = await sessions[m]!.run({ features: new ort.Tensor('float32', flat, [x.length, 8]) });
        const own = r.probability!.data as Float32Array;
        for (let i = 0; i < x.length; i++) expect(Math.abs(joined[i * 3 + m]! - own[i]!), `model ${m} row ${i}`).toBeLessThanOrEqual(1e-6);
      }
    } finally {
      for (const s of sessions) await s.release();
    }
  });

  test('a graph without the features → probability convention is not joined', async () => {
    const lr = await readFile(join(dir, 'lr.onnx'));
    expect(() => composeEnsemble([{ name: 'lr', bytes: lr }, { name: 'x', bytes: new Uint8Array([8, 8]) }])).toThrow(EnsembleGraphError);
    expect(() => composeEnsemble([])).toThrow(EnsembleGraphError);
  });

  test('a model file changed after export is refused with MIA_ERR_BAD_CONFIG', async () => {
    const copy = await mkdtemp(join(tmpdir(), 'mia-ml-'));
    try {
      for (const f of ['lr.onnx', 'gbt.onnx', 'rf.onnx', 'manifest.json']) await writeFile(join(copy, f), await readFile(join(dir, f)));
      const bytes = await readFile(join(copy, 'gbt.onnx'));
      bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
      await writeFile(join(copy, 'gbt.onnx'), bytes);
      const e = await ModelEnsemble.load(copy).catch((err: unknown) => err);
      expect(isMiaError(e) && e.code).toBe('MIA_ERR_BAD_CONFIG');
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });

  test('without a models directory the filter is off and says so', async () => {
    const f = await loadModelFilter(undefined);
    expect(f.ensemble).toBeNull();
    expect(f.status.enabled).toBe(false);
    expect(f.status.enabled === false && f.status.reason).toMatch(/no models directory/);
  });

  test('a mean at the default threshold 0.6 is approved, a mean just below is not', () => {
    expect(ensemble.threshold).toBe(0.6);
    // (0.6 + 0.6 + 0.6) / 3 evaluates to 0.6 exactly in double arithmetic.
    expect(ensemble.decide(0.6, 0.6, 0.6)).toMatchObject({ mean: 0.6, approved: true });
    expect(ensemble.decide(0.6, 0.6, 0.59).approved).toBe(false);
    expect(ensemble.decide(0.9, 0.3, 0.9).approved).toBe(true); // one dissenting model, mean 0.7
  });

  test('the manifest carries the training warnings: 300 samples are under the minimum of 600, and a model warns exactly when its AUC is not above 0.55', async () => {
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as ModelManifest;
    const weak = manifest.models.filter((m) => !(m.walkForward.pooled.auc! > 0.55)).map((m) => `MIA_WARN_WEAK_MODEL ${m.name}`);
    expect(manifest.warnings!.map((w) => `${w.code}${w.model ? ` ${w.model}` : ''}`)).toEqual(['MIA_WARN_FEW_SAMPLES', ...weak]);
    expect(manifest.warnings![0]!.message).toMatch(/^300 labelled samples are under the minimum of 600/);
    // The loader exposes them, and /health's decisions.filter (the ensemble's status) shows them.
    expect(ensemble.warnings).toEqual(manifest.warnings);
    const status = ensemble.status();
    expect(status.enabled && status.warnings).toEqual(manifest.warnings);
  });

  test('a manifest without warnings (written before they existed) loads with none', async () => {
    const old = await mkdtemp(join(tmpdir(), 'mia-ml-'));
    try {
      for (const f of ['lr.onnx', 'gbt.onnx', 'rf.onnx']) await writeFile(join(old, f), await readFile(join(dir, f)));
      // Older still than warnings: no explain.json either (a manifest of before explanations loads, unexplained).
      const { warnings: _dropped, explain: _none, ...manifest } = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as ModelManifest;
      await writeFile(join(old, 'manifest.json'), JSON.stringify(manifest));
      const e = await ModelEnsemble.load(old);
      try {
        expect(e.warnings).toEqual([]);
        expect(e.explainer).toBeNull();
      } finally {
        e.close();
      }
    } finally {
      await rm(old, { recursive: true, force: true });
    }
  });

  test('a manifest whose warnings are not a list of { code, message } is refused with MIA_ERR_BAD_CONFIG', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'mia-ml-'));
    try {
      for (const f of ['lr.onnx', 'gbt.onnx', 'rf.onnx']) await writeFile(join(bad, f), await readFile(join(dir, f)));
      const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as ModelManifest;
      await writeFile(join(bad, 'manifest.json'), JSON.stringify({ ...manifest, warnings: ['weak'] }));
      const e = await ModelEnsemble.load(bad).catch((err: unknown) => err);
      expect(isMiaError(e) && e.code).toBe('MIA_ERR_BAD_CONFIG');
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });
});
