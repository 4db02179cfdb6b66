import { afterEach, describe, expect, test } from 'vitest';
import { IbExecutionVenue } from '../../src/adapters/ib/ib-execution-venue.js';
import { IbSource } from '../../src/adapters/ib/ib-source.js';
import { IbOrderRoute, type OrderApproval } from '../../src/adapters/ib/order-route.js';
import type { ExecutionEvent } from '../../src/execution/execution-venue.js';
import { SignalTrader } from '../../src/execution/signal-trader.js';
import { TradeBatch } from '../../src/model/trade-batch.js';
import { splitNs } from '../../src/model/time.js';
import type { SignalDecision } from '../../src/signals/signal-engine.js';
import { fastSettings, quiet, startServer, waitFor } from './harness.js';
import type { TwsServer } from './tws-server.js';
import { OUT } from './tws-wire.js';

// The decision path of paper trading on IB: SignalTrader → IbExecutionVenue → IbOrderRoute → the test server's desk.

let server: TwsServer | undefined;
let source: IbSource | undefined;

afterEach(async () => {
  await source?.close();
  await server?.close();
  source = server = undefined;
});

/** 2024-03-04 14:30:00 UTC: the server's clock and the time its desk stamps on every execution. */
const T0 = 1_709_562_600_000_000_000n;
const approve: OrderApproval = { approve: () => ({ approved: true }) };

/** A hand-built decision: only the fields the trader reads carry meaning. */
function decision(direction: SignalDecision['direction']): SignalDecision {
  return {
    symbol: 'ES', tsNs: 0n, score: 0.5, confidence: 0.9, direction,
    features: { confluence_score: 0.5, momentum_flow: null, trend_alignment: 1, volume_profile: 0, support_resistance: 0, market_regime_score: 0, volatility_regime: null, time_factor: 1 },
    regime: { market: null, volatility: null, timeframes: { '1m': null, '5m': null, '15m': null, '1h': null, '4h': null } },
    smartMoney: { largeFlow: null, stacked: null, absorption: null, book: null, score: null } as unknown as SignalDecision['smartMoney'],
    expiry: { phase: 'normal', factor: 1, daysToExpiry: 15 }, price: null, tradeDate: 0,
  };
}

/** One ES trade as the engine's tape hands it over (what a tap feeds the venue). */
function trade(venue: IbExecutionVenue, tsNs: bigint, price: number): void {
  const b = new TradeBatch(1);
  const [hi, lo] = splitNs(tsNs);
  b.push(hi, lo, price, 1, 0, 0);
  venue.onTrades('ES', b, 0, 1);
}

async function traderOn(): Promise<{ trader: SignalTrader; venue: IbExecutionVenue; events: ExecutionEvent[]; s: TwsServer }> {
  server = await startServer();
  source = await IbSource.open({ symbols: ['ES'], ...fastSettings(server) }, quiet);
  const route = new IbOrderRoute(source, { trading: 'paper' }, quiet);
  let t = 0n;
  const venue = new IbExecutionVenue(route, approve, { nowNs: () => ++t });
  const events: ExecutionEvent[] = [];
  venue.onEvent((e) => events.push(e));
  // Quarter Kelly of p 0.5, b 2 on 25,000: 1,562.5 at $100 of risk a contract (8 ticks) → 15, capped at 3.
  const trader = new SignalTrader(venue, { startingBalance: 25_000, winProbability: 0.5, risk: { maxPosition: 3 } });
  return { trader, venue, events, s: server };
}

describe('SignalTrader on the IB paper route', () => {
  test('a long decision goes out as a market-entry bracket sized by the risk engine; the target closes the round trip', async () => {
    const { trader, venue, events, s } = await traderOn();
    trade(venue, T0, 5000);
    await trader.onDecision(decision('long'), T0);
    await waitFor(() => s.orders.orders.size === 3 && [...s.orders.orders.values()].every((o) => o.status !== 'PendingSubmit'), 5000, 'bracket at the desk');
    const [entry, target, stop] = s.requests.filter((r) => r.msgId === OUT.PLACE_ORDER).map((r) => s.orders.orders.get(r.reqId!)!);
    // Stop 8 ticks and target 16 ticks from the last price 5000 (the risk engine's defaults).
    expect(entry).toMatchObject({ orderType: 'MKT', lmtPrice: undefined, action: 'BUY', quantity: 3, parentId: 0, transmit: false, status: 'Submitted' });
    expect(target).toMatchObject({ orderType: 'LMT', lmtPrice: 5004, action: 'SELL', quantity: 3, parentId: entry!.orderId, transmit: false, status: 'PreSubmitted' });
    expect(stop).toMatchObject({ orderType: 'STP', auxPrice: 4998, action: 'SELL', quantity: 3, parentId: entry!.orderId, transmit: true, status: 'PreSubmitted' });

    await trader.onDecision(decision('long'), T0 + 1n); // one bracket per symbol at a time
    s.orders.fill(entry!.orderId, 5000.25);
    await waitFor(() => venue.order(target!.orderId)?.status === 'working' && venue.order(stop!.orderId)?.status === 'working', 5000, 'legs working');
    expect(trader.ledger.position('ES')).toBe(3);
    expect(trader.risk.position('ES')).toBe(3);
    s.orders.fill(target!.orderId, 5004);
    await waitFor(() => trader.trades.length === 1 && venue.order(stop!.orderId)?.status === 'cancelled', 5000, 'round trip');

    expect(trader.trades[0]).toMatchObject({
      tradeId: 1, exitReason: 'target', decisionNs: T0,
      trip: { symbol: 'ES', side: 'long', qty: 3, entryPrice: 5000.25, exitPrice: 5004, entryNs: T0, exitNs: T0, grossUsd: 562.5, netUsd: 562.5 },
    });
    expect(trader.counters).toMatchObject({ decisions: 2, directional: 2, busy: 1, entries: 1 });
    expect(trader.risk.balance).toBe(25_562.5);
    expect(trader.ledger.position('ES')).toBe(0);
    expect(events.find((e) => e.kind === 'cancelled')).toMatchObject({ order: { id: stop!.orderId }, reason: 'oco' });
    expect(s.requests.filter((r) => r.msgId === OUT.PLACE_ORDER)).toHaveLength(3);
  });

  test('finish: the legs are cancelled, a market order closes the position and the trade is recorded when it fills', async () => {
    const { trader, venue, s } = await traderOn();
    trade(venue, T0, 5000);
    await trader.onDecision(decision('short'), T0);
    await waitFor(() => s.orders.orders.size === 3 && [...s.orders.orders.values()].every((o) => o.status !== 'PendingSubmit'), 5000, 'bracket at the desk');
    const [entry, target, stop] = s.requests.filter((r) => r.msgId === OUT.PLACE_ORDER).map((r) => s.orders.orders.get(r.reqId!)!);
    expect([entry!.action, target!.lmtPrice, stop!.auxPrice]).toEqual(['SELL', 4996, 5002]);
    s.orders.fill(entry!.orderId, 5000);
    await waitFor(() => venue.order(stop!.orderId)?.status === 'working', 5000, 'legs working');
    trade(venue, T0 + 1_000_000_000n, 5001);
    trader.finish();
    await waitFor(() => s.orders.orders.size === 4, 5000, 'close at the desk');
    const close = [...s.orders.orders.values()].at(-1)!;
    expect(close).toMatchObject({ orderType: 'MKT', action: 'BUY', quantity: 3, parentId: 0, transmit: true });
    expect([target!.status, stop!.status]).toEqual(['Cancelled', 'Cancelled']);
    expect(trader.trades).toHaveLength(0);
    s.orders.fill(close.orderId, 5001);
    await waitFor(() => trader.trades.length === 1, 5000, 'close filled');
    expect(trader.trades[0]).toMatchObject({ tradeId: 1, exitReason: 'end', trip: { side: 'short', qty: 3, entryPrice: 5000, exitPrice: 5001, netUsd: -150 } });
    expect(trader.risk.balance).toBe(24_850);
  });
});
