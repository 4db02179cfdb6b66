// `mia serve --models` with neural models, end to end on the real ES trades (Databento, through MIA_DATA_DIR):
// trained by `mia train --neural` on the same file, where they stay off (58 samples); turned on here by setting
// the manifest's neuralEnabled, as docs/ml.md allows. Off, decisions carry no `nn`; on, every decision does.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { ModelEnsemble } from '../../src/ml/model-ensemble.js';
import type { ModelManifest } from '../../src/ml/model-manifest.js';
import type { DecisionMessage } from '../../src/protocol/messages.js';
import { featureRow } from '../../src/signals/features.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';
import { connect, serve, type Served } from './serve-harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const file = dataFile('cme-esh4-mbo/esh4_20231225_trades.csv');
const running: Served[] = [];

afterEach(async () => {
  for (const s of running.splice(0)) {
    if (s.proc.exitCode === null) s.proc.kill('SIGKILL');
    await s.exited;
  }
});

async function decisionsOf(models: string): Promise<DecisionMessage[]> {
  const s = await serve(['--source', 'replay', '--input', file, '--symbols', 'ESH4', '--speed', 'max', '--models', models, '--wait-subscribers', '1', '--exit-on-end']);
  running.push(s);
  const c = await connect(s.port, 'binary', ['signal.ESH4']);
  expect(await s.exited).toBe(0);
  await c.closed;
  return c.messages.filter((m): m is DecisionMessage => (m as DecisionMessage).type === 'signal');
}

describe.skipIf(!HAVE_DATA)('mia serve with neural models on the ESH4 trades (Databento)', () => {
  let dir: string;
  let models: string;
  let manifest: ModelManifest;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mia-serve-neural-'));
    models = join(dir, 'models');
    await promisify(execFile)(process.execPath, ['bin/mia.js', 'train', '--neural', '--input', file, '--out', models,
      '--horizon-bars', '5', '--target-ticks', '2', '--stop-ticks', '2', '--folds', '2', '--no-progress'], { cwd: root });
    manifest = JSON.parse(await readFile(join(models, 'manifest.json'), 'utf8')) as ModelManifest;
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('as trained (neuralEnabled false), no decision carries nn', async () => {
    expect(manifest.neuralEnabled).toBe(false);
    // Written back as trained: the tests run in shuffled order and the other one turns the models on.
    await writeFile(join(models, 'manifest.json'), JSON.stringify(manifest));
    const ds = await decisionsOf(models);
    expect(ds.length).toBeGreaterThan(50);
    for (const d of ds) expect(d.nn).toBeUndefined();
  }, 120_000);

  test('enabled, every decision carries the MLPs\' outputs on its row, and the LSTM\'s from the first closed bar on', async () => {
    await writeFile(join(models, 'manifest.json'), JSON.stringify({ ...manifest, neuralEnabled: true }));
    const ds = await decisionsOf(models);
    expect(ds.length).toBeGreaterThan(50);
    const own = await ModelEnsemble.load(models);
    try {
      let seenDirection = false;
      let changes = 0;
      let last: number | null = null;
      for (const d of ds) {
        expect(d.nn?.enabled).toBe(true);
        // The MLPs read only the decision's row: the same directory loaded here gives the same outputs, to the
        // float32 the models compute in (the wire carries that float32 as a double, exactly).
        const mine = own.neural!.score('other', undefined, featureRow(d.features, manifest.missingFeatureValue));
        expect(d.nn!.volatility).toBe(mine.volatility);
        expect(d.nn!.regime).toBe(mine.regime);
        // Unknown until the symbol's first closed 1m bar, then always known, changing only at closes.
        if (d.nn!.direction !== null) seenDirection = true;
        else expect(seenDirection).toBe(false);
        if (d.nn!.direction !== last) (changes++, (last = d.nn!.direction));
      }
      expect(seenDirection).toBe(true);
      // The file holds 60 one-minute bars: at most one LSTM output per close.
      expect(changes).toBeLessThanOrEqual(61);
      expect(changes).toBeLessThan(ds.length);
    } finally {
      own.close();
    }
  }, 120_000);
});
