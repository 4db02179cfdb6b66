// Fuzz of the HTTP surface (docs/hostile-input.md "WebSocket and HTTP"): generated requests (methods, paths,
// queries, Host, Origin and Authorization headers, raw bytes) written on raw TCP to an in-process StreamServer
// with a token, many connections at once. uws-request-model.ts says what uWS does with each: a request it parses
// must be answered with a documented status (a coded JSON body, or the dashboard's page); one it refuses is
// closed without a word; one it cannot parse yet (incomplete, or malformed in a way its parser cannot tell from
// incomplete) gets no answer while the server goes on answering a follow-up request on a new connection. Every
// refusal (4xx, 5xx) carries a catalogue code and is counted in /health. MIA_FUZZ_NET_RUNS (else MIA_FUZZ_RUNS) sets the number of cases.
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ErrorCode } from '../../src/common/errors.js';
import { startServer, stopServers } from '../stream/in-process-server.js';
import { parseAsUws, uwsOutcome, type UwsOutcome } from './uws-request-model.js';

const RUNS = Number(process.env.MIA_FUZZ_NET_RUNS ?? process.env.MIA_FUZZ_RUNS ?? 128);
/** Cases in flight at once, each on its own connection. */
const CONCURRENCY = 32;
/** Generous: the server answers in-process within milliseconds; only a hang comes near this. */
const ANSWER_BOUND_MS = 10_000;
const TOKEN = 'fuzz-token-0123456789abcdef';
let port = 0;

beforeAll(async () => {
  ({ port } = await startServer({
    topics: new Set(['status', 'snapshot.ES', 'bar.ES.1m']), softLimitBytes: 256 * 1024, hardLimitBytes: 4 * 1024 * 1024, authToken: TOKEN,
  }));
});

afterAll(stopServers);

/** What came back on one connection: the bytes, and whether the server closed it. */
interface Exchange {
  answer: string;
  closed: boolean;
}

/** Length of the first whole HTTP response in `text` (head and Content-Length body), or -1 while incomplete. */
function responseLength(text: string, head: boolean): number {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return -1;
  const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end));
  const total = end + 4 + (head || !length ? 0 : Number(length[1]));
  return text.length >= total ? total : -1;
}

/**
 * Writes `raw` on a new connection and resolves once the server closed it, a whole response came back (a
 * keep-alive connection), or `until` resolved (then the connection is still open and is closed here).
 */
function exchange(raw: Buffer, until: Promise<unknown> | undefined, head = false): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let answer = '';
    let done = false;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve({ answer, closed });
    };
    const timer = setTimeout(() => {
      done = true;
      s.destroy();
      reject(new Error(`no answer and no close within ${ANSWER_BOUND_MS} ms to ${JSON.stringify(raw.toString('latin1').slice(0, 300))}`));
    }, ANSWER_BOUND_MS);
    s.on('data', (d: Buffer) => {
      answer += d.toString('latin1');
      if (responseLength(answer, head) >= 0) finish(false);
    });
    s.on('error', () => undefined);
    s.on('close', () => finish(true));
    s.write(raw);
    void until?.then(() => setImmediate(() => finish(false)));
  });
}

/** GET /health with the token on a new connection: the server still answers. */
async function followUp(): Promise<void> {
  const { answer } = await exchange(Buffer.from(`GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\nConnection: close\r\n\r\n`), undefined);
  expect(answer, 'follow-up /health').toMatch(/^HTTP\/1\.1 200 /);
}

const segment = fc.oneof({ arbitrary: fc.constantFrom('health', 'metrics', 'snapshot', 'bars', 'ES', '1m', 'stream', '..', '.', '%2e%2e', 'index.html', 'app.js', ''), weight: 4 }, fc.webSegment(), fc.string({ maxLength: 20 }));
const path = fc.oneof({ weight: 4, arbitrary: fc.array(segment, { maxLength: 5 }).map((p) => '/' + p.join('/')) }, fc.constant('/stream'));
const query = fc.oneof(fc.constant(''), fc.webQueryParameters().map((q) => `?${q}`), fc.constant(`?token=${TOKEN}`), fc.constant('?format=json&token=x'),
  fc.constantFrom('json', 'binary', 'xml', '').map((f) => `?format=${f}&token=${TOKEN}`));
// Weighted so that about half the requests parse (uWS answers nothing else): a random name rarely does.
const header = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(`Host: 127.0.0.1:1`, 'Host: attacker.example', 'Host: localhost', 'Host: [::1]:9', 'Host: ', 'Origin: https://evil.example',
    'Origin: null', `Authorization: Bearer ${TOKEN}`, 'Authorization: Bearer nope', 'Authorization: Basic x', 'Upgrade: websocket',
    'Connection: Upgrade', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Transfer-Encoding: chunked') },
  { weight: 2, arbitrary: fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/), fc.stringMatching(/^[ -~]{0,60}$/)).map(([k, v]) => `X-${k}: ${v}`) },
  { arbitrary: fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 60 })).map(([k, v]) => `${k}: ${v}`), weight: 1 },
);
const hostLine = fc.oneof(fc.constantFrom('Host: 127.0.0.1', 'Host: localhost:8080', 'Host: [::1]', 'Host: attacker.example:8080', 'Host: 10.1.2.3'), fc.webAuthority().map((a) => `Host: ${a}`));
const method = fc.oneof({ arbitrary: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'get'), weight: 6 }, fc.string({ maxLength: 10 }));
/** A WebSocket upgrade of /stream, with any query (format, token) and Host, and more headers. */
const upgrade = fc.tuple(query, hostLine, fc.array(header, { maxLength: 3 })).map(([q, host, h]) => Buffer.from(`GET /stream${q} HTTP/1.1\r\n${host}\r\n` +
  `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${h.map((x) => `${x}\r\n`).join('')}\r\n`, 'latin1'));
const request = fc.oneof(
  { arbitrary: upgrade, weight: 2 },
  { arbitrary: fc.tuple(method, path, query, hostLine, fc.array(header, { maxLength: 6 })).map(([m, p, q, host, h]) => Buffer.from(`${m} ${p}${q} HTTP/1.1\r\n${host}\r\n${h.join('\r\n')}${h.length ? '\r\n' : ''}Connection: close\r\n\r\n`, 'latin1')), weight: 8 },
  { arbitrary: fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)), weight: 1 },
  { arbitrary: fc.integer({ min: 1, max: 64 }).map((k) => Buffer.from(`GET /health?${'a=b&'.repeat(k * 256)} HTTP/1.1\r\nX: ${'y'.repeat(k * 1024)}\r\n\r\n`)), weight: 1 },
);

/** Statuses the server answers with (docs/stream.md "HTTP", "Who may connect"), and an upgrade to /stream. */
const STATUSES = new Set([101, 200, 400, 401, 403, 404, 503]);
const CODES = new Set<string>(Object.values(ErrorCode));

/** Counts over a run: the outcomes uWS gave, and the refusals the server answered (to hold against /health). */
const seen = { answer: 0, close: 0, pending: 0, host: 0, origin: 0, unauthorized: 0, format: 0 };

/** One case: the outcome uws-request-model.ts predicts, and the checks of the answer. */
async function runCase(raw: Buffer): Promise<void> {
  const expected: UwsOutcome = uwsOutcome(raw);
  const what = JSON.stringify(raw.toString('latin1').slice(0, 300));
  seen[expected]++;
  if (expected === 'pending') {
    // uWS waits for the rest: no answer on this connection by the time a new one has been answered.
    let answered: () => void = () => undefined;
    const later = new Promise<void>((r) => (answered = r));
    const held = exchange(raw, later);
    await followUp();
    answered();
    const { answer } = await held;
    expect(answer, `answer to an unparsable request ${what}`).toBe('');
    return;
  }
  const { answer, closed } = await exchange(raw, undefined, parseAsUws(raw)?.method === 'HEAD');
  if (expected === 'close') {
    expect({ answer, closed }, `uWS should close without an answer: ${what}`).toEqual({ answer: '', closed: true });
    return;
  }
  const status = /^HTTP\/1\.1 (\d{3})/.exec(answer);
  expect(status, `no answer to ${what}: ${answer.slice(0, 200)}`).not.toBeNull();
  expect(STATUSES.has(Number(status![1])), `${what}: ${answer.slice(0, 200)}`).toBe(true);
  const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
  if (Number(status![1]) < 400) return;
  // Every refusal is coded: a JSON body with a catalogue code, or (GET / without a built dashboard) the page naming its code.
  expect(answer, what).not.toMatch(/at .*\.[tj]s:\d+/);
  if (/content-type: text\/html/i.test(answer)) {
    expect(body, what).toContain(ErrorCode.DASHBOARD_NOT_BUILT);
    return;
  }
  expect(answer, `${what}: ${answer.slice(0, 300)}`).toMatch(/content-type: application\/json/i);
  const code = (JSON.parse(body) as { code: string }).code;
  expect(CODES.has(code), `${what}: ${body}`).toBe(true);
  if (code === ErrorCode.FORBIDDEN_HOST) seen.host++;
  if (code === ErrorCode.FORBIDDEN_ORIGIN) seen.origin++;
  if (code === ErrorCode.UNAUTHORIZED) seen.unauthorized++;
  if (code === ErrorCode.BAD_STREAM_FORMAT) seen.format++;
}

/** Requests that once failed (corpus/http/*.hex, one request per file, hex). */
function corpus(): Buffer[] {
  const dir = fileURLToPath(new URL('./corpus/http/', import.meta.url));
  return readdirSync(dir).filter((n) => n.endsWith('.hex')).sort().map((n) => Buffer.from(readFileSync(`${dir}${n}`, 'utf8').trim(), 'hex'));
}

describe('HTTP fuzz', () => {
  test('replayed corpus: every request that once failed', async () => {
    for (const raw of corpus()) await runCase(raw);
  });

  test(`${RUNS} generated requests, ${CONCURRENCY} at a time: uWS's outcome as modelled, documented statuses and codes, every refusal counted`, async () => {
    const t0 = performance.now();
    const batch = Math.min(CONCURRENCY, RUNS);
    await fc.assert(fc.asyncProperty(fc.array(request, { minLength: batch, maxLength: batch }), async (raws) => {
      await Promise.all(raws.map(runCase));
    }), { numRuns: Math.ceil(RUNS / batch) });
    const cases = seen.answer + seen.close + seen.pending;
    console.log(`http fuzz: ${cases} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s; answered ${seen.answer}, closed ${seen.close}, ` +
      `held unparsed ${seen.pending}; refused host ${seen.host}, origin ${seen.origin}, unauthorized ${seen.unauthorized}, format ${seen.format}`);
    // Every kind of outcome was exercised, and most requests reached a route.
    expect(seen.answer).toBeGreaterThan(cases / 4);
    expect(seen.close).toBeGreaterThan(0);
    expect(seen.pending).toBeGreaterThan(0);
    const health = await fetch(`http://127.0.0.1:${port}/health`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(health.status).toBe(200);
    const server = ((await health.json()) as { server: { connections: number; refused: Record<string, number> } }).server;
    expect(server.connections).toBe(0);
    // Counted: each refusal answered is in /health, and nothing else is (the run passed, so no case ran twice).
    expect(server.refused).toEqual({ host: seen.host, origin: seen.origin, unauthorized: seen.unauthorized, format: seen.format, connections: 0 });
  }, Math.max(120_000, RUNS * 20));
});
