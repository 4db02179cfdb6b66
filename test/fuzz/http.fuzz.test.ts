// Fuzz of the HTTP surface (docs/hostile-input.md "WebSocket and HTTP"): generated requests (methods, paths,
// queries, Host, Origin and Authorization headers, raw bytes) written on raw TCP to an in-process StreamServer
// with a token. Every answer is a documented status with a coded JSON body (or the dashboard's page), or uWS's
// refusal of a malformed request; the server keeps answering /health. MIA_FUZZ_RUNS sets the number of cases.
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ErrorCode } from '../../src/common/errors.js';
import { startServer, stopServers } from '../stream/in-process-server.js';

const RUNS = Number(process.env.MIA_FUZZ_RUNS ?? 100);
const TOKEN = 'fuzz-token-0123456789abcdef';
let port = 0;

beforeAll(async () => {
  ({ port } = await startServer({
    topics: new Set(['status', 'snapshot.ES', 'bar.ES.1m']), softLimitBytes: 256 * 1024, hardLimitBytes: 4 * 1024 * 1024, authToken: TOKEN,
  }));
});

afterAll(stopServers);

/** Writes `raw` and resolves with what came back before the server closed, or 150 ms of silence (a request it still waits on). */
function exchange(raw: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let out = '';
    s.on('data', (d: Buffer) => (out += d.toString('latin1')));
    s.on('error', () => undefined);
    s.on('close', () => resolve(out));
    s.setTimeout(150, () => s.destroy());
    s.write(raw);
  });
}

const segment = fc.oneof({ arbitrary: fc.constantFrom('health', 'metrics', 'snapshot', 'bars', 'ES', '1m', 'stream', '..', '.', '%2e%2e', 'index.html', 'app.js', ''), weight: 4 }, fc.webSegment(), fc.string({ maxLength: 20 }));
const path = fc.array(segment, { maxLength: 5 }).map((p) => '/' + p.join('/'));
const query = fc.oneof(fc.constant(''), fc.webQueryParameters().map((q) => `?${q}`), fc.constant(`?token=${TOKEN}`), fc.constant('?format=json&token=x'));
const header = fc.oneof(
  fc.constantFrom(`Host: 127.0.0.1:1`, 'Host: attacker.example', 'Host: localhost', 'Host: [::1]:9', 'Host: ', 'Origin: https://evil.example',
    'Origin: null', `Authorization: Bearer ${TOKEN}`, 'Authorization: Bearer nope', 'Authorization: Basic x', 'Upgrade: websocket',
    'Connection: Upgrade', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Transfer-Encoding: chunked'),
  fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/), fc.stringMatching(/^[ -~]{0,60}$/)).map(([k, v]) => `X-${k}: ${v}`),
  { arbitrary: fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 60 })).map(([k, v]) => `${k}: ${v}`), weight: 1 },
);
const hostLine = fc.oneof(fc.constantFrom('Host: 127.0.0.1', 'Host: localhost:8080', 'Host: [::1]', 'Host: attacker.example:8080', 'Host: 10.1.2.3'), fc.webAuthority().map((a) => `Host: ${a}`));
const method = fc.oneof({ arbitrary: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'get'), weight: 6 }, fc.string({ maxLength: 10 }));
const request = fc.oneof(
  // uWS drops an HTTP/1.1 request without Host unanswered: every generated request names one, hostile or not.
  { arbitrary: fc.tuple(method, path, query, hostLine, fc.array(header, { maxLength: 6 })).map(([m, p, q, host, h]) => Buffer.from(`${m} ${p}${q} HTTP/1.1\r\n${host}\r\n${h.join('\r\n')}${h.length ? '\r\n' : ''}Connection: close\r\n\r\n`, 'latin1')), weight: 8 },
  { arbitrary: fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)), weight: 1 },
  { arbitrary: fc.integer({ min: 1, max: 64 }).map((k) => Buffer.from(`GET /health?${'a=b&'.repeat(k * 256)} HTTP/1.1\r\nX: ${'y'.repeat(k * 1024)}\r\n\r\n`)), weight: 1 },
);

/** Statuses the server answers with (docs/stream.md "HTTP", "Who may connect"), and uWS's refusals of malformed requests. */
const STATUSES = new Set([200, 400, 401, 403, 404, 405, 431, 503, 505]);
const CODES = new Set<string>(Object.values(ErrorCode));

describe('HTTP fuzz', () => {
  test(`${RUNS} generated requests: documented statuses and codes; the server keeps answering /health`, async () => {
    let answered = 0;
    await fc.assert(fc.asyncProperty(request, async (raw) => {
      const answer = await exchange(raw);
      if (answer === '') return;
      answered++; // uWS closed a malformed request without a word: nothing to misread.
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      expect(status, answer.slice(0, 200)).not.toBeNull();
      expect(STATUSES.has(Number(status![1])), answer.slice(0, 200)).toBe(true);
      const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
      if (/content-type: application\/json/i.test(answer) && body.startsWith('{"code"')) {
        expect(CODES.has((JSON.parse(body) as { code: string }).code)).toBe(true);
      }
      if (answer.startsWith('HTTP/1.1 5')) expect(answer).not.toMatch(/at .*\.ts:\d+/);
    }), { numRuns: RUNS });
    // Many generated requests are malformed enough for uWS to drop them or wait for more (about 70 %, not yet
    // broken down by cause); the rest must have been answered, so the property above was exercised.
    expect(answered).toBeGreaterThan(RUNS / 5);
    const health = await fetch(`http://127.0.0.1:${port}/health`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(health.status).toBe(200);
    expect(((await health.json()) as { server: { connections: number } }).server.connections).toBe(0);
  }, 120_000);
});
