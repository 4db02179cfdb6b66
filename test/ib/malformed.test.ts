import { afterEach, describe, expect, test } from 'vitest';
import type { IbSource, IbSourceOptions } from '../../src/adapters/ib/ib-source.js';
import { QualityFlag } from '../../src/protocol/generated/mia/quality-flag.js';
import { ESH4 } from './fixtures.js';
import { feedHealth, type IbSession, IbSessions, pollUntil } from './harness.js';
import { IN } from './tws-wire.js';

const sessions = new IbSessions();
afterEach(() => sessions.closeAll());
const session = (extra: Partial<IbSourceOptions> = {}): Promise<IbSession> => sessions.open(extra);

type Conn = { malformed: number; decoderFaults: number; reconnects: number; heartbeatStalls: number; state: string };
const conn = (src: IbSource): Conn => src.health().connection as Conn;

describe('IbSource, malformed server messages', () => {
  test('unknown ids, truncated and surplus fields are counted and skipped on the same connection', async () => {
    const { s, src, sink } = await session();
    const lastId = s.subscriptions().find((x) => x.kind === 'AllLast')!.reqId;
    s.inject([999, 1, 2]);
    s.inject([IN.TICK_BY_TICK, lastId]);
    s.inject(['garbage', 'x']);
    // Surplus fields (a newer server): reported, and the trade in front of them still counts.
    s.inject([IN.TICK_BY_TICK, lastId, 2, s.nowSec, 5000, 1, 0, 'CME', '', 'surplus']);
    // Decodable but invalid values: rejected by the adapter, never put on the tape.
    s.inject([IN.TICK_BY_TICK, lastId, 2, s.nowSec, 'NaN', 1, 0, 'CME', '']);
    s.inject([IN.TICK_BY_TICK, lastId, 2, s.nowSec, 5000, -3, 0, 'CME', '']);
    s.trade(ESH4, 5000.25, 2);
    await pollUntil(src, sink, () => sink.trades[0]!.length === 2 && conn(src).malformed >= 4, 5000, 'next good trade');
    expect(sink.trades[0]!.map((t) => [t.price, t.size])).toEqual([[5000, 1], [5000.25, 2]]);
    expect(feedHealth(src, 0).rejected).toBe(2);
    expect(conn(src)).toMatchObject({ decoderFaults: 0, reconnects: 0, state: 'connected' });
  });

  test('a message that makes the client library throw is contained: the adapter reconnects and resubscribes', async () => {
    const { s, src, sink } = await session();
    s.trade(ESH4, 5000, 1);
    await pollUntil(src, sink, () => sink.trades[0]!.length === 1, 5000, 'first trade');
    // An error message whose advanced-order-reject JSON is broken: @stoqey/ib's JSON.parse throws in its socket listener.
    s.inject([IN.ERR_MSG, 2, 5, 201, 'Order rejected', '{not json']);
    await pollUntil(src, sink, () => conn(src).reconnects === 1 && s.subscriptions().length === 3, 5000, 'reconnect');
    s.nowSec += 1;
    s.trade(ESH4, 5000.25, 2);
    await pollUntil(src, sink, () => sink.trades[0]!.length === 2 && src.qualityFlags(0) === 0, 5000, 'trades after the fault');
    expect(conn(src).decoderFaults).toBe(1);
  });

  test('a frame that never completes is caught by the heartbeat and the connection is replaced', async () => {
    const { s, src, sink } = await session({ heartbeatMs: 200, heartbeatTimeoutMs: 800 });
    const head = Buffer.alloc(4);
    head.writeUInt32BE(5000, 0);
    s.injectRaw(Buffer.concat([head, Buffer.from('99\0')]));
    await pollUntil(src, sink, () => (src.qualityFlags(0) & QualityFlag.Disconnected) !== 0 || conn(src).reconnects > 0, 5000, 'stall detected');
    await pollUntil(src, sink, () => conn(src).reconnects === 1 && src.qualityFlags(0) === 0, 5000, 'reconnected');
    expect(conn(src).heartbeatStalls).toBe(1);
    s.nowSec += 1;
    s.trade(ESH4, 5001, 1);
    await pollUntil(src, sink, () => sink.trades[0]!.some((t) => t.price === 5001), 5000, 'trade after reconnect');
  });
});
