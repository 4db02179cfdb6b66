// The neural models trained on a real slice: the ESH4 trades of 2023-12-25 (Databento, ../shared/data through
// MIA_DATA_DIR), replayed through the pipeline `mia train` uses. 60 one-minute bars: far under the 600 samples
// the outputs need before they may join decisions, so the manifest block must say off, whatever the metrics.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ReplaySource } from '../../src/adapters/replay/replay-source.js';
import { replayTrainingRows } from '../../src/backtest/training-replay.js';
import { TrainingRows } from '../../src/backtest/training-rows.js';
import { sha256 } from '../../src/ml/model-manifest.js';
import { neuralDataset } from '../../src/ml/neural/neural-dataset.js';
import { NEURAL_MODELS } from '../../src/ml/neural/neural-manifest.js';
import { trainNeural } from '../../src/ml/neural/neural-training.js';
import { SyncOnnxSession } from '../../src/ml/onnx-session.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';

const dir = mkdtempSync(join(tmpdir(), 'mia-neural-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!HAVE_DATA)('neural training on the ESH4 trades (Databento)', () => {
  test('trains the three models walk-forward, writes hashed ONNX files that score, and stays off on 60 bars', async () => {
    const rows = new TrainingRows('1m');
    await replayTrainingRows(await ReplaySource.open(dataFile('cme-esh4-mbo/esh4_20231225_trades.csv'), { speed: 'max', tickSize: 0.25 }), 0.25, rows, () => undefined);
    const inputs = rows.finish();
    const horizonBars = 5;
    const small = { epochs: 10, batchSize: 16, learningRate: 0.01, seed: 1 };
    const m = await trainNeural(inputs, dir, { folds: 2, horizonBars, mlp: { ...small, hidden: [8] }, lstm: { ...small, steps: 5, units: 4 } });

    // Every row whose path covers the horizon is a sample: all but the last `horizonBars` decisions.
    expect(m.samples).toBe(inputs.filter((s) => s.path.length >= horizonBars).length);
    expect(m.samples).toBeGreaterThan(40);
    expect(m.models.map((x) => x.name)).toEqual(NEURAL_MODELS.map((x) => x.name));
    expect(m.enabled).toBe(false);
    expect(m.reason).toMatch(/^off: /);
    const ds = neuralDataset(inputs, horizonBars, 5);
    for (const x of m.models) {
      const bytes = readFileSync(join(dir, x.file));
      expect(x.sha256).toBe(sha256(bytes));
      // Each fold tests one block; the pool holds them all, the baseline the same samples.
      expect(x.walkForward.pooled.samples).toBe(x.walkForward.folds.reduce((a, f) => a + f.testEnd - f.testStart, 0));
      expect(x.walkForward.baseline.pooled.samples).toBe(x.walkForward.pooled.samples);
      expect(x.walkForward.brierSkill).toBeCloseTo(1 - x.walkForward.pooled.brier / x.walkForward.baseline.pooled.brier, 12);
      const s = new SyncOnnxSession(bytes, x.width);
      const input = x.width === ds.d ? ds.rows : ds.sequences;
      const p = s.run(input, ds.n);
      s.release();
      expect(p).toHaveLength(ds.n);
      for (const v of p) expect(v > 0 && v < 1).toBe(true);
    }
  }, 60_000);
});
