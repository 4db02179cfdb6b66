import { afterEach, describe, expect, test } from 'vitest';
import { IbSource } from '../../src/adapters/ib/ib-source.js';
import { QualityFlag } from '../../src/protocol/generated/mia/quality-flag.js';
import { Side } from '../../src/model/side.js';
import { ESH4, ESM4, NQH4 } from './fixtures.js';
import { fastSettings, feedHealth, pollUntil, quiet, RecordingSink, startServer, walk } from './harness.js';
import type { TwsServer } from './tws-server.js';
import { OUT } from './tws-wire.js';

let server: TwsServer | undefined;
let source: IbSource | undefined;

afterEach(async () => {
  await source?.close();
  await server?.close();
  source = server = undefined;
});

describe('IbSource, normal session', () => {
  test('front months resolved, history then live ticks become trades with sides, depth becomes a book', async () => {
    server = await startServer();
    const s = server;
    // Ten minutes of history before "now" (the server clock), 2 trades a second.
    const history = walk(400, s.nowSec - 300, 2, 11);
    for (const t of history) s.trade(ESH4, t.price, t.size, t.sec);
    source = await IbSource.open({ symbols: ['ES', 'NQ'], ...fastSettings(s) }, quiet);
    const src = source;
    expect(src.instruments.map((i) => [i.symbol, i.hasSides])).toEqual([['ES', false], ['NQ', false]]);
    expect(src.contractOf('ES')?.conId).toBe(ESH4);
    expect(src.contractOf('NQ')?.conId).toBe(NQH4);

    const sink = new RecordingSink();
    await pollUntil(src, sink, () => feedHealth(src, 0).gap === 'none' && feedHealth(src, 1).gap === 'none', 10_000, 'start-up backfill');
    expect(sink.trades[0]).toHaveLength(history.length);
    expect(sink.trades[0]!.map((t) => [t.sec, t.price, t.size])).toEqual(history.map((t) => [t.sec, t.price, t.size]));
    expect(src.qualityFlags(0)).toBe(0);

    // Live: quote 5000.00 / 5000.25; at the ask buys, at the bid sells, inside goes to the nearer side.
    s.nowSec += 1;
    s.quote(ESH4, 5000, 5000.25, 12, 30);
    s.trade(ESH4, 5000.25, 3);
    s.trade(ESH4, 5000, 2);
    s.quote(ESH4, 4999.75, 5000.5, 5, 5);
    s.trade(ESH4, 5000.25, 1);
    s.depth(ESH4, 0, 0, 1, 5000, 40);
    s.depth(ESH4, 1, 0, 1, 4999.75, 20);
    s.depth(ESH4, 0, 0, 0, 5000.25, 20);
    s.depth(NQH4, 0, 0, 0, 18000.25, 4);
    await pollUntil(src, sink, () => sink.trades[0]!.length === history.length + 3, 5000, 'live trades');
    const live = sink.trades[0]!.slice(history.length);
    expect(live.map((t) => [t.price, t.size, t.side])).toEqual([[5000.25, 3, Side.Buy], [5000, 2, Side.Sell], [5000.25, 1, Side.Buy]]);
    expect(sink.quotes[0]).toEqual({ bid: 4999.75, ask: 5000.5 });
    await pollUntil(src, sink, () => (feedHealth(src, 0).book as { updates: number }).updates === 3, 5000, 'depth');
    expect(feedHealth(src, 0).book).toMatchObject({ bid: 5000, ask: 5000.25, bidLevels: 2, askLevels: 1, imbalance: (60 - 20) / 80 });
    expect(feedHealth(src, 1).book).toMatchObject({ ask: 18000.25, imbalance: -1 });
    expect(sink.trades[1]).toHaveLength(0);

    // Exactly one AllLast, one BidAsk and one depth request per contract, all with distinct ids.
    const subs = s.requests.filter((r) => r.msgId === OUT.REQ_TICK_BY_TICK_DATA || r.msgId === OUT.REQ_MKT_DEPTH);
    expect(subs).toHaveLength(6);
    expect(new Set(subs.map((r) => r.reqId)).size).toBe(6);
    expect(subs.filter((r) => r.conId === ESH4).map((r) => r.tickType ?? 'depth').sort()).toEqual(['AllLast', 'BidAsk', 'depth']);
    expect(src.qualityFlags(0) & (QualityFlag.Disconnected | QualityFlag.Gap)).toBe(0);
  });

  test('after the roll Thursday the June contract is the front month', async () => {
    server = await startServer();
    server.nowSec = Date.UTC(2024, 2, 7, 15, 0, 0) / 1000;
    source = await IbSource.open({ symbols: ['ES'], ...fastSettings(server) }, quiet);
    expect(source.contractOf('ES')?.conId).toBe(ESM4);
    expect(source.contractOf('ES')?.localSymbol).toBe('ESM4');
  });

  test('a symbol without a front-month listing fails with MIA_ERR_IB_CONTRACT', async () => {
    server = await startServer();
    server.nowSec = Date.UTC(2024, 6, 1) / 1000; // NQ lists H4 and M4 only; its front month is U4
    await expect(IbSource.open({ symbols: ['NQ'], ...fastSettings(server) }, quiet)).rejects.toMatchObject({ code: 'MIA_ERR_IB_CONTRACT' });
  });

  test('no gateway at the address fails with MIA_ERR_IB_CONNECT after the start-up time', async () => {
    server = await startServer();
    const port = server.port;
    await server.close();
    await expect(IbSource.open({ symbols: ['ES'], ...fastSettings(server), port, startTimeoutMs: 500 }, quiet)).rejects.toMatchObject({ code: 'MIA_ERR_IB_CONNECT' });
  });
});
