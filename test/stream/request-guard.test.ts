// The stream closed to strangers (issue 14): Host checked against DNS rebinding, Origin against other sites'
// pages, on every HTTP route and on the WebSocket upgrade. An in-process StreamServer on port 0.
import { afterEach, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { ErrorCode } from '../../src/common/errors.js';
import { get, startServer, stopServers, upgrade } from './in-process-server.js';

afterEach(stopServers);


/** Opens /stream on `port` with the headers given. */
const upgradeStream = (port: number, headers: Record<string, string>): Promise<number | 'open'> => upgrade(`ws://127.0.0.1:${port}/stream`, headers);

const code = (body: string): string => (JSON.parse(body) as { code: string }).code;

describe('Host check (DNS rebinding)', () => {
  test('/health asked under a foreign name is 403 FORBIDDEN_HOST; IP literals, localhost and --allow-host pass', async () => {
    const { port } = await startServer({ allowHosts: ['mia.lan'] });
    const rebound = await get(port, '/health', { host: `attacker.example:${port}` });
    expect([rebound.status, code(rebound.body)]).toEqual([403, ErrorCode.FORBIDDEN_HOST]);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`, `192.168.1.20:${port}`, `mia.lan:${port}`, 'mia.lan']) {
      expect((await get(port, '/health', { host })).status, host).toBe(200);
    }
    for (const path of ['/metrics', '/snapshot/ES', '/bars/ES/1m', '/', '/nope']) {
      const r = await get(port, path, { host: 'attacker.example' });
      expect([path, r.status, code(r.body)]).toEqual([path, 403, ErrorCode.FORBIDDEN_HOST]);
    }
    expect(await upgradeStream(port, { host: `attacker.example:${port}` })).toBe(403);
  });
});

describe('Origin check', () => {
  test('a page of another site cannot open the stream or read /health; the server\'s own page and clients without Origin can', async () => {
    const { port } = await startServer({ allowOrigins: ['http://trader.example:3000'] });
    expect(await upgradeStream(port, { origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStream(port, { origin: 'null' })).toBe(403);
    expect(await upgradeStream(port, { origin: `http://127.0.0.1:${port + 1}` })).toBe(403);
    const read = await get(port, '/health', { origin: 'https://evil.example' });
    expect([read.status, code(read.body)]).toEqual([403, ErrorCode.FORBIDDEN_ORIGIN]);
    // The dashboard served at / (its origin is the host and port the request went to), bots, the allowed origin.
    expect(await upgradeStream(port, { origin: `http://127.0.0.1:${port}` })).toBe('open');
    expect(await upgradeStream(port, { origin: `http://localhost:${port}`, host: `localhost:${port}` })).toBe('open');
    expect(await upgradeStream(port, {})).toBe('open');
    expect(await upgradeStream(port, { origin: 'http://trader.example:3000' })).toBe('open');
    const health = JSON.parse((await get(port, '/health', {})).body) as { server: { refused: { host: number; origin: number; unauthorized: number } } };
    expect(health.server.refused).toEqual({ host: 0, origin: 4, unauthorized: 0, connections: 0, format: 0 });
  });
});

describe('stream format', () => {
  // Found by the HTTP fuzz (issue 14): this refusal was a plain-text 400, neither coded nor counted.
  test('an upgrade asking a format other than binary or json is 400 MIA_ERR_BAD_STREAM_FORMAT, counted; json and binary open', async () => {
    const { port } = await startServer();
    const ws = (query: string): Promise<{ status: number | 'open'; body: string }> => new Promise((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}/stream${query}`);
      socket.once('open', () => {
        socket.close();
        resolve({ status: 'open', body: '' });
      });
      socket.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      socket.on('error', () => undefined);
    });
    for (const format of ['xml', 'JSON', '%00']) {
      const r = await ws(`?format=${format}`);
      expect([format, r.status, code(r.body)]).toEqual([format, 400, ErrorCode.BAD_STREAM_FORMAT]);
    }
    expect((await ws('?format=json')).status).toBe('open');
    expect((await ws('?format=binary')).status).toBe('open');
    const health = JSON.parse((await get(port, '/health', {})).body) as { server: { refused: { format: number } } };
    expect(health.server.refused.format).toBe(3);
  });
});
