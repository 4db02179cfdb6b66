// GET /bars/<SYMBOL>/<TF> on the real ESH4 hour: after the replay it is what `mia features --footprint` prints
// for the file, and a client that subscribes to the bar topic and then fetches /bars mid-replay has every bar once.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { ErrorCode } from '../../src/common/errors.js';
import type { BarsResponse } from '../../src/stream/bar-history.js';
import type { BarMessage, StatusMessage } from '../../src/protocol/messages.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';
import { connect, serve, until, type Served, type TestClient } from './serve-harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const running: Served[] = [];

afterEach(async () => {
  for (const s of running.splice(0)) {
    if (s.proc.exitCode === null) s.proc.kill('SIGKILL');
    await s.exited;
  }
});

async function start(args: string[]): Promise<Served> {
  const s = await serve(args);
  running.push(s);
  return s;
}

/** The reference: `mia features --timeframe TF --footprint` on the file, one bar a line. */
function features(file: string, tf: string): Record<string, unknown>[] {
  return execFileSync(process.execPath, ['bin/mia.js', 'features', '--input', file, '--timeframe', tf, '--footprint'], { cwd: root })
    .toString().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function getBars(port: number, path: string): Promise<{ status: number; body: BarsResponse & { code?: string } }> {
  const r = await fetch(`http://127.0.0.1:${port}/bars/${path}`);
  return { status: r.status, body: (await r.json()) as BarsResponse & { code?: string } };
}

const bars = (c: TestClient): BarMessage[] => c.messages.filter((m): m is BarMessage => m.type === 'bar');
const finished = (c: TestClient) => () => c.messages.some((m) => m.type === 'status' && (m as StatusMessage).sourceState === 'finished');

describe.skipIf(!HAVE_DATA)('GET /bars on the real ESH4 MBO hour', () => {
  const file = dataFile('cme-esh4-mbo/esh4-glbx-mdp3-20231225.mbo.dbn.zst');

  test('after the replay, /bars/ES/1m and /bars/ES/5m equal mia features --footprint line for line', async () => {
    const s = await start(['--source', 'replay', '--input', file, '--speed', 'max', '--wait-subscribers', '1']);
    const status = await connect(s.port, 'json', ['status']);
    await until(finished(status));
    for (const tf of ['1m', '5m']) {
      const reference = features(file, tf);
      expect(reference.length).toBe(tf === '1m' ? 60 : 12);
      const { status: code, body } = await getBars(s.port, `ES/${tf}`);
      expect(code).toBe(200);
      // The Globex session of 25 December 2023 opened at 17:00 Chicago (23:00 UTC), the file's first minute.
      expect({ ...body, bars: body.bars.length }).toEqual({ symbol: 'ES', timeframe: tf, sessionStart: '2023-12-25T23:00:00.000Z', truncated: false, bars: reference.length });
      expect(body.bars).toEqual(reference);
    }
    const unknown = [await getBars(s.port, 'NQ/1m'), await getBars(s.port, 'ES/30s'), await getBars(s.port, 'ESH4/1m')];
    expect(unknown.map((u) => [u.status, u.body.code])).toEqual(Array(3).fill([404, ErrorCode.NO_BARS]));
    s.proc.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });

  test('a client that subscribes to bar.ES.1m mid-replay, then fetches /bars, merges by ts to every bar once', async () => {
    // 600 file seconds a wall second: the hour takes about 6 s, a bar every 100 ms.
    const s = await start(['--source', 'replay', '--input', file, '--speed', '600', '--wait-subscribers', '1']);
    const pacer = await connect(s.port, 'json', ['status', 'bar.ES.1m']);
    await until(() => bars(pacer).length >= 15);
    // The dashboard's order (docs/stream.md "HTTP"): subscribe, wait for the acknowledgement, then fetch.
    const late = await connect(s.port, 'binary', ['bar.ES.1m']);
    await until(() => late.replies.some((r) => r.type === 'subscribed'));
    const fetched = await getBars(s.port, 'ES/1m');
    await until(finished(pacer));
    await until(() => bars(late).at(-1)?.bar.ts === bars(pacer).at(-1)?.bar.ts);

    const reference = features(file, '1m');
    const live = bars(late).map((m) => m.bar);
    // A real seam: /bars alone and the late subscription alone each miss bars.
    expect(fetched.body.bars.length).toBeGreaterThanOrEqual(15);
    expect(fetched.body.bars.length).toBeLessThan(reference.length);
    expect(live.length).toBeLessThan(reference.length);
    const merged = new Map<string, unknown>();
    for (const b of [...fetched.body.bars, ...live]) merged.set(b.ts, b);
    expect([...merged.values()]).toEqual(reference);
    // Overlap, if any, is the same bar both ways; no bar arrives twice on the stream itself.
    expect(new Set(live.map((b) => b.ts)).size).toBe(live.length);
    for (const b of fetched.body.bars) if (live.some((l) => l.ts === b.ts)) expect(live.find((l) => l.ts === b.ts)).toEqual(b);
    s.proc.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });
});
