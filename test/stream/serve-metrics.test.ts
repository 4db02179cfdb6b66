// `mia serve` end to end: /metrics parses with the strict text-format parser and its counters are /health's;
// the data-quality score agrees across /metrics, /health and the snapshots, on a file with reported sides and on
// the same trades with their sides removed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import type { SnapshotMessage, StatusMessage } from '../../src/protocol/messages.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';
import { parsePrometheusText, sampleValue, type PromFamily } from './prometheus-text.js';
import { connect, serve, until, type Served, type TestClient } from './serve-harness.js';

const running: Served[] = [];
const dir = mkdtempSync(join(tmpdir(), 'mia-metrics-'));

afterEach(async () => {
  for (const s of running.splice(0)) {
    if (s.proc.exitCode === null) s.proc.kill('SIGKILL');
    await s.exited;
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Health {
  status: StatusMessage;
  stages: Record<string, { count: number; p50: number; p99: number }>;
  server: { subscribers: { binary: number; json: number }; framesPublished: Record<string, number> };
  symbols: { symbol: string; trades: number; snapshots: number; bars: number; dataQuality: { score: number; cleanShare: number; knownSideShare: number } }[];
  decisions: { counts: { decisions: number; directional: number; mlApproved: number; riskApproved: number }; latencyUs: { count: number } };
  risk: { alert: string; balance: number; dailyPnl: number };
}

const get = async (port: number, path: string): Promise<Response> => fetch(`http://127.0.0.1:${port}${path}`);
const health = async (port: number): Promise<Health> => (await get(port, '/health')).json() as Promise<Health>;

/** Replays `file` at full speed to one binary subscriber and waits until the replay is finished. */
async function replayed(file: string, extra: string[] = []): Promise<{ s: Served; client: TestClient }> {
  const s = await serve(['--source', 'replay', '--input', file, '--speed', 'max', '--wait-subscribers', '1', ...extra]);
  running.push(s);
  const client = await connect(s.port, 'binary', ['snapshot.ES', 'bar.ES.1m', 'status']);
  await until(() => client.messages.some((m) => m.type === 'status' && (m as StatusMessage).sourceState === 'finished'));
  return { s, client };
}

/** /health, /metrics, /health: what only grows (status frames, every second) lies between the two healths. */
async function sandwich(port: number): Promise<{ h1: Health; m: Map<string, PromFamily>; h2: Health; type: string | null }> {
  const h1 = await health(port);
  const r = await get(port, '/metrics');
  expect(r.status).toBe(200);
  const m = parsePrometheusText(await r.text());
  const h2 = await health(port);
  return { h1, m, h2, type: r.headers.get('content-type') };
}

const lastSnapshot = (c: TestClient): SnapshotMessage => c.messages.filter((x): x is SnapshotMessage => x.type === 'snapshot').at(-1)!;

describe.skipIf(!HAVE_DATA)('mia serve /metrics against /health (real ESH4 MBO file)', () => {
  test('trades, snapshots, bars, frames, subscribers, decisions, pool, latencies and data quality agree', async () => {
    const { s, client } = await replayed(dataFile('cme-esh4-mbo/esh4-glbx-mdp3-20231225.mbo.dbn.zst'));
    const { h1, m, h2, type } = await sandwich(s.port);
    const v = (name: string, labels: Record<string, string> = {}): number | undefined => sampleValue(m, name, labels);
    expect(type).toBe('text/plain; version=0.0.4; charset=utf-8');

    // Market data: the ESH4 hour has 2,973 trades (Databento's totals).
    expect(v('mia_trades_ingested_total', { symbol: 'ES' })).toBe(2973);
    expect(h1.symbols.map((x) => [x.symbol, x.trades])).toEqual([['ES', 2973]]);
    expect(h1.status.tradesTotal).toBe(2973);
    expect(v('mia_snapshots_total', { symbol: 'ES' })).toBe(h1.status.snapshotsTotal);
    expect(v('mia_bars_closed_total', { symbol: 'ES' })).toBe(h1.status.barsTotal);
    expect(v('mia_pool_tasks_total')).toBe(h1.status.poolTasks);
    expect(v('mia_engine_errors_total')).toBe(0);

    // Delivery: one binary subscriber; every snapshot and 1m bar frame it received was counted as published.
    expect(v('mia_subscribers', { format: 'binary' })).toBe(1);
    expect(h1.server.subscribers).toEqual({ binary: 1, json: 0 });
    expect(h1.status.subscribers).toBe(1);
    const snaps = client.messages.filter((x) => x.type === 'snapshot').length;
    expect(v('mia_frames_published_total', { kind: 'snapshot' })).toBe(snaps);
    expect(h1.server.framesPublished['snapshot']).toBe(snaps);
    expect(v('mia_frames_published_total', { kind: 'bar' })).toBe(h1.server.framesPublished['bar']);
    expect(v('mia_frames_published_total', { kind: 'signal' })).toBe(h1.server.framesPublished['signal']);
    for (const kind of ['status', 'risk']) {
      expect(v('mia_frames_published_total', { kind })).toBeGreaterThanOrEqual(h1.server.framesPublished[kind]!);
      expect(v('mia_frames_published_total', { kind })).toBeLessThanOrEqual(h2.server.framesPublished[kind]!);
    }
    expect(v('mia_frames_conflated_total')).toBe(h1.status.framesConflated);
    expect(v('mia_subscribers_closed_slow_total')).toBe(h1.status.closedSlow);

    // Decisions, by verdict as /health counts them.
    expect(v('mia_decisions_total')).toBe(h1.decisions.counts.decisions);
    expect(h1.decisions.counts.decisions).toBeGreaterThan(60);
    expect(v('mia_decisions_directional_total')).toBe(h1.decisions.counts.directional);
    expect(v('mia_risk_verdicts_total', { verdict: 'approved', reason: '' })).toBe(h1.decisions.counts.riskApproved);
    expect(v('mia_decision_latency_seconds_count')).toBe(h1.decisions.latencyUs.count);
    expect(v('mia_risk_balance_usd')).toBe(h1.risk.balance);
    expect(v('mia_risk_alert_level')).toBe(['INFO', 'WARNING', 'CRITICAL', 'CATASTROPHE'].indexOf(h1.risk.alert));

    // Stage latencies: fewer samples than the window holds, so the summary's count is /health's, and its median too.
    for (const [stage, key] of [['tape_committed', 'tapeCommitted'], ['kernels_done', 'kernelsDone'], ['frame_built', 'frameBuilt'], ['published', 'published']] as const) {
      expect(v('mia_stage_latency_seconds_count', { stage }), stage).toBe(h1.stages[key]!.count);
      expect(v('mia_stage_latency_seconds', { stage, quantile: '0.5' })! * 1e6, stage).toBeCloseTo(h1.stages[key]!.p50, 6);
      expect(v('mia_stage_latency_seconds', { stage, quantile: '0.99' })! * 1e6, stage).toBeCloseTo(h1.stages[key]!.p99, 6);
    }

    // Data quality: sides reported, no Gap, Stale or Disconnected: 1 on /metrics, /health and the last snapshot.
    expect(h1.symbols[0]!.dataQuality).toMatchObject({ score: 1, cleanShare: 1, knownSideShare: 1 });
    expect(v('mia_data_quality_ratio', { symbol: 'ES' })).toBe(1);
    expect(lastSnapshot(client).dataQuality).toBe(1);
    expect(h2.status.tradesTotal).toBe(2973);
  });

  test('the same trades without sides: the score is the share of volume whose side was not inferred', async () => {
    // The ESH4 trades CSV with its aggressor_side column dropped: the engine infers every side (tick rule).
    const rows = readFileSync(dataFile('cme-esh4-mbo/esh4_20231225_trades.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    const keep = ['ts_event_ns', 'price', 'size'].map((c) => rows[0]!.indexOf(c));
    const file = join(dir, 'esh4_20231225_nosides.csv');
    writeFileSync(file, `${rows.map((r) => keep.map((i) => r[i]).join(',')).join('\n')}\n`);
    const { s, client } = await replayed(file, ['--symbols', 'ES']);
    const { h1, m } = await sandwich(s.port);
    const last = lastSnapshot(client);
    expect(last.quality).toContain('SidesInferred');
    // The whole hour is one Globex session inside the five-minute window: the known share is 1 − the session's
    // inferred share. Its value by hand: the file's first three trades (51 of its 9,892 lots) are at the opening
    // price, before any tick the tick rule can read, so they keep no side and are not inferred; every later one is.
    const inferred = last.frames[0]!.session.inferredShare;
    expect(1 - inferred).toBeCloseTo(51 / 9892, 12);
    expect(last.dataQuality).toBeCloseTo(1 - inferred, 12);
    expect(h1.symbols[0]!.dataQuality.cleanShare).toBe(1);
    expect(h1.symbols[0]!.dataQuality.knownSideShare).toBeCloseTo(1 - inferred, 12);
    expect(sampleValue(m, 'mia_data_quality_ratio', { symbol: 'ES' })).toBeCloseTo(1 - inferred, 12);
    expect(sampleValue(m, 'mia_data_quality_known_side_ratio', { symbol: 'ES' })).toBe(h1.symbols[0]!.dataQuality.knownSideShare);
  });
});
