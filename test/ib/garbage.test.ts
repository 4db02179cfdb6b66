// A gateway that sends garbage mid-session (issue 14): the adapter never spins, drops the connection with a coded,
// counted fault, reconnects, resubscribes, and the real session resumes.
import { afterEach, describe, expect, test } from 'vitest';
import type { IbSource } from '../../src/adapters/ib/ib-source.js';
import { ESH4 } from './fixtures.js';
import { IbSessions, pollUntil, type IbSession } from './harness.js';
import type { GarbageKind } from './tws-server.js';
import { IN } from './tws-wire.js';

const sessions = new IbSessions();
afterEach(() => sessions.closeAll());

type Conn = { malformed: number; decoderFaults: number; badFrames: number; reconnects: number; state: string };
const conn = (src: IbSource): Conn => src.health().connection as Conn;

/** After a fault: reconnected, the three market-data subscriptions renewed, and a new trade taken. */
async function resumes({ s, src, sink }: IbSession, reconnects: number, price: number): Promise<void> {
  await pollUntil(src, sink, () => conn(src).reconnects === reconnects && s.subscriptions().length === 3 && src.qualityFlags(0) === 0, 5000, 'reconnect');
  s.nowSec += 1;
  s.trade(ESH4, price, 1);
  await pollUntil(src, sink, () => sink.trades[0]!.some((t) => t.price === price), 5000, 'trade after the garbage');
}

describe('IbSource, a gateway sending garbage', () => {
  test('a length prefix read as negative (the input that froze @stoqey/ib) drops the connection; the session resumes', async () => {
    const session = await sessions.open();
    const { s, src, sink } = session;
    s.trade(ESH4, 5000, 1);
    await pollUntil(src, sink, () => sink.trades[0]!.length === 1, 5000, 'first trade');
    s.garbage('badlength', 16);
    await resumes(session, 1, 5000.25);
    expect(conn(src)).toMatchObject({ badFrames: 1, decoderFaults: 0, state: 'connected' });
  });

  test.each<[GarbageKind, number]>([['random', 1], ['random', 7], ['random', 42], ['unterminated', 1]])('%s garbage (seed %i) is a bad frame, then a reconnect', async (kind, seed) => {
    const session = await sessions.open();
    session.s.garbage(kind, 64, seed);
    await resumes(session, 1, 5001);
    expect(conn(session.src).badFrames).toBe(1);
  });

  test('a good message in the same write before the garbage still counts', async () => {
    const session = await sessions.open();
    const { s, sink } = session;
    const reqId = s.subscriptions().find((x) => x.kind === 'AllLast')!.reqId;
    s.inject([IN.TICK_BY_TICK, reqId, 2, s.nowSec, 4999.75, 3, 0, 'CME', '']);
    s.garbage('badlength', 8);
    await resumes(session, 1, 5002);
    expect(sink.trades[0]!.map((t) => t.price)).toContain(4999.75);
  });

  test('a flood of undecodable but well-framed messages passes the per-second budget: one decoder fault, a reconnect', async () => {
    const session = await sessions.open({ maxDecodeErrorsPerSec: 20 });
    const { s, src } = session;
    // Unknown message ids: each is a decode error (505) the library skips; 200 in one burst is not a gateway.
    for (let k = 0; k < 200; k++) s.inject([9000 + k, 1, 'x']);
    await resumes(session, 1, 5003);
    expect(conn(src).decoderFaults).toBe(1);
    expect(conn(src).malformed).toBeGreaterThan(20);
    // The budget stopped the decoding: far fewer than the 200 were decoded.
    expect(conn(src).malformed).toBeLessThan(200);
  });

  test('repeated garbage bursts: each one a reconnect, the session always resumes', async () => {
    const session = await sessions.open();
    for (let k = 1; k <= 3; k++) {
      session.s.garbage('badlength', 4 * k, k);
      await resumes(session, k, 5000 + k);
    }
    expect(conn(session.src).badFrames).toBe(3);
  });
});
