import { afterEach, describe, expect, test } from 'vitest';
import { IbExecutionVenue, ibTimeNs } from '../../src/adapters/ib/ib-execution-venue.js';
import { IbSource } from '../../src/adapters/ib/ib-source.js';
import { IbOrderRoute, type OrderApproval } from '../../src/adapters/ib/order-route.js';
import type { BracketRequest, ExecutionEvent } from '../../src/execution/execution-venue.js';
import { fastSettings, quiet, startServer, waitFor } from './harness.js';
import type { TwsServer } from './tws-server.js';
import { OUT } from './tws-wire.js';

let server: TwsServer | undefined;
let source: IbSource | undefined;

afterEach(async () => {
  await source?.close();
  await server?.close();
  source = server = undefined;
});

const BRACKET: BracketRequest = { symbol: 'ES', side: 'buy', qty: 2, entry: { type: 'limit', limitPrice: 5000 }, stopPrice: 4990, targetPrice: 5020, tag: 't1' };
const approve: OrderApproval = { approve: () => ({ approved: true }) };
const deny: OrderApproval = { approve: () => ({ approved: false, reason: 'DAILY_LOSS_LIMIT' }) };
/** The execution time the test server's desk stamps on every fill (its clock, unchanged here): 20240304 14:30:00 UTC. */
const EXEC_NS = 1_709_562_600_000_000_000n;

/** A venue over a fresh server, with a clock that counts: each unstamped time is the next integer. */
async function venueOn(approval: OrderApproval): Promise<{ venue: IbExecutionVenue; events: ExecutionEvent[]; s: TwsServer }> {
  server = await startServer();
  source = await IbSource.open({ symbols: ['ES'], ...fastSettings(server) }, quiet);
  const route = new IbOrderRoute(source, { trading: 'paper' }, quiet);
  let t = 0n;
  const venue = new IbExecutionVenue(route, approval, { nowNs: () => ++t });
  const events: ExecutionEvent[] = [];
  venue.onEvent((e) => events.push(e));
  return { venue, events, s: server };
}

const summary = (events: ExecutionEvent[]): string[] => events.map((e) => `${e.kind} ${e.order.id}${e.kind === 'cancelled' ? ` ${e.reason}` : ''}`);

describe('IbExecutionVenue over the IB paper route', () => {
  test('bracket life cycle: accepted, entry filled, legs accepted, target filled, stop cancelled by oco', async () => {
    const { venue, events, s } = await venueOn(approve);
    const ids = venue.submitBracket(BRACKET);
    expect(venue.order(ids.entry)).toMatchObject({ status: 'pending', type: 'limit', limitPrice: 5000, side: 'buy', qty: 2, submittedNs: 1n, tag: 't1' });
    expect(venue.order(ids.stop)).toMatchObject({ status: 'held', type: 'stop', stopPrice: 4990, side: 'sell', parentId: ids.entry, ocoId: ids.target });
    expect(venue.order(ids.target)).toMatchObject({ status: 'held', type: 'limit', limitPrice: 5020, side: 'sell', parentId: ids.entry, ocoId: ids.stop });
    await waitFor(() => events.length === 1, 5000, 'entry accepted');
    // IB holds the legs (PreSubmitted) until the entry fills.
    await waitFor(() => s.orders.orders.get(ids.stop)?.status === 'PreSubmitted', 5000, 'legs held');
    expect(venue.order(ids.stop)!.status).toBe('held');

    s.orders.fill(ids.entry, 5000);
    await waitFor(() => venue.order(ids.target)?.status === 'working' && venue.order(ids.stop)?.status === 'working', 5000, 'legs working');
    s.orders.fill(ids.target, 5020);
    await waitFor(() => venue.order(ids.stop)?.status === 'cancelled', 5000, 'stop cancelled');

    expect(summary(events)).toEqual([
      `accepted ${ids.entry}`, `filled ${ids.entry}`, `accepted ${ids.target}`, `accepted ${ids.stop}`, `filled ${ids.target}`, `cancelled ${ids.stop} oco`,
    ]);
    const fills = events.filter((e) => e.kind === 'filled').map((e) => e.fill);
    expect(fills).toEqual([
      { orderId: ids.entry, symbol: 'ES', side: 'buy', qty: 2, price: 5000, tsNs: EXEC_NS, commissionUsd: 0 },
      { orderId: ids.target, symbol: 'ES', side: 'sell', qty: 2, price: 5020, tsNs: EXEC_NS, commissionUsd: 0 },
    ]);
    expect(events[1]!.order.status).toBe('filled');
    expect(venue.order(ids.entry)!.status).toBe('filled');
    expect(venue.order(ids.target)!.status).toBe('filled');
    expect(venue.cancel(ids.target)).toBe(false);
  });

  test('cancelling the entry cancels the bracket: the entry by request, the legs by parent', async () => {
    const { venue, events, s } = await venueOn(approve);
    const ids = venue.submitBracket({ ...BRACKET, side: 'sell', entry: { type: 'limit', limitPrice: 5000 }, stopPrice: 5010, targetPrice: 4980 });
    await waitFor(() => s.orders.orders.get(ids.stop)?.status === 'PreSubmitted' && events.length === 1, 5000, 'submitted');
    expect(venue.cancel(ids.entry)).toBe(true);
    await waitFor(() => events.filter((e) => e.kind === 'cancelled').length === 3, 5000, 'cancelled');
    expect(summary(events)).toEqual([`accepted ${ids.entry}`, `cancelled ${ids.entry} request`, `cancelled ${ids.target} parent`, `cancelled ${ids.stop} parent`]);
    for (const id of [ids.entry, ids.stop, ids.target]) expect(venue.order(id)!.status).toBe('cancelled');
    expect(venue.cancel(ids.entry)).toBe(false);
    expect(venue.cancel(999_999)).toBe(false);
  });

  test('stop entries and single orders are refused with MIA_ERR_BAD_ORDER, nothing sent', async () => {
    const { venue, s } = await venueOn(approve);
    const bad = { code: 'MIA_ERR_BAD_ORDER' };
    expect(() => venue.submitBracket({ ...BRACKET, entry: { type: 'stop', stopPrice: 5005 } })).toThrow(expect.objectContaining({ ...bad, message: expect.stringContaining('not a stop entry') }));
    expect(() => venue.submitBracket({ ...BRACKET, qty: 0 })).toThrow(expect.objectContaining(bad));
    expect(() => venue.submit({ symbol: 'ES', side: 'buy', qty: 1, type: 'limit', limitPrice: 5000 })).toThrow(expect.objectContaining({ ...bad, message: expect.stringContaining('brackets') }));
    await new Promise((r) => setTimeout(r, 50));
    expect(s.requests.filter((r) => r.msgId === OUT.PLACE_ORDER)).toHaveLength(0);
  });

  test('market entry: MKT parent and STP / LMT children on the wire, fills as events, the target cancelled by oco', async () => {
    const { venue, events, s } = await venueOn(approve);
    venue.onPrice('ES', 5000, EXEC_NS);
    expect(venue.last('ES')).toBe(5000);
    const ids = venue.submitBracket({ ...BRACKET, entry: { type: 'market' } });
    expect(venue.order(ids.entry)).toMatchObject({ status: 'pending', type: 'market', limitPrice: undefined, side: 'buy', qty: 2 });
    await waitFor(() => s.orders.orders.get(ids.stop)?.status === 'PreSubmitted' && events.length === 1, 5000, 'submitted');
    const desk = s.orders.orders;
    expect(desk.get(ids.entry)).toMatchObject({ orderType: 'MKT', lmtPrice: undefined, action: 'BUY', quantity: 2, parentId: 0, transmit: false });
    expect(desk.get(ids.target)).toMatchObject({ orderType: 'LMT', lmtPrice: 5020, action: 'SELL', quantity: 2, parentId: ids.entry, transmit: false });
    expect(desk.get(ids.stop)).toMatchObject({ orderType: 'STP', auxPrice: 4990, action: 'SELL', quantity: 2, parentId: ids.entry, transmit: true });
    expect(s.requests.filter((r) => r.msgId === OUT.PLACE_ORDER).map((r) => r.reqId)).toEqual([ids.entry, ids.target, ids.stop]);

    s.orders.fill(ids.entry, 5000.25);
    await waitFor(() => venue.order(ids.stop)?.status === 'working' && venue.order(ids.target)?.status === 'working', 5000, 'legs working');
    s.orders.fill(ids.stop, 4990);
    await waitFor(() => venue.order(ids.target)?.status === 'cancelled', 5000, 'target cancelled');
    expect(summary(events)).toEqual([
      `accepted ${ids.entry}`, `filled ${ids.entry}`, `accepted ${ids.target}`, `accepted ${ids.stop}`, `filled ${ids.stop}`, `cancelled ${ids.target} oco`,
    ]);
    expect(events.filter((e) => e.kind === 'filled').map((e) => e.fill)).toEqual([
      { orderId: ids.entry, symbol: 'ES', side: 'buy', qty: 2, price: 5000.25, tsNs: EXEC_NS, commissionUsd: 0 },
      { orderId: ids.stop, symbol: 'ES', side: 'sell', qty: 2, price: 4990, tsNs: EXEC_NS, commissionUsd: 0 },
    ]);
  });

  test('market entry: stop and target must sit around the last price the venue was given', async () => {
    const { venue, s } = await venueOn(approve);
    venue.onPrice('ES', 4985, EXEC_NS);
    expect(() => venue.submitBracket({ ...BRACKET, entry: { type: 'market' } }))
      .toThrow(expect.objectContaining({ code: 'MIA_ERR_IB_ORDER_REFUSED', message: expect.stringContaining('either side of the last price 4985') }));
    expect(() => venue.submitBracket({ ...BRACKET, entry: { type: 'market' }, side: 'sell', stopPrice: 4980, targetPrice: 4970 }))
      .toThrow(expect.objectContaining({ code: 'MIA_ERR_IB_ORDER_REFUSED' }));
    venue.onPrice('ES', 5005, EXEC_NS + 1n);
    const ids = venue.submitBracket({ ...BRACKET, entry: { type: 'market' } });
    await waitFor(() => s.orders.orders.get(ids.stop)?.status === 'PreSubmitted', 5000, 'sent');
    expect(s.requests.filter((r) => r.msgId === OUT.PLACE_ORDER)).toHaveLength(3);
  });

  test('liquidate: the legs are cancelled first, then one market order closes the position', async () => {
    const { venue, events, s } = await venueOn(approve);
    venue.onPrice('ES', 5000, EXEC_NS);
    const ids = venue.submitBracket({ ...BRACKET, entry: { type: 'market' } });
    await waitFor(() => s.orders.orders.get(ids.stop)?.status === 'PreSubmitted', 5000, 'submitted');
    s.orders.fill(ids.entry, 5000);
    await waitFor(() => venue.order(ids.stop)?.status === 'working' && venue.order(ids.target)?.status === 'working', 5000, 'legs working');
    venue.liquidate('ES', 2);
    // The close waits for IB to confirm both cancels, so it cannot race a leg's fill.
    expect(source!.health().trading).toMatchObject({ closesSent: 0 });
    expect(venue.liquidating).toBe(1);
    await waitFor(() => events.some((e) => e.kind === 'accepted' && e.order.tag === 'liquidate'), 5000, 'close working');
    const close = events.find((e) => e.order.tag === 'liquidate')!.order.id;
    const wire = s.requests.filter((r) => r.msgId === OUT.PLACE_ORDER || r.msgId === OUT.CANCEL_ORDER).map((r) => `${r.msgId === OUT.CANCEL_ORDER ? 'cancel' : 'place'} ${r.reqId}`);
    expect(wire.slice(3)).toEqual([`cancel ${ids.stop}`, `cancel ${ids.target}`, `place ${close}`]);
    expect(s.orders.orders.get(close)).toMatchObject({ orderType: 'MKT', action: 'SELL', quantity: 2, parentId: 0, transmit: true });
    s.orders.fill(close, 4999.5);
    await waitFor(() => venue.order(close)?.status === 'filled', 5000, 'close filled');
    expect(summary(events).slice(4)).toEqual([`cancelled ${ids.stop} liquidate`, `cancelled ${ids.target} liquidate`, `accepted ${close}`, `filled ${close}`]);
    expect(events.at(-1)).toMatchObject({ order: { type: 'market', side: 'sell', qty: 2, tag: 'liquidate' }, fill: { side: 'sell', qty: 2, price: 4999.5 } });
    expect(venue.liquidating).toBe(0);
    venue.liquidate('ES', 0);
    await new Promise((r) => setTimeout(r, 50));
    expect(s.requests.filter((r) => r.msgId === OUT.PLACE_ORDER)).toHaveLength(4);
  });

  test('liquidate while the entry is on its way: an entry that fills before its cancel arrives is closed too', async () => {
    const { venue, events, s } = await venueOn(approve);
    venue.onPrice('ES', 5000, EXEC_NS);
    const ids = venue.submitBracket({ ...BRACKET, side: 'sell', entry: { type: 'market' }, stopPrice: 5010, targetPrice: 4980 });
    await waitFor(() => s.orders.orders.get(ids.stop)?.status === 'PreSubmitted', 5000, 'submitted');
    venue.liquidate('ES', 0);
    s.orders.fill(ids.entry, 4999.75); // the desk fills before the cancels reach it
    await waitFor(() => events.some((e) => e.kind === 'accepted' && e.order.tag === 'liquidate'), 5000, 'close working');
    const close = events.find((e) => e.order.tag === 'liquidate')!.order.id;
    expect(s.orders.orders.get(close)).toMatchObject({ orderType: 'MKT', action: 'BUY', quantity: 2 });
    expect(venue.order(ids.stop)!.status).toBe('cancelled');
    expect(venue.order(ids.target)!.status).toBe('cancelled');
    s.orders.fill(close, 5000.5);
    await waitFor(() => venue.order(close)?.status === 'filled', 5000, 'close filled');
    const fills = events.filter((e) => e.kind === 'filled').map((e) => [e.fill.side, e.fill.qty, e.fill.price]);
    expect(fills).toEqual([['sell', 2, 4999.75], ['buy', 2, 5000.5]]);
  });

  test('liquidate: a close refused at once throws; one refused later is retried a second of trades after', async () => {
    let closes = 'refuse';
    const approval: OrderApproval = {
      approve: (o) => (o.kind === 'close' && closes === 'refuse' ? { approved: false, reason: 'TEST_HOLD' } : { approved: true }),
    };
    const { venue, events, s } = await venueOn(approval);
    expect(() => venue.liquidate('ES', 1)).toThrow(expect.objectContaining({ code: 'MIA_ERR_IB_ORDER_REFUSED', message: expect.stringContaining('TEST_HOLD') }));
    venue.onPrice('ES', 5000, EXEC_NS);
    const ids = venue.submitBracket({ ...BRACKET, entry: { type: 'limit', limitPrice: 4995 } });
    await waitFor(() => s.orders.orders.get(ids.stop)?.status === 'PreSubmitted', 5000, 'submitted');
    s.orders.fill(ids.entry, 4995);
    await waitFor(() => venue.order(ids.stop)?.status === 'working', 5000, 'legs working');
    venue.liquidate('ES', 2);
    await waitFor(() => venue.order(ids.stop)?.status === 'cancelled' && venue.order(ids.target)?.status === 'cancelled', 5000, 'legs cancelled');
    const trading = (): unknown => source!.health().trading;
    await waitFor(() => (trading() as { refused: number }).refused === 2, 5000, 'deferred close refused');
    expect(trading()).toMatchObject({ closesSent: 0, lastRefusal: expect.stringContaining('TEST_HOLD') });
    closes = 'approve';
    venue.onPrice('ES', 5001, EXEC_NS + 999_999_999n);
    expect(trading()).toMatchObject({ closesSent: 0, refused: 2 });
    venue.onPrice('ES', 5001, EXEC_NS + 1_000_000_000n);
    expect(trading()).toMatchObject({ closesSent: 1, refused: 2 });
    await waitFor(() => events.some((e) => e.kind === 'accepted' && e.order.tag === 'liquidate'), 5000, 'close sent on retry');
    const close = events.find((e) => e.order.tag === 'liquidate')!.order;
    expect(close).toMatchObject({ side: 'sell', qty: 2, type: 'market' });
  });

  test('a refused approval surfaces as the route\'s MIA_ERR_IB_ORDER_REFUSED and leaves no order', async () => {
    const { venue } = await venueOn(deny);
    expect(() => venue.submitBracket(BRACKET)).toThrow(expect.objectContaining({ code: 'MIA_ERR_IB_ORDER_REFUSED', message: expect.stringContaining('DAILY_LOSS_LIMIT') }));
    expect(venue.order(1)).toBeUndefined();
  });

  test('execution times: UTC stamps are read, other zones are left to the arrival clock', () => {
    expect(ibTimeNs('20240304 14:30:00 UTC')).toBe(EXEC_NS);
    expect(ibTimeNs('20240304-14:30:00 GMT')).toBe(EXEC_NS);
    expect(ibTimeNs('20240304 09:30:00 US/Eastern')).toBeUndefined();
    expect(ibTimeNs('')).toBeUndefined();
  });
});
