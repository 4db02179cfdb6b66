// `mia train` end to end on the real ES trades (Databento, ../shared/data through MIA_DATA_DIR): replay
// through the engine and the signal engine, label, train, evaluate, export, and the models score in
// onnxruntime. The file holds 60 one-minute bars, so horizons and folds are small here.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { trainCommand } from '../../src/cli/train-command.js';
import { isMiaError } from '../../src/common/errors.js';
import { ModelEnsemble } from '../../src/ml/model-ensemble.js';
import { sha256, type ModelManifest } from '../../src/ml/model-manifest.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';

const file = dataFile('cme-esh4-mbo/esh4_20231225_trades.csv');

/** Runs `mia train ARGS` in-process and returns what it printed on stdout. */
async function train(args: string[]): Promise<string> {
  const program = new Command('mia').exitOverride();
  trainCommand(program);
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => (lines.push(s), true)) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'mia', 'train', ...args, '--no-progress']);
  } finally {
    process.stdout.write = write;
  }
  return lines.join('');
}

describe.skipIf(!HAVE_DATA)('mia train on the ESH4 trades (Databento)', () => {
  let dir: string;
  const small = ['--horizon-bars', '5', '--target-ticks', '2', '--stop-ticks', '2', '--folds', '2'];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mia-train-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('writes three models and a manifest whose hashes match, one summary line per model', async () => {
    const out = join(dir, 'a');
    const printed = await train(['--input', file, '--out', out, ...small]);
    expect(printed.trim().split('\n').map((l) => l.split(' ')[0])).toEqual(['lr', 'gbt', 'rf']);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as ModelManifest;
    for (const m of manifest.models) expect(sha256(await readFile(join(out, m.file)))).toBe(m.sha256);
    // One decision per closed 1m bar that has a lean; 60 bars, the last 5 have no full horizon unless resolved.
    expect(manifest.training.samples).toBeGreaterThanOrEqual(25);
    expect(manifest.training.samples).toBeLessThanOrEqual(60);
    expect(manifest.training.inputSha256).toBe(sha256(await readFile(file)));
    expect(manifest.label).toMatchObject({ horizonBars: 5, targetTicks: 2, stopTicks: 2, tickSize: 0.25 });
    // Default created-at: the last trade replayed (the file ends just before 2023-12-26 00:00 UTC).
    expect(manifest.createdAt.startsWith('2023-12-25T23:')).toBe(true);
    const ensemble = await ModelEnsemble.load(out);
    try {
      const s = await ensemble.score(new Float32Array(8));
      for (const p of s.scores) expect(p).toBeGreaterThanOrEqual(0), expect(p).toBeLessThanOrEqual(1);
      expect(s.hashes).toEqual(manifest.models.map((m) => m.sha256));
    } finally {
      await ensemble.close();
    }
  }, 60_000);

  test('the same file and flags give byte-identical output', async () => {
    await train(['--input', file, '--out', join(dir, 'b'), ...small]);
    await train(['--input', file, '--out', join(dir, 'c'), ...small]);
    for (const f of ['manifest.json', 'lr.onnx', 'gbt.onnx', 'rf.onnx']) {
      expect(sha256(await readFile(join(dir, 'c', f))), f).toBe(sha256(await readFile(join(dir, 'b', f))));
    }
  }, 60_000);

  test('too few labelled samples fail with MIA_ERR_BAD_ARGUMENT and write nothing', async () => {
    // 60 bars cannot fill 20 folds of 5 test samples each.
    const out = join(dir, 'd');
    const e = await train(['--input', file, '--out', out, '--horizon-bars', '5', '--target-ticks', '2', '--stop-ticks', '2', '--folds', '20']).catch((err: unknown) => err);
    expect(isMiaError(e) && e.code).toBe('MIA_ERR_BAD_ARGUMENT');
    expect((e as Error).message).toMatch(/too few labelled samples/);
    await expect(readFile(join(out, 'manifest.json'))).rejects.toThrow();
  }, 60_000);
});
