// `mia serve` with models from `mia train` on the real ES trades (Databento, through MIA_DATA_DIR): the models
// carry their training bins, so every decision on signal.ESH4 carries the feature drift of its rolling window;
// the PSI published is recomputed here from the decisions' own features and the manifest's bins (the
// definition, independently of the engine's incremental counts). Every decision carries its order-flow patterns.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { binOf, populationStability } from '../../src/ml/feature-drift.js';
import type { ModelManifest } from '../../src/ml/model-manifest.js';
import type { DecisionMessage } from '../../src/protocol/messages.js';
import { FEATURE_NAMES, featureRow } from '../../src/signals/features.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';
import { connect, serve } from './serve-harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const file = dataFile('cme-esh4-mbo/esh4_20231225_trades.csv');
const WINDOW = 40;

describe.skipIf(!HAVE_DATA)('mia serve: feature drift and patterns on signal.ESH4', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mia-serve-drift-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('drift values on every decision, as the definition gives them from the window of features', async () => {
    const models = join(dir, 'models');
    await promisify(execFile)(process.execPath, ['bin/mia.js', 'train', '--input', file, '--out', models,
      '--horizon-bars', '5', '--target-ticks', '2', '--stop-ticks', '2', '--folds', '2', '--no-progress'], { cwd: root });
    const manifest = JSON.parse(await readFile(join(models, 'manifest.json'), 'utf8')) as ModelManifest;
    const ref = manifest.featureDrift!;
    expect(ref.features.map((f) => f.name)).toEqual([...FEATURE_NAMES]);

    const s = await serve(['--source', 'replay', '--input', file, '--symbols', 'ESH4', '--speed', 'max', '--models', models,
      '--drift-window', String(WINDOW), '--wait-subscribers', '1', '--exit-on-end']);
    try {
      const c = await connect(s.port, 'binary', ['signal.ESH4']);
      expect(await s.exited).toBe(0);
      await c.closed;
      const ds = c.messages.filter((m): m is DecisionMessage => (m as DecisionMessage).type === 'signal');
      expect(ds.length).toBeGreaterThan(WINDOW + 10);
      const rows = ds.map((d) => Array.from(featureRow(d.features, manifest.missingFeatureValue)));
      let flagged = 0;
      ds.forEach((d, i) => {
        expect(d.drift!.psi).toHaveLength(FEATURE_NAMES.length);
        expect(d.patterns).toBeDefined();
        if (i + 1 < WINDOW) {
          expect(d.drift).toEqual({ psi: new Array(FEATURE_NAMES.length).fill(null), psiMax: null, flagged: false });
          return;
        }
        const last = rows.slice(i + 1 - WINDOW, i + 1);
        const want = ref.features.map((f, j) => {
          const counts = new Array<number>(f.fractions.length).fill(0);
          for (const r of last) counts[binOf(f.edges, r[j]!)]!++;
          return populationStability(counts.map((k) => k / WINDOW), f.fractions, 1e-4);
        });
        // Tolerance: the engine bins the float32 row, this the float64 of the same float32 (equal), and sums
        // the same terms; 1e-9 covers the summation order only.
        for (let j = 0; j < want.length; j++) expect(Math.abs(d.drift!.psi[j]! - want[j]!)).toBeLessThan(1e-9);
        expect(d.drift!.psiMax).toBeCloseTo(Math.max(...want), 9);
        expect(d.drift!.flagged).toBe(Math.max(...want) >= 0.25);
        if (d.drift!.flagged) flagged++;
      });
      // An hour of one holiday session against training on that same hour: windows of 40 decisions are narrow
      // slices of it, so some are flagged, and the comparison above covered both verdicts.
      expect(flagged).toBeGreaterThan(0);
    } finally {
      if (s.proc.exitCode === null) s.proc.kill('SIGKILL');
      await s.exited;
    }
  }, 120_000);
});
