// The neural models trained on a real slice: the ESH4 trades of 2023-12-25 (Databento, ../shared/data through
// MIA_DATA_DIR), replayed through the pipeline `mia train` uses. 60 one-minute bars: far under the 600 samples
// the outputs need before they may join decisions, so the manifest must say off, whatever the metrics.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ReplaySource } from '../../src/adapters/replay/replay-source.js';
import { replayTrainingRows } from '../../src/backtest/training-replay.js';
import { TrainingRows } from '../../src/backtest/training-rows.js';
import { ModelEnsemble } from '../../src/ml/model-ensemble.js';
import { sha256, type ModelManifest } from '../../src/ml/model-manifest.js';
import { trainAndExport } from '../../src/ml/model-trainer.js';
import { neuralDataset } from '../../src/ml/neural/neural-dataset.js';
import { addNeuralModels } from '../../src/ml/neural/neural-export.js';
import { NEURAL_MODELS, type NeuralManifest } from '../../src/ml/neural/neural-manifest.js';
import { trainNeural, type NeuralTrainingOptions } from '../../src/ml/neural/neural-training.js';
import { SyncOnnxSession } from '../../src/ml/onnx-session.js';
import { labelSamples, type LabelInput } from '../../src/ml/trade-labeler.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';

const root = mkdtempSync(join(tmpdir(), 'mia-neural-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const horizonBars = 5;
// Small models and few epochs: the point is the pipeline on real rows, in CI time, not the models' quality.
const small = { epochs: 10, batchSize: 16, learningRate: 0.01, seed: 1 };
const opts: NeuralTrainingOptions = { folds: 2, horizonBars, mlp: { ...small, hidden: [8] }, lstm: { ...small, steps: 5, units: 4 } };

describe.skipIf(!HAVE_DATA)('neural training on the ESH4 trades (Databento)', () => {
  let inputs: LabelInput<Float32Array>[] = [];
  let first: NeuralManifest;

  beforeAll(async () => {
    const rows = new TrainingRows('1m');
    await replayTrainingRows(await ReplaySource.open(dataFile('cme-esh4-mbo/esh4_20231225_trades.csv'), { speed: 'max', tickSize: 0.25 }), 0.25, rows, () => undefined);
    inputs = rows.finish();
    // Trained once here: the tests run in shuffled order.
    mkdirSync(join(root, 'a'));
    first = await trainNeural(inputs, join(root, 'a'), opts);
  }, 60_000);

  test('trains the three models walk-forward, writes hashed ONNX files that score, and stays off on 60 bars', () => {
    const dir = join(root, 'a');
    // Every row whose path covers the horizon is a sample: all but the last `horizonBars` decisions.
    expect(first.samples).toBe(inputs.filter((s) => s.path.length >= horizonBars).length);
    expect(first.samples).toBeGreaterThan(40);
    expect(first.models.map((x) => x.name)).toEqual(NEURAL_MODELS.map((x) => x.name));
    expect(first.enabled).toBe(false);
    expect(first.reason).toMatch(/^off: /);
    const ds = neuralDataset(inputs, horizonBars, 5);
    for (const x of first.models) {
      const bytes = readFileSync(join(dir, x.file));
      expect(x.sha256).toBe(sha256(bytes));
      // Each fold tests one block; the pool holds them all, the baseline the same samples.
      expect(x.walkForward.pooled.samples).toBe(x.walkForward.folds.reduce((a, f) => a + f.testEnd - f.testStart, 0));
      expect(x.walkForward.baseline.pooled.samples).toBe(x.walkForward.pooled.samples);
      expect(x.walkForward.brierSkill).toBeCloseTo(1 - x.walkForward.pooled.brier / x.walkForward.baseline.pooled.brier, 12);
      const s = new SyncOnnxSession(bytes, x.width);
      const p = s.run(x.width === ds.d ? ds.rows : ds.sequences, ds.n);
      s.release();
      expect(p).toHaveLength(ds.n);
      for (const v of p) expect(v > 0 && v < 1).toBe(true);
    }
  }, 30_000);

  test('the same rows and seeds give byte-identical models', async () => {
    const dir = join(root, 'b');
    mkdirSync(dir);
    const again = await trainNeural(inputs, dir, opts);
    expect(again.models.map((m) => m.sha256)).toEqual(first.models.map((m) => m.sha256));
    expect(again).toEqual(first);
  }, 30_000);

  test('manifest.json round trip: the ensemble loads with the neural block, off by default; neuralEnabled turns it on; a changed file is refused', async () => {
    const dir = join(root, 'models');
    mkdirSync(dir);
    const label = { targetTicks: 2, stopTicks: 2, horizonBars, tickSize: 0.25 };
    const samples = labelSamples(inputs, label);
    const t = await trainAndExport(samples.map((s) => s.features), Uint8Array.from(samples, (s) => s.label), dir, {
      folds: 2, embargo: horizonBars, seed: 42, label, createdAt: '2023-12-25T00:00:00.000Z',
    });
    const written = await addNeuralModels(dir, t.manifest, inputs, opts);
    const onDisk = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ModelManifest;
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(written)));
    expect(onDisk.neuralEnabled).toBe(false);

    const off = await ModelEnsemble.load(dir);
    expect(off.neural).toBeNull();
    expect(off.status()).toMatchObject({ neural: { enabled: false, reason: onDisk.neural!.reason } });
    expect(off.manifest.neural).toEqual(onDisk.neural);
    off.close();

    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...onDisk, neuralEnabled: true }));
    const on = await ModelEnsemble.load(dir);
    expect(on.neural).not.toBeNull();
    expect(on.status()).toMatchObject({ neural: { enabled: true } });
    const v = on.neural!.score('ESH4', 60_000, inputs[0]!.features);
    for (const p of [v.volatility, v.regime, v.direction]) expect(p > 0 && p < 1).toBe(true);
    on.close();

    writeFileSync(join(dir, 'nn-regime.onnx'), Buffer.concat([readFileSync(join(dir, 'nn-regime.onnx')), Buffer.of(0)]));
    await expect(ModelEnsemble.load(dir)).rejects.toMatchObject({ code: 'MIA_ERR_BAD_CONFIG', message: expect.stringContaining('nn-regime.onnx does not match its sha256') });
  }, 30_000);
});
