import { afterEach, describe, expect, test } from 'vitest';
import { IbSource } from '../../src/adapters/ib/ib-source.js';
import { QualityFlag } from '../../src/protocol/generated/mia/quality-flag.js';
import { ESH4, NQH4 } from './fixtures.js';
import { fastSettings, feedHealth, pollUntil, quiet, RecordingSink, startServer, waitFor, walk } from './harness.js';
import type { TwsServer } from './tws-server.js';
import { OUT } from './tws-wire.js';

let server: TwsServer | undefined;
let source: IbSource | undefined;

afterEach(async () => {
  await source?.close();
  await server?.close();
  source = server = undefined;
});

const SUB_MSGS: number[] = [OUT.REQ_TICK_BY_TICK_DATA, OUT.REQ_MKT_DEPTH];

function tapeOf(s: TwsServer, conId: number): Array<[number, number, number]> {
  return s.tape(conId).map((t) => [t.timeSec, t.price, t.size]);
}

describe('IbSource, gateway restart mid-session', () => {
  test('every subscription restored with new ids, the gap backfilled and flagged, no trade duplicated or lost', async () => {
    server = await startServer();
    const s = server;
    for (const t of walk(100, s.nowSec - 120, 3, 5)) s.trade(ESH4, t.price, t.size, t.sec);
    source = await IbSource.open({ symbols: ['ES', 'NQ'], ...fastSettings(s) }, quiet);
    const src = source;
    const sink = new RecordingSink();
    await pollUntil(src, sink, () => feedHealth(src, 0).gap === 'none' && feedHealth(src, 1).gap === 'none', 10_000, 'start-up backfill');

    // Live trades, the last two in second S, which the outage will cut in the middle.
    s.quote(ESH4, 5000, 5000.25);
    for (const t of walk(12, s.nowSec, 4, 6)) {
      s.nowSec = t.sec;
      s.trade(ESH4, t.price, t.size);
      s.trade(NQH4, t.price * 3.6, t.size);
    }
    await pollUntil(src, sink, () => sink.trades[0]!.length === s.tape(ESH4).length && sink.trades[1]!.length === 12, 5000, 'live trades');
    const before = s.subscriptions();
    expect(before).toHaveLength(6);

    // The gateway goes away: sockets dropped, connections refused for a while, the market goes on.
    await s.refuse();
    await pollUntil(src, sink, () => (src.qualityFlags(0) & QualityFlag.Disconnected) !== 0, 5000, 'Disconnected flag');
    expect(src.qualityFlags(1) & QualityFlag.Disconnected).toBe(QualityFlag.Disconnected);
    for (const t of walk(40, s.nowSec, 5, 7, 5001)) {
      s.nowSec = t.sec;
      s.trade(ESH4, t.price, t.size);
    }
    for (let k = 0; k < 3; k++) s.trade(NQH4, 18_000 + k, 2);
    await new Promise((r) => setTimeout(r, 300)); // a few refused attempts
    expect(src.health().connection).toMatchObject({ state: expect.stringMatching(/connecting|backoff/) });

    // Back: the client reconnects and resubscribes; the backfill replies are held so the Gap flag shows.
    s.holdHistorical();
    const seen = s.requests.length;
    await s.accept();
    await waitFor(() => s.requests.slice(seen).filter((r) => r.msgId === OUT.REQ_HISTORICAL_TICKS).length === 2, 5000, 'backfill requests');
    await pollUntil(src, sink, () => src.qualityFlags(0) === QualityFlag.Gap, 5000, 'Gap without Disconnected');
    expect(src.qualityFlags(1) & QualityFlag.Gap).toBe(QualityFlag.Gap);

    // Live trades during the backfill: the held history will include them too (the seam to de-duplicate).
    s.nowSec += 1;
    for (const t of walk(6, s.nowSec, 3, 8, 5002)) {
      s.nowSec = t.sec;
      s.trade(ESH4, t.price, t.size);
    }
    await new Promise((r) => setTimeout(r, 50));
    s.releaseHistorical();
    await pollUntil(src, sink, () => feedHealth(src, 0).gap === 'none' && feedHealth(src, 1).gap === 'none', 5000, 'backfill done');
    expect(src.qualityFlags(0) & QualityFlag.Gap).toBe(0);

    // After the gap, trades keep flowing live.
    s.nowSec += 1;
    s.trade(ESH4, 5003, 4);
    await pollUntil(src, sink, () => sink.trades[0]!.length === s.tape(ESH4).length, 5000, 'all trades');
    expect(sink.trades[0]!.map((t) => [t.sec, t.price, t.size])).toEqual(tapeOf(s, ESH4));
    expect(sink.trades[1]!.map((t) => [t.sec, t.price, t.size])).toEqual(tapeOf(s, NQH4));

    const after = s.subscriptions();
    expect(after).toHaveLength(6);
    expect(after.map((x) => `${x.conId}/${x.kind}`).sort()).toEqual(before.map((x) => `${x.conId}/${x.kind}`).sort());
    const oldIds = new Set(before.map((x) => x.reqId));
    expect(after.every((x) => !oldIds.has(x.reqId))).toBe(true);
    const subRequests = s.requests.filter((r) => SUB_MSGS.includes(r.msgId));
    expect(new Set(subRequests.map((r) => r.reqId)).size).toBe(subRequests.length);
    expect(feedHealth(src, 0)).toMatchObject({ gapsBackfilled: 2, gapsLost: 0, resubscriptions: 1 });
    expect((feedHealth(src, 0).seamDuplicates as number)).toBeGreaterThan(0);
  });

  test('a gap neither ticks nor bars can fill stays flagged and is counted as lost', async () => {
    server = await startServer();
    const s = server;
    source = await IbSource.open({ symbols: ['ES'], ...fastSettings(s), historicalRetries: 1 }, quiet);
    const src = source;
    const sink = new RecordingSink();
    await pollUntil(src, sink, () => feedHealth(src, 0).gap === 'none', 10_000, 'start-up backfill');
    s.trade(ESH4, 5000, 1);
    await pollUntil(src, sink, () => sink.trades[0]!.length === 1, 5000, 'first trade');
    s.failHistorical(2);
    s.failBars(2);
    s.dropAll();
    s.nowSec += 5;
    s.trade(ESH4, 5000.25, 1);
    await pollUntil(src, sink, () => (feedHealth(src, 0).gapsLost as number) === 1, 10_000, 'lost gap');
    s.nowSec += 1;
    s.trade(ESH4, 5000.5, 2);
    await pollUntil(src, sink, () => sink.trades[0]!.some((t) => t.price === 5000.5), 5000, 'live after the lost gap');
    expect(src.qualityFlags(0)).toBe(QualityFlag.Gap);
    expect(sink.trades[0]!.map((t) => t.price)).toEqual([5000, 5000.5]);
  });
});
