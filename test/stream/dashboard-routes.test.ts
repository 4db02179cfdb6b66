// The dashboard's HTTP side, in process: a StreamServer on port 0 serving a dashboard folder made in a temp dir
// (never the repository's web/), beside the API routes it must not shadow.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { ErrorCode } from '../../src/common/errors.js';
import { StreamServer } from '../../src/stream/stream-server.js';

const log = pino({ level: 'silent' });
const servers: StreamServer[] = [];
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mia-web-'));
  const dist = join(dir, 'dist');
  mkdirSync(join(dist, 'icons'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>MIA</title><script src="app.js"></script>');
  writeFileSync(join(dist, 'app.js'), 'console.log("mia");\n//# sourceMappingURL=app.js.map\n');
  writeFileSync(join(dist, 'app.js.map'), '{"version":3,"sources":[],"mappings":""}');
  writeFileSync(join(dist, 'app.css'), 'body { margin: 0 }');
  writeFileSync(join(dist, 'LICENSES.txt'), 'lightweight-charts: Apache-2.0');
  writeFileSync(join(dist, 'icons', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dist, 'favicon.ico'), Buffer.from([0, 0, 1, 0]));
  // A file named like an API route is not served in its place.
  writeFileSync(join(dist, 'health'), 'not the health route');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function start(webRoot: string): Promise<string> {
  const s = new StreamServer({
    host: '127.0.0.1', port: 0, topics: new Set(['status', 'snapshot.ES', 'bar.ES.1m', 'bar.ES.5m']),
    softLimitBytes: 256 * 1024, hardLimitBytes: 4 * 1024 * 1024, maxMessageBytes: 4096, maxControlPerSec: 20,
    session: 'globex', webRoot,
  }, log);
  servers.push(s);
  return `http://127.0.0.1:${await s.listen()}`;
}

describe('dashboard files', () => {
  test('GET / is index.html as text/html; each built file with its content type, revalidated on every load', async () => {
    const at = await start(join(dir, 'dist'));
    const index = await fetch(`${at}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(await index.text()).toContain('<script src="app.js"></script>');

    const types: [string, string][] = [
      ['/index.html', 'text/html; charset=utf-8'],
      ['/app.js', 'text/javascript; charset=utf-8'],
      ['/app.js.map', 'application/json; charset=utf-8'],
      ['/app.css', 'text/css; charset=utf-8'],
      ['/LICENSES.txt', 'text/plain; charset=utf-8'],
      ['/icons/logo.svg', 'image/svg+xml'],
      ['/favicon.ico', 'image/x-icon'],
    ];
    for (const [path, type] of types) {
      const r = await fetch(at + path);
      expect([path, r.status, r.headers.get('content-type'), r.headers.get('cache-control')]).toEqual([path, 200, type, 'no-cache']);
    }
    expect(await (await fetch(`${at}/app.js`)).text()).toBe('console.log("mia");\n//# sourceMappingURL=app.js.map\n');
    expect(Buffer.from(await (await fetch(`${at}/favicon.ico`)).arrayBuffer())).toEqual(Buffer.from([0, 0, 1, 0]));
  });

  test('the API routes keep precedence and unknown paths keep the coded 404', async () => {
    const at = await start(join(dir, 'dist'));
    const health = await fetch(`${at}/health`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as { code: string }).code).toBe(ErrorCode.NOT_READY);
    const snap = await fetch(`${at}/snapshot/ES`);
    expect([snap.status, ((await snap.json()) as { code: string }).code]).toEqual([404, ErrorCode.NO_SNAPSHOT]);
    for (const path of ['/nope.js', '/icons/', '/icons/nope.svg', '/app.js/x', '/.hidden']) {
      const r = await fetch(at + path);
      expect([path, r.status, ((await r.json()) as { code: string }).code]).toEqual([path, 404, ErrorCode.NOT_FOUND]);
    }
  });

  test('without a built dashboard, GET / is a coded 503 page saying how to build it; the rest of the server works', async () => {
    const at = await start(join(dir, 'not-built'));
    const r = await fetch(`${at}/`);
    expect(r.status).toBe(503);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = await r.text();
    expect(page).toContain(ErrorCode.DASHBOARD_NOT_BUILT);
    expect(page).toContain('npm run build:web');
    expect((await fetch(`${at}/app.js`)).status).toBe(404);
    expect((await fetch(`${at}/health`)).status).toBe(503);
    const bars = await fetch(`${at}/bars/ES/1m`);
    expect(bars.status).toBe(200);
  });
});

describe('GET /bars/<SYMBOL>/<TF>', () => {
  test('a published topic before its first bar: empty, no session yet; symbol case-insensitive', async () => {
    const at = await start(join(dir, 'dist'));
    const r = await fetch(`${at}/bars/es/5m`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(await r.json()).toEqual({ symbol: 'ES', timeframe: '5m', sessionStart: null, truncated: false, bars: [] });
  });

  test('an unknown symbol or timeframe, or a malformed path, is a coded 404', async () => {
    const at = await start(join(dir, 'dist'));
    for (const path of ['/bars/NQ/1m', '/bars/ES/7m', '/bars/ES/1h', '/bars/ES']) {
      const r = await fetch(at + path);
      const body = (await r.json()) as { code: string };
      expect([path, r.status, body.code]).toEqual([path, 404, path === '/bars/ES' ? ErrorCode.NOT_FOUND : ErrorCode.NO_BARS]);
    }
  });
});
