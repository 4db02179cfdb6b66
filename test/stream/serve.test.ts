// `mia serve` end to end: a real server process, real `ws` clients on loopback (port 0).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import type { BarMessage, DecisionMessage, SnapshotMessage, StatusMessage } from '../../src/protocol/messages.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';
import { connect, serve, until, type Served } from './serve-harness.js';

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

const bars = (c: { messages: unknown[] }): BarMessage[] => c.messages.filter((m): m is BarMessage => (m as BarMessage).type === 'bar');
const snapshots = (c: { messages: unknown[] }): SnapshotMessage[] => c.messages.filter((m): m is SnapshotMessage => (m as SnapshotMessage).type === 'snapshot');

describe.skipIf(!HAVE_DATA)('mia serve --source replay (real ESH4 MBO file)', () => {
  const file = dataFile('cme-esh4-mbo/esh4-glbx-mdp3-20231225.mbo.dbn.zst');

  test.each(['pool', 'inline'])('kernels %s: closed 1m bars equal mia features; snapshots show them; binary and JSON frames carry the same content', async (kernels) => {
    expect(existsSync(file)).toBe(true);
    const s = await start(['--source', 'replay', '--input', file, '--speed', 'max', '--wait-subscribers', '2', '--exit-on-end', '--kernels', kernels]);
    // Published under the contract root: the file's raw symbol is ESH4, bots and /snapshot ask for ES.
    const topics = ['bar.ES.1m', 'snapshot.ES'];
    const bin = await connect(s.port, 'binary', topics);
    const json = await connect(s.port, 'json', topics);
    expect(await s.exited).toBe(0);
    await Promise.all([bin.closed, json.closed]);

    const reference = execFileSync(process.execPath, ['bin/mia.js', 'features', '--input', file, '--timeframe', '1m', '--footprint'], { cwd: root })
      .toString().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(reference.length).toBe(60);
    expect(bars(json).map((b) => b.bar)).toEqual(reference);
    expect(bars(json).every((b) => b.symbol === 'ES' && b.topic === 'bar.ES.1m')).toBe(true);

    // Same frames in both formats: the JSON frame is the decoded binary frame, field for field.
    expect(json.messages.length).toBe(bin.messages.length);
    expect(json.messages).toEqual(bin.messages);

    // Every bar close has its snapshot, whose last closed 1m bar is that bar (snapshot bars carry no nodes or levels).
    const snaps = snapshots(json);
    expect(snaps.map((m) => m.sequence)).toEqual(snaps.map((_, i) => i + 1));
    const shown = snaps.map((m) => m.frames.find((f) => f.timeframe === '1m')!.lastClosed).filter((b) => b !== null);
    const closedTs = [...new Set(shown.map((b) => b.ts))];
    expect(closedTs).toEqual(reference.map((b) => b.ts));
    const last = shown.at(-1)!;
    const { hvn: _h, lvn: _l, levels: _v, ...expected } = reference.at(-1)!;
    expect(last).toEqual(expected);
    const final = snaps.at(-1)!;
    expect(final.tradesTotal).toBe(2973);
    expect(final.quality).toContain('Replay');
    expect(final.frames.map((f) => f.timeframe)).toEqual(['1m', '5m', '15m', '1h', '4h']);
  });

  test('the README replay: held until the bot subscribes to ES, the whole hour reaches it, /snapshot/ES shows the end', async () => {
    const s = await start(['--source', 'replay', '--input', file, '--speed', 'max', '--wait-subscribers', '1']);
    // The example bot's topics (src/client/example-bot.ts), subscribed well after the server started.
    await new Promise((r) => setTimeout(r, 300));
    const bot = await connect(s.port, 'binary', ['snapshot.ES', 'bar.ES.1m', 'status']);
    await until(() => bot.messages.some((m) => m.type === 'status' && (m as StatusMessage).sourceState === 'finished'));
    // Databento's ESH4 hour: 60 one-minute bars (test/cli.test.ts), all of them delivered to a late subscriber.
    expect(bars(bot).length).toBe(60);
    const snap = await (await fetch(`http://127.0.0.1:${s.port}/snapshot/ES`)).json() as SnapshotMessage;
    expect(snap.symbol).toBe('ES');
    expect(snap.tradesTotal).toBe(2973);
    // The decision on that last snapshot comes with it (decisions are on by default, one per snapshot).
    const decision = (snap as SnapshotMessage & { decision?: DecisionMessage }).decision;
    expect([decision?.type, decision?.symbol, decision?.sequence]).toEqual(['signal', 'ES', snap.sequence]);
    s.proc.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });
});

describe('mia serve on the simulator', () => {
  test('malformed and unknown control messages get coded error frames and the connection stays open', async () => {
    const s = await start(['--symbols', 'ES', '--speed', '20']);
    const c = await connect(s.port, 'json', []);
    for (const m of ['{not json', '[]', '{"op":"delete"}', '{"op":"subscribe","topics":"snapshot.ES"}']) c.ws.send(m);
    c.ws.send(Buffer.from([1, 2, 3]));
    c.ws.send(JSON.stringify({ op: 'subscribe', topics: ['snapshot.ES', 'snapshot.ZZ', 'bar.ES.7m'] }));
    c.ws.send(JSON.stringify({ op: 'ping' }));
    await until(() => c.replies.some((r) => r.type === 'pong'));
    expect(c.replies.filter((r) => r.type === 'error').map((r) => r.code)).toEqual([
      'MIA_ERR_BAD_CONTROL', 'MIA_ERR_BAD_CONTROL', 'MIA_ERR_BAD_CONTROL', 'MIA_ERR_BAD_CONTROL', 'MIA_ERR_BAD_CONTROL', 'MIA_ERR_UNKNOWN_TOPIC',
    ]);
    expect(c.replies.find((r) => r.type === 'subscribed')!.topics).toEqual(['snapshot.ES']);
    await until(() => snapshots(c).length >= 2);
    expect(snapshots(c)[0]!.symbol).toBe('ES');
    const health = await (await fetch(`http://127.0.0.1:${s.port}/health`)).json() as { status: StatusMessage };
    expect(health.status.controlErrors).toBe(6);
  });

  test('a control message over the size limit closes with 1009; a control flood closes with 1008', async () => {
    const s = await start(['--symbols', 'ES', '--max-message-bytes', '1024', '--max-control-per-sec', '5']);
    const big = await connect(s.port, 'binary', []);
    big.ws.send(JSON.stringify({ op: 'subscribe', topics: ['x'.repeat(2000)] }));
    expect((await big.closed).code).toBe(1009);
    const flood = await connect(s.port, 'binary', []);
    for (let i = 0; i < 10; i++) flood.ws.send('{"op":"ping"}');
    expect(await flood.closed).toEqual({ code: 1008, reason: 'control rate limit' });
    expect(flood.replies.filter((r) => r.type === 'pong').length).toBe(5);
    // The server is unharmed: a new client still subscribes and receives.
    const ok = await connect(s.port, 'binary', ['snapshot.ES']);
    await until(() => snapshots(ok).length >= 1);
  });

  test('a stalled subscriber is conflated, then closed with 4001, while a healthy one receives every snapshot', async () => {
    const s = await start(['--speed', '30', '--sim-rate', '3000', '--interval-ms', '1',
      '--soft-limit-bytes', '65536', '--hard-limit-bytes', '1048576']);
    const topics = ['snapshot.ES', 'snapshot.NQ'];
    const stalled = await connect(s.port, 'binary', topics);
    await until(() => stalled.messages.length > 0);
    // Stop reading: the kernel's socket buffers fill, then the server's.
    const socket = (stalled.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    const healthy = await connect(s.port, 'binary', topics);
    let health: { status: StatusMessage } | undefined;
    await until(() => {
      void fetch(`http://127.0.0.1:${s.port}/health`).then(async (r) => (health = await r.json() as { status: StatusMessage }));
      return (health?.status.closedSlow ?? 0) >= 1;
    });
    expect(health!.status.framesConflated).toBeGreaterThan(0);
    // Reading again, the client finds the close frame behind the bytes it had left unread.
    socket.resume();
    expect(await stalled.closed).toEqual({ code: 4001, reason: 'slow consumer: backpressure limit' });
    await until(() => snapshots(healthy).length >= 200);
    for (const sym of ['ES', 'NQ']) {
      const seq = snapshots(healthy).filter((m) => m.symbol === sym).map((m) => m.sequence);
      expect(seq.length).toBeGreaterThan(50);
      expect(seq).toEqual(seq.map((_, i) => seq[0]! + i)); // no gap: every snapshot arrived
    }
  });

  test('the Micro E-minis: ES, NQ, MES and MNQ each stream snapshots on their own topic, on the 0.25 tick', async () => {
    const symbols = ['ES', 'NQ', 'MES', 'MNQ'];
    const s = await start(['--symbols', symbols.join(','), '--journal', 'off']);
    const c = await connect(s.port, 'binary', symbols.map((x) => `snapshot.${x}`));
    await until(() => symbols.every((x) => snapshots(c).some((m) => m.symbol === x)));
    for (const x of symbols) expect(snapshots(c).find((m) => m.symbol === x)!.tickSize, x).toBe(0.25);
  });

  test('SIGTERM: a final status, sockets closed with 1001, exit 0; /health and /snapshot answer before', async () => {
    const s = await start(['--symbols', 'ES,NQ']);
    const c = await connect(s.port, 'binary', ['status', 'snapshot.NQ']);
    await until(() => snapshots(c).length >= 1);
    const snap = await (await fetch(`http://127.0.0.1:${s.port}/snapshot/NQ`)).json() as SnapshotMessage;
    expect(snap.symbol).toBe('NQ');
    expect(snap.frames.length).toBe(5);
    const missing = await fetch(`http://127.0.0.1:${s.port}/snapshot/CL`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { code: string }).code).toBe('MIA_ERR_NO_SNAPSHOT');
    const health = await (await fetch(`http://127.0.0.1:${s.port}/health`)).json() as { status: StatusMessage; stages: { published: { count: number } } };
    expect(health.status.sourceState).toBe('running');
    expect(health.stages.published.count).toBeGreaterThan(0);
    s.proc.kill('SIGTERM');
    expect(await c.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    expect(await s.exited).toBe(0);
    const statuses = c.messages.filter((m): m is StatusMessage => m.type === 'status');
    expect(statuses.at(-1)).toMatchObject({ final: true, sourceState: 'stopped' });
  });
});
