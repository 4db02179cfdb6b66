// Fuzz of the TWS surface at in-process speed (issue 14: 100,000 streams and more). The streams of
// tws.fuzz.test.ts, split at random points, are emitted as 'data' events of the stand-in socket of a live
// IbConnection (in-memory-gateway.ts): the very path a TCP socket's bytes take (the decoder guard's frame guard,
// then @stoqey/ib's decoder, with IbConnection's budget of decode errors and its heartbeat), without TCP, the
// test server or IbSource's backfills. Per case: no exception escapes a 'data' event, the work is bounded (each
// chunk returns promptly, and the decoder reports no more messages than the bytes could hold), every dropped
// connection has a counted cause, and a well-formed trade sent afterwards is decoded (through a reconnect if the
// stream cost the connection). CI runs 300 cases with a fixed seed; MIA_FUZZ_NET_RUNS=N (else MIA_FUZZ_RUNS) runs N (MIA_FUZZ_SEED to
// repeat one). A share of cases also goes through the real socket: tws.fuzz.test.ts.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InMemoryGateway, openGatewaySession, type GatewaySession } from '../ib/in-memory-gateway.js';
import { frame, IN } from '../ib/tws-wire.js';
import { burst, corpus, pieces, SEED } from './tws-streams.js';

const RUNS = Number(process.env.MIA_FUZZ_NET_RUNS ?? process.env.MIA_FUZZ_RUNS ?? 300);
/** Generous: a chunk of at most a few hundred bytes decodes in microseconds; only a spin comes near this. */
const CHUNK_BOUND_MS = 2000;
/** Generous: a reconnect here takes a few ms, a stalled frame waits out the 60 ms heartbeat timeout. */
const RECOVERY_BOUND_MS = 20_000;

type Counts = { disconnects: number; badFrames: number; decoderFaults: number; heartbeatStalls: number; malformed: number; reconnects: number };

const gateway = new InMemoryGateway();
let session: GatewaySession;

beforeAll(() => {
  gateway.install();
  session = openGatewaySession();
});

afterAll(() => {
  session.connection.close();
  gateway.uninstall();
});

const counts = (): Counts => session.connection.health() as unknown as Counts;
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Waits until the connection is up (a reconnect after a fault goes through the gateway's handshake). */
async function untilUp(deadline: number): Promise<void> {
  while (!session.up()) {
    if (performance.now() > deadline) throw new Error(`no connection within ${RECOVERY_BOUND_MS} ms`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

let price = 4000;

/** Emits one stream as the socket's 'data' events, then checks bounds, causes and recovery. */
async function sendAndRecover(bytes: Buffer, cuts: readonly number[]): Promise<void> {
  const deadline = performance.now() + RECOVERY_BOUND_MS;
  await untilUp(deadline);
  const before = counts();
  const socket = gateway.current!;
  const decodedBefore = session.decoded.messages;
  for (const p of pieces(bytes, cuts)) {
    const t0 = performance.now();
    // A throw here would be an uncaughtException out of a real socket's 'data' event.
    expect(() => socket.deliver(p)).not.toThrow();
    expect(performance.now() - t0).toBeLessThan(CHUNK_BOUND_MS);
  }
  // Every decoded message took at least 5 bytes (a length and one NUL-terminated field); one more is the one the
  // guard cuts the loop on.
  expect(session.decoded.messages - decodedBefore).toBeLessThanOrEqual(Math.floor(bytes.length / 5) + 1);
  // The session resumes: a trade sent now is decoded, on this connection or the next one.
  price += 0.25;
  const p = price;
  while (!session.trades.has(p)) {
    await untilUp(deadline);
    gateway.current!.deliver(frame([IN.TICK_BY_TICK, 1, 2, 1_704_067_200, p, 1, 0, 'CME', '']));
    await turn();
    if (session.trades.has(p)) break;
    if (performance.now() > deadline) throw new Error(`no trade decoded within ${RECOVERY_BOUND_MS} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
  session.trades.delete(p);
  // Every connection dropped is accounted for by a coded, counted cause.
  const after = counts();
  const causes = (after.badFrames - before.badFrames) + (after.decoderFaults - before.decoderFaults) + (after.heartbeatStalls - before.heartbeatStalls);
  expect(causes).toBe(after.disconnects - before.disconnects);
}

describe('TWS byte streams into the guarded decoder (fuzz, in-process)', () => {
  test('replayed corpus: every stream that once failed', async () => {
    for (const bytes of corpus()) await sendAndRecover(bytes, [1, 5, 9]);
  });

  test(`generated streams (${RUNS} runs): no throw, bounded work, counted faults, the session resumes`, async () => {
    const t0 = performance.now();
    const start = counts();
    await fc.assert(fc.asyncProperty(burst, async ({ bytes, cuts }) => {
      await sendAndRecover(bytes, cuts);
    }), { numRuns: RUNS, endOnFailure: true, ...(SEED !== undefined ? { seed: SEED } : {}) });
    const end = counts();
    const d = (k: keyof Counts): number => end[k] - start[k];
    // The figures docs/hostile-input.md quotes for a long run.
    console.log(`tws fuzz (in-process): ${RUNS} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s; drops ${d('disconnects')}: ` +
      `badFrames ${d('badFrames')}, decoderFaults ${d('decoderFaults')}, heartbeatStalls ${d('heartbeatStalls')}; malformed skipped ${d('malformed')}`);
    // The generator reaches every cause (a long run; CI's 300 cases too).
    expect(d('badFrames')).toBeGreaterThan(0);
    expect(d('decoderFaults') + d('malformed')).toBeGreaterThan(0);
  }, Math.max(60_000, RUNS * 50));
});
