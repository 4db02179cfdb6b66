// Replay equals live, provably: the running content hash of each symbol's published snapshots and closed bars.
// The real ESH4 trades (Databento) through `mia serve --source replay` on the backtest's schedule and through
// `mia backtest` give the same hash; a different schedule gives a different one; /health shows it too.
import { afterEach, describe, expect, test } from 'vitest';
import { runBacktest } from '../../src/backtest/backtest-runner.js';
import type { StatusMessage } from '../../src/protocol/messages.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';
import { connect, serve, until, type Served } from './serve-harness.js';

const running: Served[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) {
    if (s.proc.exitCode === null) s.proc.kill('SIGKILL');
    await s.exited;
  }
});

/** The final status of a replay of `file` served with `args`, and /health's status once the replay finished. */
async function served(file: string, args: string[], speed = 'max'): Promise<{ final: StatusMessage; health: StatusMessage }> {
  const s = await serve(['--source', 'replay', '--input', file, '--speed', speed, '--wait-subscribers', '1', ...args]);
  running.push(s);
  const c = await connect(s.port, 'binary', ['status']);
  const statuses = (): StatusMessage[] => c.messages.filter((m): m is StatusMessage => m.type === 'status');
  await until(() => statuses().some((m) => m.sourceState === 'finished'));
  const health = (await (await fetch(`http://127.0.0.1:${s.port}/health`)).json() as { status: StatusMessage }).status;
  s.proc.kill('SIGTERM');
  await c.closed;
  expect(await s.exited).toBe(0);
  return { final: statuses().at(-1)!, health };
}

describe.skipIf(!HAVE_DATA)('content hashes of the ESH4 replay (Databento)', () => {
  const file = dataFile('cme-esh4-mbo/esh4-glbx-mdp3-20231225.mbo.dbn.zst');

  test('mia serve on the backtest schedule and mia backtest publish the same content, hash for hash', async () => {
    const backtest = await runBacktest({ input: file, startingBalance: 25_000, winProbability: 0.5 });
    // The backtest's schedule: inline kernels, snapshots at bar closes only (no wall-clock interval or staleness).
    const live = await served(file, ['--kernels', 'inline', '--interval-ms', '1e12', '--stale-ms', '1e12']);
    expect(live.final.final).toBe(true);
    expect(live.final.contentHashes).toEqual([backtest.contentHash]);
    expect(live.health.contentHashes).toEqual(live.final.contentHashes);
    expect(backtest.contentHash).toMatchObject({ snapshots: backtest.snapshots, bars: backtest.bars });
    expect(backtest.contentHash.sha256).toMatch(/^[0-9a-f]{64}$/);
    // 60 one-minute bars and their 5m, 15m, 1h and 4h folds; a snapshot at each 1m close, the first and last trade.
    expect(backtest.contentHash.bars).toBe(78);
    expect(backtest.contentHash.snapshots).toBe(61);
  }, 60_000);

  test('the same file on the pool kernels gives the same hash; another snapshot schedule gives another', async () => {
    const backtest = await runBacktest({ input: file, startingBalance: 25_000, winProbability: 0.5 });
    const pool = await served(file, ['--kernels', 'pool', '--interval-ms', '1e12', '--stale-ms', '1e12']);
    expect(pool.final.contentHashes[0]!.sha256).toBe(backtest.contentHash.sha256);
    // Paced at 30 market minutes a wall second, with a snapshot every 10 ms: many snapshots between the closes.
    const dense = await served(file, ['--kernels', 'inline', '--interval-ms', '10', '--stale-ms', '1e12'], '1800');
    expect(dense.final.contentHashes[0]!.snapshots).toBeGreaterThan(backtest.contentHash.snapshots);
    expect(dense.final.contentHashes[0]!.sha256).not.toBe(backtest.contentHash.sha256);
  }, 60_000);
});
