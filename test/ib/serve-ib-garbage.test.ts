// Issue 14: a few bytes of garbage from the gateway froze `mia serve --source ib` for good (@stoqey/ib's
// decoder spun on a length prefix it read as negative; /health stopped answering, SIGTERM was ignored). End to
// end: the repo's TWS test-server script sends the garbage, the built CLI must keep answering, reconnect, and stop.
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, test } from 'vitest';
import type { SnapshotMessage } from '../../src/protocol/messages.js';
import { connect, freePort, killAll, serve, until, type Served } from '../stream/serve-harness.js';
import { startTwsScript } from './tws-script.js';

const children: ChildProcess[] = [];
const served: Served[] = [];

afterEach(() => killAll(served, children));


type Connection = { state: string; badFrames: number; reconnects: number };

/** GET /health, failing if it takes more than 2 s (a frozen event loop never answers). */
async function health(port: number): Promise<{ source: { connection: Connection } }> {
  const r = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) });
  return (await r.json()) as { source: { connection: Connection } };
}

describe('mia serve --source ib, a gateway sending garbage', () => {
  test('/health keeps answering, the connection is replaced, the session resumes, SIGTERM exits 0', async () => {
    const port = await freePort();
    const tws = await startTwsScript(port, { track: children });
    const s = await serve(['--source', 'ib', '--ib-port', String(port), '--ib-client-id', '5', '--symbols', 'ES', '--interval-ms', '50', '--journal', 'off', '--signals', 'off']);
    served.push(s);
    const c = await connect(s.port, 'json', ['snapshot.ES']);
    const live = (from: number): boolean => {
      const later = c.messages.slice(from).filter((m): m is SnapshotMessage => m.type === 'snapshot' && !m.quality.includes('Disconnected') && !m.quality.includes('Gap'));
      return later.length >= 2 && later.at(-1)!.tradesTotal > later[0]!.tradesTotal;
    };
    await until(() => live(0));

    tws.stdin!.write('garbage badlength 16\n');
    // Every probe must answer within its 2 s: the engine's thread is never held by the decoder.
    let h = await health(s.port);
    for (let k = 0; k < 40 && !(h.source.connection.badFrames >= 1 && h.source.connection.reconnects >= 1 && h.source.connection.state === 'connected'); k++) {
      await new Promise((r) => setTimeout(r, 100));
      h = await health(s.port);
    }
    expect(h.source.connection).toMatchObject({ badFrames: 1, reconnects: 1, state: 'connected' });
    // The real session resumes: live trades again, no Disconnected flag.
    const before = c.messages.length;
    await until(() => live(before));

    s.proc.kill('SIGTERM');
    const code = await Promise.race([s.exited, new Promise((r) => setTimeout(() => r('still running'), 15_000))]);
    expect(code).toBe(0);
  }, 60_000);
});
