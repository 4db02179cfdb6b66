// Fuzz of the WebSocket control surface (docs/hostile-input.md "WebSocket and HTTP"): generated control messages
// (JSON of every shape, wrong ops and topics, deep nesting, oversized, binary, invalid UTF-8) against an in-process
// StreamServer. Every message gets documented replies, or a documented close; the server keeps serving.
// MIA_FUZZ_NET_RUNS (else MIA_FUZZ_RUNS) sets the number of cases (default: a few seconds in CI).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { ErrorCode } from '../../src/common/errors.js';
import { startServer, stopServers } from '../stream/in-process-server.js';

const RUNS = Number(process.env.MIA_FUZZ_NET_RUNS ?? process.env.MIA_FUZZ_RUNS ?? 400);
const MAX_MESSAGE = 4096;
let port = 0;

beforeAll(async () => {
  ({ port } = await startServer({
    topics: new Set(['status', 'snapshot.ES', 'bar.ES.1m']), softLimitBytes: 256 * 1024, hardLimitBytes: 4 * 1024 * 1024, maxMessageBytes: MAX_MESSAGE, maxControlPerSec: 1e9,
  }));
});

afterAll(stopServers);

/** One generated message: text (maybe invalid UTF-8 bytes sent as a text frame) or binary. */
type Case = { kind: 'text'; data: string } | { kind: 'badutf8'; data: Uint8Array } | { kind: 'binary'; data: Uint8Array };

const nested = fc.integer({ min: 1, max: 20_000 }).chain((n) => fc.constantFrom('[]', '{"a":}').map((p) => p === '[]' ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n)));
const controlish = fc.record({
  op: fc.oneof(fc.constantFrom('subscribe', 'unsubscribe', 'ping', 'SUBSCRIBE', ''), fc.string(), fc.anything()),
  topics: fc.oneof(fc.array(fc.oneof(fc.constantFrom('status', 'snapshot.ES', 'bar.ES.1m', 'snapshot.ZZ', 'bar.ES.7m'), fc.string())), fc.anything()),
}, { requiredKeys: [] }).map((o) => JSON.stringify(o));
const cases: fc.Arbitrary<Case> = fc.oneof(
  { arbitrary: controlish.map((data) => ({ kind: 'text' as const, data })), weight: 5 },
  { arbitrary: fc.json().map((data) => ({ kind: 'text' as const, data })), weight: 3 },
  { arbitrary: fc.string({ maxLength: 300, unit: 'binary' }).map((data) => ({ kind: 'text' as const, data })), weight: 2 },
  { arbitrary: nested.map((data) => ({ kind: 'text' as const, data })), weight: 1 },
  { arbitrary: fc.integer({ min: MAX_MESSAGE - 64, max: 2 * 1024 * 1024 }).map((n) => ({ kind: 'text' as const, data: JSON.stringify({ op: 'subscribe', topics: ['x'.repeat(n)] }) })), weight: 1 },
  { arbitrary: fc.uint8Array({ maxLength: 300 }).map((data) => ({ kind: 'binary' as const, data })), weight: 1 },
  { arbitrary: fc.uint8Array({ minLength: 1, maxLength: 100 }).map((b) => ({ kind: 'badutf8' as const, data: Uint8Array.from([...b, 0xff, 0xfe]) })), weight: 1 },
);

interface Conn {
  ws: WebSocket;
  replies: { type: string; code?: string }[];
  closed: { code: number } | undefined;
  wake: () => void;
}

function open(): Promise<Conn> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/stream`, { maxPayload: 0 });
  const c: Conn = { ws, replies: [], closed: undefined, wake: () => undefined };
  ws.on('message', (d: Buffer) => {
    c.replies.push(JSON.parse(d.toString()) as { type: string });
    c.wake();
  });
  ws.on('close', (code) => {
    c.closed = { code };
    c.wake();
  });
  ws.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(c));
    ws.once('unexpected-response', () => reject(new Error('upgrade refused')));
  });
}

/** Waits until `cond` holds; the socket's events wake it. */
async function until(c: Conn, cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise<void>((r) => ((c.wake = r), setTimeout(r, 200)));
}

const REPLIES = new Set(['subscribed', 'unsubscribed', 'pong', 'error']);
const CODES = new Set<string>([ErrorCode.BAD_CONTROL, ErrorCode.UNKNOWN_TOPIC]);

describe('WebSocket control fuzz', () => {
  test(`${RUNS} generated control messages: documented replies or close codes, and the server keeps serving`, async () => {
    const t0 = performance.now();
    let c = await open();
    const seen = { replies: 0, closes: new Map<number, number>() };
    await fc.assert(fc.asyncProperty(cases, async (m) => {
      if (c.closed) c = await open();
      c.replies.length = 0;
      if (m.kind === 'binary') c.ws.send(m.data, { binary: true });
      else if (m.kind === 'badutf8') c.ws.send(m.data, { binary: false });
      else c.ws.send(m.data);
      // A ping behind it: its pong ends the case's replies (replies come in order).
      c.ws.send('{"op":"ping"}');
      await until(c, () => c.closed !== undefined || c.replies.at(-1)?.type === 'pong');
      for (const r of c.replies) {
        expect(REPLIES.has(r.type), JSON.stringify(r)).toBe(true);
        if (r.type === 'error') expect(CODES.has(r.code ?? ''), JSON.stringify(r)).toBe(true);
      }
      seen.replies += c.replies.length;
      if (c.closed) {
        const size = m.kind === 'text' ? Buffer.byteLength(m.data) : m.data.length;
        // 1009 over --max-message-bytes; 1006 past the 1 MiB read limit and for a text frame of invalid UTF-8.
        const allowed = m.kind === 'badutf8' ? [1006, 1007] : size > 1024 * 1024 ? [1006, 1009] : size > MAX_MESSAGE ? [1009] : [];
        expect(allowed, `closed ${c.closed.code} after a ${m.kind} message of ${size} bytes`).toContain(c.closed.code);
        seen.closes.set(c.closed.code, (seen.closes.get(c.closed.code) ?? 0) + 1);
      }
    }), { numRuns: RUNS });
    c.ws.close();
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    expect(seen.replies).toBeGreaterThan(RUNS);
    // The figures docs/hostile-input.md quotes for a long run.
    console.log(`ws-control fuzz: ${RUNS} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${seen.replies} replies, closes ${JSON.stringify(Object.fromEntries(seen.closes))}`);
  }, Math.max(120_000, RUNS * 20));
});
