import { afterEach, describe, expect, test } from 'vitest';
import { IbSource } from '../../src/adapters/ib/ib-source.js';
import { IbOrderRoute, type BracketOrder, type OrderApproval, type OrderEvent, type RouteOrder } from '../../src/adapters/ib/order-route.js';
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

const BRACKET: BracketOrder = { kind: 'bracket', symbol: 'ES', action: 'BUY', quantity: 2, entry: 5000, stop: 4990, target: 5020 };
const approve: OrderApproval = { approve: () => ({ approved: true }) };
const deny: OrderApproval = { approve: () => ({ approved: false, reason: 'DAILY_LOSS_LIMIT', message: 'daily loss limit reached' }) };

describe('IbOrderRoute, paper bracket', () => {
  test('life cycle: submitted, entry filled, stop and target linked, the stop cancelled when the target fills', async () => {
    server = await startServer();
    const s = server;
    source = await IbSource.open({ symbols: ['ES'], ...fastSettings(s) }, quiet);
    const route = new IbOrderRoute(source, { trading: 'paper' }, quiet);
    const events: OrderEvent[] = [];
    route.onEvent((e) => events.push(e));
    const ids = route.placeBracket(BRACKET, approve);
    expect(ids.targetId).toBe(ids.parentId + 1);
    expect(ids.stopId).toBe(ids.parentId + 2);
    const status = (role: string): string | undefined => events.filter((e) => e.type === 'status' && e.role === role).map((e) => (e as { status: string }).status).pop();
    await waitFor(() => status('entry') === 'Submitted' && status('stop') === 'PreSubmitted' && status('target') === 'PreSubmitted', 5000, 'submitted');

    // On the wire: the children point at the parent, share one OCA group, and only the last leg transmits.
    const placed = s.requests.filter((r) => r.msgId === OUT.PLACE_ORDER);
    expect(placed.map((r) => r.reqId)).toEqual([ids.parentId, ids.targetId, ids.stopId]);
    const desk = s.orders.orders;
    expect(desk.get(ids.targetId)).toMatchObject({ parentId: ids.parentId, orderType: 'LMT', lmtPrice: 5020, action: 'SELL', quantity: 2 });
    expect(desk.get(ids.stopId)).toMatchObject({ parentId: ids.parentId, orderType: 'STP', auxPrice: 4990, action: 'SELL', transmit: true });
    expect(desk.get(ids.stopId)!.ocaGroup).toBe(desk.get(ids.targetId)!.ocaGroup);
    expect([desk.get(ids.parentId)!.transmit, desk.get(ids.targetId)!.transmit]).toEqual([false, false]);

    s.orders.fill(ids.parentId, 5000);
    await waitFor(() => status('entry') === 'Filled' && status('stop') === 'Submitted' && status('target') === 'Submitted', 5000, 'entry filled');
    expect(events.find((e) => e.type === 'execution' && e.role === 'entry')).toMatchObject({ side: 'BOT', quantity: 2, price: 5000, parentId: ids.parentId });

    s.orders.fill(ids.targetId, 5020);
    await waitFor(() => status('target') === 'Filled' && status('stop') === 'Cancelled', 5000, 'target filled, stop cancelled');
    expect(events.find((e) => e.type === 'execution' && e.role === 'target')).toMatchObject({ side: 'SLD', price: 5020 });
    // Each status change once, in order, per leg.
    expect(events.filter((e) => e.type === 'status' && e.role === 'stop').map((e) => (e as { status: string }).status)).toEqual(['PreSubmitted', 'Submitted', 'Cancelled']);
  });

  test('a market entry: MKT parent without a price, STP and LMT children by parentId, only the last leg transmitting', async () => {
    server = await startServer();
    const s = server;
    source = await IbSource.open({ symbols: ['ES'], ...fastSettings(s) }, quiet);
    const route = new IbOrderRoute(source, { trading: 'paper' }, quiet);
    const events: OrderEvent[] = [];
    route.onEvent((e) => events.push(e));
    const ids = route.placeBracket({ ...BRACKET, action: 'SELL', entry: 'market', stop: 5010, target: 4980, lastPrice: 5000 }, approve);
    await waitFor(() => events.filter((e) => e.type === 'status').length === 3, 5000, 'submitted');
    const desk = s.orders.orders;
    expect(desk.get(ids.parentId)).toMatchObject({ orderType: 'MKT', lmtPrice: undefined, auxPrice: undefined, action: 'SELL', quantity: 2, parentId: 0, transmit: false, status: 'Submitted' });
    expect(desk.get(ids.targetId)).toMatchObject({ orderType: 'LMT', lmtPrice: 4980, action: 'BUY', parentId: ids.parentId, transmit: false, status: 'PreSubmitted' });
    expect(desk.get(ids.stopId)).toMatchObject({ orderType: 'STP', auxPrice: 5010, action: 'BUY', parentId: ids.parentId, transmit: true, status: 'PreSubmitted' });
    expect(desk.get(ids.stopId)!.ocaGroup).toBe(desk.get(ids.targetId)!.ocaGroup);

    s.orders.fill(ids.parentId, 4999.75);
    s.orders.fill(ids.stopId, 5010);
    const last = (role: string): string | undefined => events.filter((e) => e.type === 'status' && e.role === role).map((e) => (e as { status: string }).status).pop();
    await waitFor(() => last('stop') === 'Filled' && last('target') === 'Cancelled', 5000, 'stop filled, target cancelled');
    expect(events.filter((e) => e.type === 'execution').map((e) => [e.role, (e as { side: string }).side, (e as { price: number }).price])).toEqual([['entry', 'SLD', 4999.75], ['stop', 'BOT', 5010]]);
  });

  test('market entries: stop and target around the last price when given, else only against each other', async () => {
    server = await startServer();
    source = await IbSource.open({ symbols: ['ES'], ...fastSettings(server) }, quiet);
    const route = new IbOrderRoute(source, { trading: 'paper' }, quiet);
    const refused = (message: string): unknown => expect.objectContaining({ code: 'MIA_ERR_IB_ORDER_REFUSED', message: expect.stringContaining(message) });
    const market: BracketOrder = { ...BRACKET, entry: 'market', stop: 4990, target: 5020 };
    expect(() => route.placeBracket({ ...market, lastPrice: 4985 }, approve)).toThrow(refused('either side of the last price 4985'));
    expect(() => route.placeBracket({ ...market, lastPrice: 5020 }, approve)).toThrow(refused('either side of the last price 5020'));
    expect(() => route.placeBracket({ ...market, lastPrice: Number.NaN }, approve)).toThrow(refused('is not a price'));
    expect(() => route.placeBracket({ ...market, stop: 5030 }, approve)).toThrow(refused('losing side of the target'));
    expect(() => route.placeBracket({ ...market, target: 5020.1 }, approve)).toThrow(refused('0.25 grid'));
    expect(() => route.placeBracket({ ...market, entry: 'stop' as never }, approve)).toThrow(refused('limit price or market'));
    expect(() => route.placeBracket({ ...market, lastPrice: 5000 }, deny)).toThrow(refused('DAILY_LOSS_LIMIT'));
    const ids = route.placeBracket(market, approve);
    await waitFor(() => server!.orders.orders.get(ids.stopId)?.status === 'PreSubmitted', 5000, 'sent without a last price');
    expect(server.orders.orders.get(ids.parentId)?.orderType).toBe('MKT');
    expect(server.requests.filter((r) => r.msgId === OUT.PLACE_ORDER)).toHaveLength(3);
  });

  test('a close is one transmitted market order, approved like a bracket; its events carry role close and parent 0', async () => {
    server = await startServer();
    const s = server;
    source = await IbSource.open({ symbols: ['ES'], ...fastSettings(s) }, quiet);
    const route = new IbOrderRoute(source, { trading: 'paper' }, quiet);
    const asked: RouteOrder[] = [];
    const events: OrderEvent[] = [];
    route.onEvent((e) => events.push(e));
    const close = { kind: 'close', symbol: 'ES', action: 'SELL', quantity: 2 } as const;
    expect(() => route.placeClose(close, deny)).toThrow(expect.objectContaining({ code: 'MIA_ERR_IB_ORDER_REFUSED', message: expect.stringContaining('close refused') }));
    expect(() => route.placeClose({ ...close, quantity: 1.5 }, approve)).toThrow(expect.objectContaining({ code: 'MIA_ERR_IB_ORDER_REFUSED' }));
    const id = route.placeClose(close, { approve: (o) => (asked.push(o), { approved: true }) });
    expect(asked).toEqual([close]);
    await waitFor(() => s.orders.orders.get(id)?.status === 'Submitted', 5000, 'close working');
    expect(s.orders.orders.get(id)).toMatchObject({ orderType: 'MKT', lmtPrice: undefined, action: 'SELL', quantity: 2, parentId: 0, transmit: true });
    s.orders.fill(id, 5001.25);
    await waitFor(() => events.some((e) => e.type === 'execution'), 5000, 'close filled');
    expect(events.find((e) => e.type === 'execution')).toMatchObject({ orderId: id, parentId: 0, role: 'close', side: 'SLD', quantity: 2, price: 5001.25 });
    expect(source.health().trading).toMatchObject({ bracketsSent: 0, closesSent: 1, refused: 2 });
  });

  test('cancelling the parent cancels the whole bracket', async () => {
    server = await startServer();
    source = await IbSource.open({ symbols: ['ES'], ...fastSettings(server) }, quiet);
    const route = new IbOrderRoute(source, { trading: 'paper' }, quiet);
    const events: OrderEvent[] = [];
    route.onEvent((e) => events.push(e));
    const ids = route.placeBracket({ ...BRACKET, action: 'SELL', stop: 5010, target: 4980 }, approve);
    await waitFor(() => events.filter((e) => e.type === 'status').length === 3, 5000, 'submitted');
    route.cancel(ids.parentId);
    await waitFor(() => events.filter((e) => e.type === 'status' && (e as { status: string }).status === 'Cancelled').length === 3, 5000, 'cancelled');
  });

  test('refused without paper trading, without approval, with bad prices, or while disconnected', async () => {
    server = await startServer();
    const s = server;
    source = await IbSource.open({ symbols: ['ES'], ...fastSettings(s) }, quiet);
    const src = source;
    expect(() => new IbOrderRoute(src, { trading: 'live' } as never, quiet)).toThrow(expect.objectContaining({ code: 'MIA_ERR_IB_ORDER_REFUSED' }));
    const route = new IbOrderRoute(src, { trading: 'paper' }, quiet);
    const refused = { code: 'MIA_ERR_IB_ORDER_REFUSED' };
    expect(() => route.placeBracket(BRACKET, deny)).toThrow(expect.objectContaining({ ...refused, message: expect.stringContaining('DAILY_LOSS_LIMIT') }));
    expect(() => route.placeBracket(BRACKET, undefined as never)).toThrow(expect.objectContaining(refused));
    expect(() => route.placeBracket(BRACKET, (() => true) as never)).toThrow(expect.objectContaining(refused));
    expect(() => route.placeBracket({ ...BRACKET, stop: 5010 }, approve)).toThrow(expect.objectContaining(refused));
    expect(() => route.placeBracket({ ...BRACKET, entry: 5000.1 }, approve)).toThrow(expect.objectContaining(refused));
    expect(() => route.placeBracket({ ...BRACKET, symbol: 'CL' }, approve)).toThrow(expect.objectContaining(refused));
    await s.refuse();
    await waitFor(() => !src.connection.connected, 5000, 'disconnect');
    expect(() => route.placeBracket(BRACKET, approve)).toThrow(expect.objectContaining(refused));
    expect(s.requests.filter((r) => r.msgId === OUT.PLACE_ORDER)).toHaveLength(0);
  });

  test('refused on a live (non-paper) account', async () => {
    server = await startServer();
    (server as unknown as { accounts: string }).accounts = 'U7654321';
    source = await IbSource.open({ symbols: ['ES'], ...fastSettings(server) }, quiet);
    const route = new IbOrderRoute(source, { trading: 'paper' }, quiet);
    expect(() => route.placeBracket(BRACKET, approve)).toThrow(expect.objectContaining({ code: 'MIA_ERR_IB_ORDER_REFUSED' }));
  });

  test('the approval is asked once per valid bracket, with the order, just before sending', async () => {
    server = await startServer();
    source = await IbSource.open({ symbols: ['ES'], ...fastSettings(server) }, quiet);
    const route = new IbOrderRoute(source, { trading: 'paper' }, quiet);
    const asked: RouteOrder[] = [];
    const approval: OrderApproval = { approve: (o) => (asked.push(o), { approved: true }) };
    expect(() => route.placeBracket({ ...BRACKET, entry: 5000.1 }, approval)).toThrow();
    expect(asked).toHaveLength(0);
    route.placeBracket(BRACKET, approval);
    expect(asked).toEqual([BRACKET]);
    await waitFor(() => server!.requests.filter((r) => r.msgId === OUT.PLACE_ORDER).length === 3, 5000, 'sent');
  });

  test('no new orders while IB connectivity is lost (1100), though the socket stays', async () => {
    server = await startServer();
    const s = server;
    source = await IbSource.open({ symbols: ['ES'], ...fastSettings(s) }, quiet);
    const src = source;
    const route = new IbOrderRoute(src, { trading: 'paper' }, quiet);
    s.sendError(-1, 1100, 'Connectivity between IB and Trader Workstation has been lost.');
    await waitFor(() => !src.connected(), 5000, '1100');
    expect(src.connection.connected).toBe(true);
    expect(() => route.placeBracket(BRACKET, approve)).toThrow(expect.objectContaining({ code: 'MIA_ERR_IB_ORDER_REFUSED' }));
    expect(src.health().trading).toMatchObject({ mode: 'paper', ready: false, lastRefusal: expect.stringContaining('market data is down') });
  });

  test('health shows trading off without a route, and the paper route\'s readiness and counters with one', async () => {
    server = await startServer();
    source = await IbSource.open({ symbols: ['ES'], ...fastSettings(server) }, quiet);
    const src = source;
    expect(src.health().trading).toEqual({ mode: 'off' });
    const route = new IbOrderRoute(src, { trading: 'paper' }, quiet);
    await waitFor(() => (src.health().trading as { ready: boolean }).ready, 5000, 'ready');
    expect(() => route.placeBracket(BRACKET, deny)).toThrow();
    route.placeBracket(BRACKET, approve);
    await waitFor(() => (src.health().trading as { working: number }).working === 3, 5000, 'working orders');
    expect(src.health().trading).toMatchObject({ mode: 'paper', ready: true, accounts: 'DU1234567', bracketsSent: 1, refused: 1 });
  });
});
