import { afterEach, describe, expect, test } from 'vitest';
import { IbSource } from '../../src/adapters/ib/ib-source.js';
import { CONTRACTS, ESH4, INDEXES, NDX, SPX } from './fixtures.js';
import { fastSettings, feedHealth, pollUntil, quiet, RecordingSink, waitFor } from './harness.js';
import { TwsServer } from './tws-server.js';
import { OUT } from './tws-wire.js';

let server: TwsServer | undefined;
let source: IbSource | undefined;

afterEach(async () => {
  await source?.close();
  await server?.close();
  source = server = undefined;
});

type Context = Record<'SPX' | 'NDX', { price: number | null; ts: string | null; conId: number | null; reqId: number | null }>;
const context = (src: IbSource): Context => src.health().context as Context;
const indexSubs = (s: TwsServer): Array<{ conn: number; reqId: number; conId: number }> => s.subscriptions().filter((x) => x.kind === 'mktData');

describe('IbSource, SPX and NDX context prices', () => {
  test('indices resolved as IND on CBOE and NASDAQ, last prices in health, restored with fresh ids after a restart', async () => {
    server = new TwsServer({ contracts: [...CONTRACTS, ...INDEXES] });
    const s = server;
    await s.listen();
    source = await IbSource.open({ symbols: ['ES'], ...fastSettings(s) }, quiet);
    const src = source;
    const sink = new RecordingSink();
    await pollUntil(src, sink, () => feedHealth(src, 0).gap === 'none' && indexSubs(s).length === 2, 10_000, 'subscriptions');

    const details = s.requests.filter((r) => r.msgId === OUT.REQ_CONTRACT_DATA).map((r) => [r.fields[4], r.fields[5], r.fields[10]]);
    expect(details).toEqual(expect.arrayContaining([['SPX', 'IND', 'CBOE'], ['NDX', 'IND', 'NASDAQ']]));
    // Indices stream through reqMktData (tick-by-tick exists only for CME indices), never tick-by-tick or depth.
    const byIndex = s.requests.filter((r) => r.conId === SPX || r.conId === NDX);
    expect(byIndex.map((r) => r.msgId)).toEqual([OUT.REQ_MKT_DATA, OUT.REQ_MKT_DATA]);
    expect(context(src)).toMatchObject({ SPX: { price: null, conId: SPX }, NDX: { price: null, conId: NDX } });

    s.indexPrice(SPX, 5130.25);
    s.indexPrice(NDX, 18_240.5);
    s.indexPrice(SPX, 5131.1);
    await waitFor(() => context(src).SPX.price === 5131.1 && context(src).NDX.price === 18_240.5, 5000, 'index prices');
    expect(context(src).SPX.ts).toBe(new Date(s.nowSec * 1000).toISOString());
    expect(src.contextPrice('NDX')).toEqual({ price: 18_240.5, ts: new Date(s.nowSec * 1000).toISOString() });
    // No volume, no order flow: the index values never reach a tape.
    expect(sink.trades[0]).toHaveLength(0);
    expect(src.instruments.map((i) => i.symbol)).toEqual(['ES']);

    const before = indexSubs(s).map((x) => x.reqId);
    s.dropAll();
    await waitFor(() => indexSubs(s).length === 2 && s.clients.length === 1, 5000, 'index resubscription');
    const after = indexSubs(s).map((x) => x.reqId);
    expect(after.some((id) => before.includes(id))).toBe(false);
    // Resolved once: the restart needs no new contract lookup.
    expect(s.requests.filter((r) => r.msgId === OUT.REQ_CONTRACT_DATA)).toHaveLength(3);
    s.nowSec += 30;
    s.indexPrice(SPX, 5129.75);
    await waitFor(() => context(src).SPX.price === 5129.75, 5000, 'price after the restart');
    expect(context(src).SPX.ts).toBe(new Date(s.nowSec * 1000).toISOString());
    expect(context(src).NDX.price).toBe(18_240.5);
    s.trade(ESH4, 5000, 1);
    await pollUntil(src, sink, () => sink.trades[0]!.length === 1, 5000, 'futures still flowing');
  });

  test('1101 cancels the old index streams and requests them again with fresh ids on the same socket', async () => {
    server = new TwsServer({ contracts: [...CONTRACTS, ...INDEXES] });
    const s = server;
    await s.listen();
    source = await IbSource.open({ symbols: ['ES'], ...fastSettings(s) }, quiet);
    await waitFor(() => indexSubs(s).length === 2, 5000, 'index subscriptions');
    const before = indexSubs(s).map((x) => x.reqId);
    s.sendError(-1, 1100, 'Connectivity between IB and Trader Workstation has been lost.');
    s.sendError(-1, 1101, 'Connectivity between IB and Trader Workstation has been restored - data lost.');
    await waitFor(() => indexSubs(s).length === 2 && indexSubs(s).every((x) => !before.includes(x.reqId)), 5000, 'resubscription');
    const cancelled = s.requests.filter((r) => r.msgId === OUT.CANCEL_MKT_DATA).map((r) => r.reqId);
    expect(cancelled.sort()).toEqual([...before].sort());
  });

  test('an index without a listing leaves its price empty and the futures running', async () => {
    server = new TwsServer({ contracts: [...CONTRACTS, INDEXES[0]!] });
    const s = server;
    await s.listen();
    source = await IbSource.open({ symbols: ['ES'], ...fastSettings(s) }, quiet);
    const src = source;
    await waitFor(() => (context(src).NDX as unknown as { error: string | null }).error !== null && indexSubs(s).length === 1, 5000, 'resolution');
    expect(context(src).NDX).toMatchObject({ price: null, conId: null, reqId: null });
    expect(src.connected()).toBe(true);
  });
});
