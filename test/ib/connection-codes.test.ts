import { afterEach, describe, expect, test } from 'vitest';
import type { IbSourceOptions } from '../../src/adapters/ib/ib-source.js';
import { QualityFlag } from '../../src/protocol/generated/mia/quality-flag.js';
import { ESH4 } from './fixtures.js';
import { fastSettings, feedHealth, type IbSession, IbSessions, pollUntil, waitFor } from './harness.js';
import type { TwsServer } from './tws-server.js';
import { IN, OUT } from './tws-wire.js';

const sessions = new IbSessions();
afterEach(() => sessions.closeAll());
const session = (extra: Partial<IbSourceOptions> = {}): Promise<IbSession> => sessions.open(extra);

const subRequests = (s: TwsServer, from = 0): number => s.requests.slice(from).filter((r) => r.msgId === OUT.REQ_TICK_BY_TICK_DATA || r.msgId === OUT.REQ_MKT_DEPTH).length;

describe('IbSource, IB status codes', () => {
  test('326 at connect: the same id is retried, then the next id connects', async () => {
    const s = await sessions.server();
    s.rejectClientIds.add(7);
    const source = await sessions.source({ symbols: ['ES'], ...fastSettings(s), clientIdRetries: 2 });
    expect(s.clients).toEqual([8]);
    const ids = s.requests.filter((r) => r.msgId === OUT.START_API).map((r) => r.clientId);
    expect(ids).toEqual([7, 7, 7, 8]);
    expect(source.health().connection).toMatchObject({ clientId: 8, clientIdFallbacks: 1, clientIdClashes: 3, state: 'connected' });
  });

  test('1100 flags Disconnected; 1102 keeps the subscriptions and backfills the outage', async () => {
    const { s, src, sink } = await session();
    s.trade(ESH4, 5000, 1);
    await pollUntil(src, sink, () => sink.trades[0]!.length === 1, 5000, 'first trade');
    const subs = subRequests(s);

    s.sendError(-1, 1100, 'Connectivity between IB and Trader Workstation has been lost.');
    await pollUntil(src, sink, () => (src.qualityFlags(0) & QualityFlag.Disconnected) !== 0, 5000, 'Disconnected flag');
    s.streaming = false;
    for (let k = 1; k <= 5; k++) s.trade(ESH4, 5000 + k * 0.25, k, s.nowSec + k);
    s.nowSec += 6;
    s.streaming = true;
    s.holdHistorical();
    s.sendError(-1, 1102, 'Connectivity between IB and Trader Workstation has been restored - data maintained.');
    await pollUntil(src, sink, () => src.qualityFlags(0) === QualityFlag.Gap, 5000, 'Gap flag during the backfill');
    s.releaseHistorical();
    await pollUntil(src, sink, () => src.qualityFlags(0) === 0, 5000, 'flags clear');
    s.trade(ESH4, 5002, 9);
    await pollUntil(src, sink, () => sink.trades[0]!.length === s.tape(ESH4).length, 5000, 'all trades');
    expect(sink.trades[0]!.map((t) => [t.sec, t.price, t.size])).toEqual(s.tape(ESH4).map((t) => [t.timeSec, t.price, t.size]));
    expect(subRequests(s)).toBe(subs);
    expect(src.health().connection).toMatchObject({ ibConnectivity: 'ok', reconnects: 0 });
  });

  test('a held live trade older than the backfilled outage is counted out of order, not as a trade', async () => {
    const { s, src, sink } = await session();
    s.trade(ESH4, 5000, 1);
    await pollUntil(src, sink, () => sink.trades[0]!.length === 1, 5000, 'first trade');
    s.sendError(-1, 1100, 'Connectivity between IB and Trader Workstation has been lost.');
    await pollUntil(src, sink, () => (src.qualityFlags(0) & QualityFlag.Disconnected) !== 0, 5000, 'Disconnected flag');
    s.streaming = false;
    const t0 = s.nowSec;
    for (let k = 1; k <= 5; k++) s.trade(ESH4, 5000 + k * 0.25, k, t0 + k);
    s.nowSec += 6;
    s.streaming = true;
    s.holdHistorical();
    s.sendError(-1, 1102, 'Connectivity between IB and Trader Workstation has been restored - data maintained.');
    await pollUntil(src, sink, () => src.qualityFlags(0) === QualityFlag.Gap, 5000, 'Gap flag during the backfill');
    // A late live print, stamped inside the outage but not on the tape: held, then too old for the queue.
    const lastId = s.subscriptions().find((x) => x.kind === 'AllLast')!.reqId;
    s.inject([IN.TICK_BY_TICK, lastId, 2, t0 + 2, 4999, 7, 0, 'CME', '']);
    s.releaseHistorical();
    await pollUntil(src, sink, () => src.qualityFlags(0) === 0, 5000, 'flags clear');
    expect(sink.trades[0]!.map((t) => [t.sec, t.price, t.size])).toEqual(s.tape(ESH4).map((t) => [t.timeSec, t.price, t.size]));
    expect(feedHealth(src, 0)).toMatchObject({ outOfOrder: 1, trades: sink.trades[0]!.length });
  });

  test('1101 resubscribes on the same socket with fresh ids and cancels the old ones', async () => {
    const { s, src, sink } = await session();
    const before = s.subscriptions().map((x) => x.reqId);
    s.sendError(-1, 1100, 'Connectivity between IB and Trader Workstation has been lost.');
    await pollUntil(src, sink, () => (src.qualityFlags(0) & QualityFlag.Disconnected) !== 0, 5000, 'Disconnected flag');
    s.loseSubscriptions();
    s.trade(ESH4, 5000, 2, s.nowSec + 1);
    s.nowSec += 2;
    s.sendError(-1, 1101, 'Connectivity between IB and Trader Workstation has been restored - data lost.');
    await waitFor(() => s.subscriptions().length === 3, 5000, 'resubscription');
    await pollUntil(src, sink, () => src.qualityFlags(0) === 0, 5000, 'flags clear');
    const after = s.subscriptions().map((x) => x.reqId);
    expect(after.some((id) => before.includes(id))).toBe(false);
    const cancels = s.requests.filter((r) => r.msgId === OUT.CANCEL_TICK_BY_TICK_DATA || r.msgId === OUT.CANCEL_MKT_DEPTH).map((r) => r.reqId);
    expect(cancels.sort()).toEqual([...before].sort());
    s.trade(ESH4, 5000.25, 3);
    await pollUntil(src, sink, () => sink.trades[0]!.length === 2, 5000, 'trades');
    expect(sink.trades[0]!.map((t) => t.price)).toEqual([5000, 5000.25]);
    expect(src.health().connection).toMatchObject({ reconnects: 0 });
  });

  test('a broken market-data farm flags Disconnected until the farm is back', async () => {
    const { s, src, sink } = await session();
    s.sendError(-1, 2103, 'Market data farm connection is broken:usfarm');
    await pollUntil(src, sink, () => (src.qualityFlags(0) & QualityFlag.Disconnected) !== 0, 5000, 'Disconnected flag');
    expect((src.health().connection as { farms: Record<string, unknown> }).farms.usfarm).toEqual({ kind: 'market', status: 'broken' });
    s.sendError(-1, 2104, 'Market data farm connection is OK:usfarm');
    await pollUntil(src, sink, () => src.qualityFlags(0) === 0, 5000, 'flags clear');
  });

  test('a burst of requests leaves at no more than 50 messages in any second', async () => {
    const { s, src } = await session();
    const seen = s.requests.length;
    for (let k = 0; k < 150; k++) src.connection.send((api) => api.reqCurrentTime());
    await waitFor(() => s.requests.slice(seen).filter((r) => r.msgId === OUT.REQ_CURRENT_TIME).length === 150, 20_000, 'all requests');
    const pacer = (src.health().connection as { pacer: { maxPerSecond: number; sent: number } }).pacer;
    expect(pacer.maxPerSecond).toBeLessThanOrEqual(50);
    expect(pacer.sent).toBeGreaterThanOrEqual(150);
  });
});
