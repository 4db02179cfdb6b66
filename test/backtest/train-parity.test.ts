// One pipeline for training and scoring: the feature rows `mia train` labels for the real ESH4 file (Databento)
// are, value for value, the rows the decision pipeline of `mia backtest` scores at the same bar closes; and
// models whose features were computed with other settings are refused by serve and backtest, naming them.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ReplaySource } from '../../src/adapters/replay/replay-source.js';
import { runBacktest } from '../../src/backtest/backtest-runner.js';
import { replayTrainingRows } from '../../src/backtest/training-replay.js';
import { TrainingRows } from '../../src/backtest/training-rows.js';
import type { FeatureRow } from '../../src/engine/decision-pipeline.js';
import { DEFAULT_BATTLE_NAVALE_CONFIG } from '../../src/signals/battle-navale.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';

const file = dataFile('cme-esh4-mbo/esh4_20231225_trades.csv');

function mia(...args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/mia.js', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stderr: r.stderr };
}

describe.skipIf(!HAVE_DATA)('training and scoring share one pipeline (ESH4 trades, Databento)', () => {
  test('the rows train labels equal the rows the backtest scores at the same 1m closes', async () => {
    const rows = new TrainingRows('1m');
    await replayTrainingRows(await ReplaySource.open(file, { speed: 'max', tickSize: 0.25 }), 0.25, rows, () => undefined);
    const trained = rows.keptRows();

    // The backtest: every decision's row through its tap, and each row its ML filter was asked to score, by the
    // sequence of the snapshot decided on.
    const tapped = new Map<bigint, Float32Array>();
    const scored: Array<{ sequence: bigint; row: number[] }> = [];
    let last = -1n;
    const tap = (r: FeatureRow): void => {
      last = r.sequence;
      tapped.set(last, Float32Array.from(r.row));
    };
    const bn = DEFAULT_BATTLE_NAVALE_CONFIG;
    await runBacktest({
      input: file, startingBalance: 25_000, winProbability: 0.5, taps: [tap],
      // Low thresholds, so that many decisions are long or short and get scored (thresholds do not change rows).
      signals: { battleNavale: { ...bn, longThreshold: 0.1, shortThreshold: -0.1, minConfidence: 0.5 } },
      scorer: {
        score: (f) => {
          scored.push({ sequence: last, row: [...f] });
          return { scores: [0.5, 0.5, 0.5], mean: 0.5, approved: false, hashes: ['a', 'b', 'c'] };
        },
      },
    });

    // The one-hour file: 60 one-minute bars, a training row at most closes (a score of exactly 0 gives none),
    // each taken on the snapshot right after its close: the backtest decided on the same snapshots.
    expect(trained.length).toBeGreaterThanOrEqual(40);
    for (const t of trained) expect(tapped.get(t.sequence), `close ${new Date(t.closedMs).toISOString()}`).toEqual(t.row);
    const bySequence = new Map(trained.map((t) => [t.sequence, [...t.row]]));
    const compared = scored.filter((s) => bySequence.has(s.sequence));
    expect(compared.length).toBeGreaterThanOrEqual(10);
    for (const s of compared) expect(s.row, `snapshot ${s.sequence}`).toEqual(bySequence.get(s.sequence));
  }, 60_000);

  test('models trained on other feature settings are refused by serve and backtest with MIA_ERR_MODEL_MISMATCH, naming each', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mia-meaning-'));
    const models = join(dir, 'models');
    expect(mia('train', '--input', file, '--out', models, '--horizon-bars', '5', '--target-ticks', '2', '--stop-ticks', '2', '--folds', '2', '--no-progress').status).toBe(0);
    const serve = mia('serve', '--port', '0', '--source', 'replay', '--input', file, '--models', models, '--session', 'rth', '--no-footprint', '--exit-on-end');
    expect(serve.status).toBe(1);
    const line = serve.stderr.trim().split('\n').at(-1)!;
    expect(line).toMatch(/\(MIA_ERR_MODEL_MISMATCH\)$/);
    expect(line).toContain('features.session: model "globex", this run "rth"');
    expect(line).toContain('features.footprint: model true, this run false');
    // The same models with the settings they were trained with serve (and exit at the end of the file).
    expect(mia('serve', '--port', '0', '--source', 'replay', '--input', file, '--models', models, '--exit-on-end').status).toBe(0);

    // A backtest has no feature flags: models recorded as trained on the RTH session do not fit it.
    const rth = join(dir, 'rth-models');
    cpSync(models, rth, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(rth, 'manifest.json'), 'utf8')) as { featureMeaning: { features: { session: string } } };
    manifest.featureMeaning.features.session = 'rth';
    writeFileSync(join(rth, 'manifest.json'), JSON.stringify(manifest));
    const bt = mia('backtest', '--input', file, '--out', join(dir, 'bt'), '--models', rth, '--no-progress');
    expect(bt.status).toBe(1);
    expect(bt.stderr.trim().split('\n').at(-1)).toMatch(/features\.session: model "rth", this run "globex".*\(MIA_ERR_MODEL_MISMATCH\)$/);
  }, 120_000);
});
