// `mia serve --source ib` end to end: the repo's TWS test-server script (scripts/tws-test-server.ts) on one
// side, the built CLI on the other, a WebSocket client reading what the engine streams.
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, test } from 'vitest';
import type { BarMessage, SnapshotMessage, StatusMessage } from '../../src/protocol/messages.js';
import { connect, freePort, killAll, serve, until, type Served } from '../stream/serve-harness.js';
import { startTwsScript } from './tws-script.js';

const children: ChildProcess[] = [];
const served: Served[] = [];

afterEach(() => killAll(served, children));


interface ServerTrade {
  symbol: string;
  sec: number;
  price: number;
  size: number;
}

/** Starts the test-server script; resolves once it listens, collecting the trades it prints. */
async function twsScript(port: number): Promise<{ trades: ServerTrade[]; proc: ChildProcess }> {
  const trades: ServerTrade[] = [];
  const proc = await startTwsScript(port, { track: children, onStdout: (l) => trades.push(JSON.parse(l) as ServerTrade) });
  return { trades, proc };
}

/** OHLC, volume and trade count per minute: the side-independent part of a 1m bar, from the server's trades. */
function minuteBars(trades: ServerTrade[], symbol: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const t of trades) {
    if (t.symbol !== symbol) continue;
    const ts = new Date(Math.floor(t.sec / 60) * 60_000).toISOString();
    const b = out.get(ts);
    if (!b) out.set(ts, [t.price, t.price, t.price, t.price, t.size, 1]);
    else {
      b[1] = Math.max(b[1]!, t.price);
      b[2] = Math.min(b[2]!, t.price);
      b[3] = t.price;
      b[4]! += t.size;
      b[5]!++;
    }
  }
  return out;
}

describe('mia serve --source ib (TWS test server)', () => {
  test('backfill and live ticks stream as bars and snapshots made of exactly the server\'s trades; a restart shows Disconnected, then clears', async () => {
    const port = await freePort();
    const { trades: sent, proc: tws } = await twsScript(port);
    const s = await serve(['--source', 'ib', '--ib-port', String(port), '--ib-client-id', '3', '--symbols', 'ES,NQ', '--interval-ms', '50']);
    served.push(s);
    const c = await connect(s.port, 'json', ['snapshot.ES', 'snapshot.NQ', 'bar.ES.1m', 'bar.NQ.1m', 'status']);
    const snaps = (sym: string): SnapshotMessage[] => c.messages.filter((m): m is SnapshotMessage => m.type === 'snapshot' && m.symbol === sym);
    const bars = (sym: string): BarMessage[] => c.messages.filter((m): m is BarMessage => m.type === 'bar' && m.symbol === sym);
    // Ten minutes of history close at least nine 1m bars per symbol; live trades keep snapshots coming.
    await until(() => bars('ES').length >= 9 && bars('NQ').length >= 9 && snaps('ES').length >= 3 && snaps('NQ').length >= 3);

    for (const sym of ['ES', 'NQ']) {
      const expected = minuteBars(sent, sym);
      for (const b of bars(sym)) {
        const { ts, open, high, low, close, volume, trades } = b.bar as Record<string, number> & { ts: string };
        expect([open, high, low, close, volume, trades], `${sym} ${ts}`).toEqual(expected.get(ts));
      }
      const last = snaps(sym).at(-1)!;
      expect(last.tradesTotal).toBeGreaterThan(0);
      expect(last.tradesTotal).toBeLessThanOrEqual(sent.filter((t) => t.symbol === sym).length);
      expect(last.quality).toContain('SidesInferred');
      expect(last.quality).not.toContain('Disconnected');
      const inProgress = last.frames.find((f) => f.timeframe === '1m')!.bar!;
      expect(inProgress.inferredShare).toBe(1); // IB reports no aggressor: every side is classified
    }
    await until(() => c.messages.some((m) => m.type === 'status'));
    const status = c.messages.filter((m): m is StatusMessage => m.type === 'status').at(-1)!;
    expect(status.source).toBe('ib');
    expect(status.sourceConnected).toBe(true);
    expect(status.sourceDetail).not.toBeNull();
    // SPX and NDX context prices (reqMktData last) ride along in the source detail, as in /health.
    const contextOf = (m: StatusMessage): Record<string, { price: number | null }> | undefined => m.sourceDetail?.context as Record<string, { price: number | null }> | undefined;
    await until(() => c.messages.some((m) => m.type === 'status' && (contextOf(m)?.SPX?.price ?? 0) > 0 && (contextOf(m)?.NDX?.price ?? 0) > 0));
    // Account and gateway details only with the token (issue 14): every subscriber's status has them redacted,
    // while /health shows them to this loopback reader (no token configured).
    const health = await (await fetch(`http://127.0.0.1:${s.port}/health`)).json() as { source: { connection: Record<string, unknown> } };
    expect(health.source.connection).toMatchObject({ host: '127.0.0.1', port, clientId: 3, accounts: 'DU1234567' });
    const statuses = c.messages.filter((m): m is StatusMessage => m.type === 'status');
    for (const m of statuses) {
      const text = JSON.stringify(m);
      expect(text).not.toContain('DU1234567');
      expect(text).not.toContain('127.0.0.1');
    }
    expect((status.sourceDetail!.connection as Record<string, unknown>)).toMatchObject({ host: 'redacted', port: 'redacted', clientId: 'redacted', accounts: 'redacted' });

    // A gateway restart: the engine says Disconnected at once (no trades needed), then recovers.
    const before = c.messages.length;
    tws.stdin!.write('refuse 2\ndrop\n');
    const after = (): SnapshotMessage[] => c.messages.slice(before).filter((m): m is SnapshotMessage => m.type === 'snapshot' && m.symbol === 'ES');
    await until(() => after().some((m) => m.quality.includes('Disconnected')));
    await until(() => {
      const a = after();
      const down = a.findIndex((m) => m.quality.includes('Disconnected'));
      return a.slice(down + 1).some((m) => !m.quality.includes('Disconnected') && !m.quality.includes('Gap'));
    });
    s.proc.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });
});
