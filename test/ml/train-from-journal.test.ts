// `mia train --from-journal` on the journal of a short backtest of the real ESH4 hour (Databento, MIA_DATA_DIR):
// the journal keeps every decision's features and every closed 1m bar, so the samples taken from it are those
// `mia train --input` replays from the trade file itself (same pipeline, same bar closes): the same labelled data
// (manifest dataSha256) and the same models, byte for byte. `--window` keeps the most recent market time only;
// `--challenge` against the models of the same data refuses the challenger (no gain ≥ the margin) and says so.
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { trainCommand } from '../../src/cli/train-command.js';
import { isMiaError } from '../../src/common/errors.js';
import type { ModelManifest } from '../../src/ml/model-manifest.js';
import { mia } from '../journal/journal-harness.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';

const file = dataFile('cme-esh4-mbo/esh4-glbx-mdp3-20231225.mbo.dbn.zst');
const small = ['--horizon-bars', '5', '--target-ticks', '2', '--stop-ticks', '2', '--folds', '2', '--no-progress'];

/** Runs `mia train ARGS` in-process; returns stdout. */
async function train(args: string[]): Promise<string> {
  const program = new Command('mia').exitOverride();
  trainCommand(program);
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const errWrite = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => (lines.push(s), true)) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    await program.parseAsync(['node', 'mia', 'train', ...args]);
  } finally {
    process.stdout.write = write;
    process.stderr.write = errWrite;
  }
  return lines.join('');
}

const manifest = async (dir: string): Promise<ModelManifest> => JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as ModelManifest;

describe.skipIf(!HAVE_DATA)('mia train --from-journal on a backtest journal of the ESH4 hour (Databento)', () => {
  let dir = '';
  let journal = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mia-train-journal-'));
    journal = join(dir, 'j.duckdb');
    const r = await mia(['backtest', '--input', file, '--out', join(dir, 'bt'), '--no-progress', '--journal', journal]);
    expect(r.code, r.stderr).toBe(0);
    // The tests run in a random order: the trainings several of them read are made here.
    await train(['--input', file, '--out', join(dir, 'file'), ...small]);
    await train(['--from-journal', journal, '--out', join(dir, 'journal'), ...small]);
  }, 120_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('gives the samples and the models of mia train --input on the same trades', async () => {
    const a = await manifest(join(dir, 'file'));
    const b = await manifest(join(dir, 'journal'));
    // 60 bars, one sample per close with a lean and a full horizon (train-command.test.ts has the same bounds).
    expect(b.training.samples).toBeGreaterThanOrEqual(25);
    expect(b.training.dataSha256).toBe(a.training.dataSha256);
    expect(b.models.map((m) => m.sha256)).toEqual(a.models.map((m) => m.sha256));
    // A journal changes as it is written: no input hash; the time is the journal's last bar.
    expect(b.training.inputSha256).toBeUndefined();
    expect(b.createdAt).toBe('2023-12-25T23:59:00.000Z');
  }, 60_000);

  test('--window keeps the most recent market time only', async () => {
    await train(['--from-journal', journal, '--out', join(dir, 'window'), '--window', '30m', ...small.slice(0, 6), '--folds', '1', '--no-progress']);
    const all = await manifest(join(dir, 'journal'));
    const recent = await manifest(join(dir, 'window'));
    // One sample per minute at most: 30 minutes plus the bar at the cut, less those without a full 5-bar horizon.
    expect(recent.training.samples).toBeLessThanOrEqual(31);
    expect(recent.training.samples).toBeLessThan(all.training.samples);
  }, 60_000);

  test('--challenge against the models of the same samples refuses the challenger, writes the verdict and exits with CHALLENGER_LOST', async () => {
    const out = join(dir, 'challenger');
    const err = await train(['--from-journal', journal, '--out', out, '--challenge', join(dir, 'journal'), ...small]).then(() => null, (e: unknown) => e);
    expect(isMiaError(err) && err.code).toBe('MIA_ERR_CHALLENGER_LOST');
    const m = await manifest(out);
    const v = m.challenge!;
    expect(v.approved).toBe(false);
    expect(v.metric).toBe('logLoss');
    // The champion was fitted on every sample, the block included (sawBlock): in-sample, it forecasts the block at
    // least as well as the challenger fitted before it, so the gate keeps it.
    expect(v.champion!.sawBlock).toBe(true);
    expect(v.champion!.logLoss).toBeLessThanOrEqual(v.challenger.logLoss);
    expect(v.champion!.hashes).toEqual((await manifest(join(dir, 'journal'))).models.map((x) => x.sha256));
    expect(v.block.testEnd).toBe(m.training.samples);
    expect(Date.parse(v.block.from!)).toBeGreaterThanOrEqual(Date.parse('2023-12-25T23:00:00Z'));
    expect(Date.parse(v.block.to!)).toBeLessThan(Date.parse('2023-12-26T00:00:00Z'));
  }, 60_000);

  test('a second session over the same market time counts once', async () => {
    const twice = join(dir, 'twice.duckdb');
    await copyFile(journal, twice);
    const r = await mia(['backtest', '--input', file, '--out', join(dir, 'bt2'), '--no-progress', '--journal', twice]);
    expect(r.code, r.stderr).toBe(0);
    await train(['--from-journal', twice, '--out', join(dir, 'twice'), ...small]);
    expect((await manifest(join(dir, 'twice'))).training.dataSha256).toBe((await manifest(join(dir, 'journal'))).training.dataSha256);
  }, 60_000);

  test('refuses both --input and --from-journal, and neither', async () => {
    for (const args of [['--input', file, '--from-journal', journal], []]) {
      const err = await train([...args, '--out', join(dir, 'x'), ...small]).then(() => null, (e: unknown) => e);
      expect(isMiaError(err) && err.code).toBe('MIA_ERR_BAD_ARGUMENT');
    }
  });
});
