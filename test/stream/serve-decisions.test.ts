// `mia serve` with the decision stage, end to end on the real ES trades (Databento, through MIA_DATA_DIR): a
// real server process, real `ws` clients, decisions on signal.ESH4 and the risk state on risk; with models
// trained by `mia train` on the same file (the small bracket the 60-minute file supports, test/ml).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { ModelEnsemble } from '../../src/ml/model-ensemble.js';
import type { ModelManifest } from '../../src/ml/model-manifest.js';
import { FEATURE_NAMES, featureRow } from '../../src/signals/features.js';
import type { DecisionMessage, RiskMessage, SnapshotMessage, StatusMessage } from '../../src/protocol/messages.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';
import { connect, serve, until, type Served } from './serve-harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const file = dataFile('cme-esh4-mbo/esh4_20231225_trades.csv');
const running: Served[] = [];

afterEach(async () => {
  for (const s of running.splice(0)) {
    if (s.proc.exitCode === null) s.proc.kill('SIGKILL');
    await s.exited;
  }
});

async function start(args: string[]): Promise<Served> {
  const s = await serve(['--source', 'replay', '--input', file, '--symbols', 'ESH4', '--speed', 'max', ...args]);
  running.push(s);
  return s;
}

const decisions = (c: { messages: unknown[] }): DecisionMessage[] => c.messages.filter((m): m is DecisionMessage => (m as DecisionMessage).type === 'signal');

describe.skipIf(!HAVE_DATA)('mia serve decisions on the ESH4 trades (Databento)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mia-serve-models-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('every snapshot has its decision on signal.ESH4 with every field; binary and JSON agree; /health shows decisions and risk', async () => {
    const s = await start(['--wait-subscribers', '2']);
    const topics = ['snapshot.ESH4', 'signal.ESH4', 'risk', 'status'];
    const bin = await connect(s.port, 'binary', topics);
    const json = await connect(s.port, 'json', topics);
    await until(() => bin.messages.some((m) => m.type === 'status' && m.sourceState === 'finished'));
    const health = await (await fetch(`http://127.0.0.1:${s.port}/health`)).json() as {
      decisions: { filter: { enabled: boolean; reason: string }; counts: { decisions: number; snapshots: number; scored: number }; latencyUs: { count: number; p50: number; p99: number } };
      risk: Omit<RiskMessage, 'type' | 'topic' | 'publishedUs'>;
      status: StatusMessage;
    };
    s.proc.kill('SIGTERM');
    await Promise.all([bin.closed, json.closed]);
    expect(await s.exited).toBe(0);

    expect(json.messages).toEqual(bin.messages);
    const snaps = bin.messages.filter((m): m is SnapshotMessage => m.type === 'snapshot');
    const ds = decisions(bin);
    expect(ds.length).toBeGreaterThan(50);
    // Without models decisions are synchronous: one per snapshot, same sequence and time.
    expect(ds.map((d) => [d.sequence, d.tsNs])).toEqual(snaps.map((m) => [m.sequence, m.tsNs]));
    for (const d of ds) {
      expect(d.topic).toBe('signal.ESH4');
      expect(d.symbol).toBe('ESH4');
      expect(Object.keys(d.features)).toEqual([...FEATURE_NAMES]);
      expect(['long', 'short', 'flat']).toContain(d.direction);
      expect(Math.abs(d.score)).toBeLessThanOrEqual(1);
      expect(d.ml).toEqual({ enabled: false, state: 'off', scores: [], mean: null, approved: false, hashes: [] });
      expect(d.risk.alert).toBe('INFO');
      expect(d.publishedUs).toBeGreaterThanOrEqual(d.snapshotPublishedUs);
      if (d.risk.evaluated) expect(d.direction).not.toBe('flat');
    }
    // The indicators warm up over the hour: the last decision has its regimes and expiry phase.
    const last = ds.at(-1)!;
    expect(last.features.time_factor).toBe(0.6); // Christmas 2023 is an exchange holiday: Globex hours only
    expect(last.regime.market).not.toBeNull();
    expect(last.expiry.factor).toBeGreaterThan(0);
    const risk = bin.messages.filter((m): m is RiskMessage => m.type === 'risk');
    expect(risk.length).toBeGreaterThanOrEqual(1);
    expect(risk.at(-1)).toMatchObject({ topic: 'risk', alert: 'INFO', halted: false, balance: 25_000, ordersEnabled: false, positions: [{ symbol: 'ESH4', qty: 0 }] });

    expect(health.decisions.filter.enabled).toBe(false);
    expect(health.decisions.filter.reason).toMatch(/no models directory/);
    expect(health.decisions.counts).toMatchObject({ decisions: ds.length, snapshots: ds.length, scored: 0 });
    expect(health.decisions.latencyUs.count).toBe(ds.length);
    expect(health.decisions.latencyUs.p99).toBeGreaterThanOrEqual(health.decisions.latencyUs.p50);
    expect(health.risk).toMatchObject({ alert: 'INFO', halted: false, dailyPnl: 0, consecutiveLosses: 0 });
  }, 60_000);

  test('with models from mia train, scored decisions carry the three ML scores and the manifest\'s model hashes', async () => {
    const models = join(dir, 'models');
    await promisify(execFile)(process.execPath, ['bin/mia.js', 'train', '--input', file, '--out', models,
      '--horizon-bars', '5', '--target-ticks', '2', '--stop-ticks', '2', '--folds', '2', '--no-progress'], { cwd: root });
    const manifest = JSON.parse(await readFile(join(models, 'manifest.json'), 'utf8')) as ModelManifest;
    const hashes = manifest.models.map((m) => m.sha256);

    const s = await start(['--models', models, '--wait-subscribers', '1', '--exit-on-end']);
    const c = await connect(s.port, 'binary', ['signal.ESH4']);
    expect(await s.exited).toBe(0);
    await c.closed;
    const ds = decisions(c);
    // Every snapshot has a decision, in order, each scored (scoring is synchronous: none is skipped).
    expect(ds.map((d) => d.sequence)).toEqual(ds.map((_, i) => i + 1));
    expect(ds.length).toBeGreaterThan(50);
    expect(ds.every((d) => d.ml.enabled && d.ml.state === 'scored')).toBe(true);
    // The scores are the models' own on the decision's features: the same directory loaded here agrees.
    const ensemble = await ModelEnsemble.load(models);
    try {
      for (const d of ds) {
        const own = ensemble.score(featureRow(d.features, manifest.missingFeatureValue));
        expect(d.ml.scores).toEqual(own.scores);
      }
    } finally {
      ensemble.close();
    }
    for (const d of ds) {
      expect(d.ml.hashes).toEqual(hashes);
      expect(d.ml.scores.length).toBe(3);
      for (const p of d.ml.scores) expect(p >= 0 && p <= 1).toBe(true);
      expect(d.ml.mean).toBeCloseTo((d.ml.scores[0]! + d.ml.scores[1]! + d.ml.scores[2]!) / 3, 6);
      expect(d.ml.approved).toBe(d.ml.mean! >= manifest.threshold);
      // Risk sees only what the filter approved.
      if (d.risk.evaluated) expect(d.ml.approved && d.direction !== 'flat').toBe(true);
    }
  }, 120_000);
});
