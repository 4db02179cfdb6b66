// The optional bearer token (issue 14): with one configured, the stream and every data route need it; /health
// without it is liveness only; the IB account and gateway show only to a reader entitled to them.
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, test } from 'vitest';
import { ErrorCode } from '../../src/common/errors.js';
import { BearerAuth, isLoopback, REDACTED, redactSecrets } from '../../src/stream/bearer-auth.js';
import type { StreamServerOptions } from '../../src/stream/stream-server.js';
import { get, startServer, stopServers, upgrade } from './in-process-server.js';

const TOKEN = 'c2VjcmV0LXRva2VuLWZvci10ZXN0cw';
const IB = { connection: { state: 'connected', host: '10.0.0.5', port: 4002, clientId: 7, accounts: 'DU1234567', farms: { usfarm: 'ok' } } };

afterEach(stopServers);

/** A server whose /health names an IB gateway and account, to see who is shown them. */
async function start(o: Partial<StreamServerOptions> = {}): Promise<number> {
  return (await startServer(o, () => ({ status: { sourceDetail: IB } as never, stages: {}, source: IB }))).port;
}

/** GET `path` from `host` with its JSON body. */
async function getJson(host: string, port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await get(port, path, headers, host);
  return { status: r.status, json: JSON.parse(r.body) as Record<string, unknown> };
}

describe('bearer token', () => {
  test('with a token configured the stream and the data routes need it; bare /health is liveness only', async () => {
    const port = await start({ authToken: TOKEN });
    const ws = `ws://127.0.0.1:${port}/stream`;
    expect(await upgrade(ws)).toBe(401);
    expect(await upgrade(`${ws}?token=wrong-token-of-some-length`)).toBe(401);
    expect(await upgrade(ws, { authorization: `Bearer ${TOKEN}x` })).toBe(401);
    expect(await upgrade(`${ws}?token=${TOKEN}`)).toBe('open');
    expect(await upgrade(`${ws}?format=json&token=${TOKEN}`)).toBe('open');
    expect(await upgrade(ws, { authorization: `Bearer ${TOKEN}` })).toBe('open');
    for (const path of ['/snapshot/ES', '/bars/ES/1m', '/metrics']) {
      const r = await getJson('127.0.0.1', port, path);
      expect([path, r.status, r.json.code]).toEqual([path, 401, ErrorCode.UNAUTHORIZED]);
      expect((await getJson('127.0.0.1', port, path, { authorization: `Bearer ${TOKEN}` })).status, path).not.toBe(401);
    }
    expect(await getJson('127.0.0.1', port, '/health')).toEqual({ status: 200, json: { live: true } });
    const full = await getJson('127.0.0.1', port, `/health?token=${TOKEN}`);
    expect(full.json.source).toEqual(IB);
    expect((full.json.server as { refused: unknown }).refused).toEqual({ host: 0, origin: 0, unauthorized: 6, connections: 0, format: 0 });
  });

  // Needs an address of this machine other than loopback; every CI runner and this VM have one.
  const external = Object.values(networkInterfaces()).flat().find((i) => i?.family === 'IPv4' && !i.internal)?.address;
  test('without a token, the account and the gateway show to loopback peers only', async () => {
    expect(external).toBeDefined();
    const port = await start({ host: '0.0.0.0' });
    expect((await getJson('127.0.0.1', port, '/health')).json.source).toEqual(IB);
    const remote = await getJson(external!, port, '/health');
    const redacted = { connection: { state: 'connected', host: REDACTED, port: REDACTED, clientId: REDACTED, accounts: REDACTED, farms: { usfarm: 'ok' } } };
    expect(remote.json.source).toEqual(redacted);
    expect((remote.json.status as { sourceDetail: unknown }).sourceDetail).toEqual(redacted);
  });
});

describe('BearerAuth and redaction', () => {
  test('token compared whole, from the header or the query; no token configured: nobody carries one', () => {
    const a = new BearerAuth(TOKEN);
    expect([a.carries(`Bearer ${TOKEN}`, undefined), a.carries(`bearer ${TOKEN}`, undefined), a.carries('', TOKEN)]).toEqual([true, true, true]);
    expect([a.carries(`Bearer ${TOKEN.slice(0, -1)}`, undefined), a.carries('', ''), a.carries(`Basic ${TOKEN}`, undefined), a.carries('', `${TOKEN} `)]).toEqual([false, false, false, false]);
    expect(new BearerAuth(undefined).carries(`Bearer ${TOKEN}`, TOKEN)).toBe(false);
    expect(['127.0.0.1', '127.8.0.1', '::1', '::ffff:127.0.0.1', '10.0.0.1', '::ffff:10.0.0.1', '1.127.0.0'].map(isLoopback))
      .toEqual([true, true, true, true, false, false, false]);
    expect(redactSecrets([{ a: { host: 'h', port: null, x: [{ accounts: 'DU1' }] } }])).toEqual([{ a: { host: REDACTED, port: null, x: [{ accounts: REDACTED }] } }]);
  });
});
