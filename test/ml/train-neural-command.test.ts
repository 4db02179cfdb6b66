// `mia train --neural` as users run it (bin/mia.js, built) on the one-hour ES file (Databento, ../shared/data
// through MIA_DATA_DIR): the ensemble's lines, one per neural model and the verdict; the neural files beside the
// ensemble's with their hashes in manifest.json; and off, since 58 samples are under the 600 the outputs need.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { sha256, type ModelManifest } from '../../src/ml/model-manifest.js';
import { DATA_DIR, HAVE_DATA } from '../real-data/data-dir.js';

const dir = mkdtempSync(join(tmpdir(), 'mia-train-neural-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!HAVE_DATA)('mia train --neural on the ESH4 trades (Databento)', () => {
  test('writes the three neural models and their block in the manifest, neuralEnabled false', () => {
    const out = join(dir, 'models');
    const r = spawnSync(process.execPath, [
      'bin/mia.js', 'train', '--neural', '--input', join(DATA_DIR, 'cme-esh4-mbo/esh4_20231225_trades.csv'), '--out', out,
      '--horizon-bars', '5', '--target-ticks', '2', '--stop-ticks', '2', '--folds', '2', '--no-progress',
    ], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['lr', 'gbt', 'rf', 'nn_volatility', 'nn_regime', 'nn_direction', 'neural']);
    expect(lines[6]).toMatch(/^neural off: /);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as ModelManifest;
    expect(m.neuralEnabled).toBe(false);
    expect(m.neural!.enabled).toBe(false);
    expect(m.neural!.models.map((x) => x.file)).toEqual(['nn-volatility.onnx', 'nn-regime.onnx', 'nn-direction.onnx']);
    for (const x of m.neural!.models) expect(sha256(readFileSync(join(out, x.file)))).toBe(x.sha256);
    // The stderr carries only the ensemble's warnings: tfjs's console advice is silenced.
    expect(r.stderr).not.toMatch(/TensorFlow/);
  }, 120_000);
});
