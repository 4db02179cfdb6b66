import { describe, expect, test } from 'vitest';
import type { SignalDecision } from '../signals/signal-engine.js';
import { ExecutionError, ExecutionErrorCode } from './execution-errors.js';
import type { BracketIds, BracketRequest, ExecutionEvent, OrderView, TradingVenue } from './execution-venue.js';
import { SignalTrader, type MlScore } from './signal-trader.js';
import { SimBroker } from './sim-broker.js';

const T0 = 1_703_545_200_000_000_000n; // 2023-12-25T23:00:00Z
const sec = (n: number): bigint => T0 + BigInt(n) * 1_000_000_000n;

/** A hand-built decision: only the fields the trader reads carry meaning. */
function decision(direction: SignalDecision['direction']): SignalDecision {
  return {
    symbol: 'ES', tsNs: 0n, score: direction === 'flat' ? 0 : 0.5, confidence: 0.9, direction,
    features: { confluence_score: 0.5, momentum_flow: null, trend_alignment: 1, volume_profile: 0, support_resistance: 0, market_regime_score: 0, volatility_regime: null, time_factor: 1 },
    regime: { market: null, volatility: null, timeframes: { '1m': null, '5m': null, '15m': null, '1h': null, '4h': null } },
    smartMoney: { largeFlow: null, stacked: null, absorption: null, book: null, score: null } as unknown as SignalDecision['smartMoney'],
    expiry: { phase: 'normal', factor: 1, daysToExpiry: 15 }, price: null, tradeDate: 0,
  };
}

/**
 * A venue that answers later, as a live route does: brackets and liquidations are recorded, fills come when
 * the test calls `fill`; `refuse` makes the next bracket throw as a route refusal would.
 */
class LaterVenue implements TradingVenue {
  readonly brackets: BracketRequest[] = [];
  readonly liquidations: Array<[string, number]> = [];
  refuse = false;
  /** Symbols whose liquidation throws, as a live route refuses while disconnected. */
  readonly refuseLiquidate = new Set<string>();
  private readonly prices = new Map<string, number>();
  private readonly listeners: Array<(e: ExecutionEvent) => void> = [];
  private nextId = 1;

  price(symbol: string, price: number): void {
    this.prices.set(symbol, price);
  }

  last(symbol: string): number | undefined {
    return this.prices.get(symbol);
  }

  submitBracket(r: BracketRequest): BracketIds {
    if (this.refuse) throw new ExecutionError(ExecutionErrorCode.BAD_ORDER, 'refused by the venue');
    this.brackets.push(r);
    const entry = this.nextId;
    this.nextId += 3;
    return { entry, stop: entry + 1, target: entry + 2 };
  }

  liquidate(symbol: string, position: number): void {
    if (this.refuseLiquidate.has(symbol)) throw new ExecutionError(ExecutionErrorCode.BAD_ORDER, 'close refused by the venue');
    this.liquidations.push([symbol, position]);
  }

  /** A fill of an order of `type` and `tag`, reported now. */
  fill(symbol: string, side: 'buy' | 'sell', qty: number, price: number, tsNs: bigint, type: OrderView['type'], tag: string): void {
    const order: OrderView = {
      id: this.nextId++, symbol, side, qty, type, limitPrice: undefined, stopPrice: undefined, status: 'filled', submittedNs: tsNs,
      parentId: undefined, ocoId: undefined, tag,
    };
    for (const l of this.listeners) l({ kind: 'filled', order, fill: { orderId: order.id, symbol, side, qty, price, tsNs, commissionUsd: 0 } });
  }

  submit(): number {
    throw new Error('not used by the trader');
  }

  cancel(): boolean {
    return false;
  }

  order(): OrderView | undefined {
    return undefined;
  }

  onEvent(listener: (event: ExecutionEvent) => void): void {
    this.listeners.push(listener);
  }
}

describe('SignalTrader', () => {
  test('a long decision becomes a bracket sized by the risk engine; the target closes the trade', async () => {
    const broker = new SimBroker();
    // Quarter Kelly of p 0.5, b 2 on 25,000: 25,000 · 0.25 · 0.25 = 1,562.5 → 15 contracts of 8-tick risk ($100), capped at 2.
    const trader = new SignalTrader(broker, { startingBalance: 25_000, winProbability: 0.5 });
    broker.onTrade('ES', sec(0), 4800, 1);
    await trader.onDecision(decision('long'), sec(0));
    await trader.onDecision(decision('long'), sec(0)); // one bracket at a time
    broker.onTrade('ES', sec(1), 4800, 1);
    broker.onTrade('ES', sec(2), 4804.25, 1); // target 16 ticks = 4 points above 4800
    expect(trader.trades).toHaveLength(1);
    expect(trader.trades[0]).toMatchObject({ tradeId: 1, exitReason: 'target', trip: { qty: 2, entryPrice: 4800, exitPrice: 4804, netUsd: 400 } });
    expect(trader.counters).toMatchObject({ decisions: 2, directional: 2, busy: 1, entries: 1 });
    expect(trader.risk.position('ES')).toBe(0);
    expect(trader.risk.balance).toBe(25_400);
  });

  test('the ML filter: rejected signals place nothing; an approved one is sized with its mean', async () => {
    const broker = new SimBroker();
    const seen: number[][] = [];
    let next: MlScore = { scores: [0.2, 0.3, 0.4], mean: 0.3, approved: false, hashes: ['a', 'b', 'c'] };
    const trader = new SignalTrader(broker, {
      startingBalance: 25_000, winProbability: 0.9, missingFeature: -9,
      scoreSignal: (f) => (seen.push([...f]), next),
    });
    broker.onTrade('ES', sec(0), 4800, 1);
    await trader.onDecision(decision('short'), sec(0));
    expect(broker.openOrders).toBe(0);
    expect(seen[0]).toEqual([0.5, -9, 1, 0, 0, 0, -9, 1]);
    // Mean 0.34 with b = 2: Kelly 0.34 − 0.66/2 = 0.01 → stake 25,000 · 0.01 · 0.25 = 62.5 < one contract's $100.
    next = { scores: [0.34, 0.34, 0.34], mean: 0.34, approved: true, hashes: ['a', 'b', 'c'] };
    await trader.onDecision(decision('short'), sec(1));
    expect(trader.counters).toMatchObject({ mlRejected: 1, riskRefused: { MIA_RISK_SIZE_ZERO: 1 }, entries: 0 });
  });

  test('finish closes an open position at the last price; entries wait for tradeFromNs', async () => {
    const broker = new SimBroker();
    const trader = new SignalTrader(broker, { startingBalance: 25_000, winProbability: 0.5, tradeFromNs: sec(10) });
    broker.onTrade('ES', sec(0), 4800, 1);
    await trader.onDecision(decision('short'), sec(0));
    expect(trader.counters.entries).toBe(0);
    expect(trader.withheld).toEqual({ beforeStart: 1 });
    await trader.onDecision(decision('short'), sec(10));
    broker.onTrade('ES', sec(11), 4800, 1);
    broker.onTrade('ES', sec(12), 4799, 1);
    trader.finish();
    expect(trader.trades[0]).toMatchObject({ exitReason: 'end', trip: { side: 'short', qty: 2, exitPrice: 4799, netUsd: 100 } });
    expect(broker.openOrders).toBe(0);
  });

  test('on a venue that fills later: the liquidation\'s fill closes the trade as end, the symbol busy until then', async () => {
    const venue = new LaterVenue();
    const trader = new SignalTrader(venue, { startingBalance: 25_000, winProbability: 0.5 });
    venue.price('ES', 4800);
    await trader.onDecision(decision('long'), sec(0));
    expect(venue.brackets).toEqual([{ symbol: 'ES', side: 'buy', qty: 2, entry: { type: 'market' }, stopPrice: 4798, targetPrice: 4804, tag: '1' }]);
    venue.fill('ES', 'buy', 2, 4800.25, sec(1), 'market', '1');
    trader.finish();
    expect(venue.liquidations).toEqual([['ES', 2]]);
    expect(trader.trades).toHaveLength(0);
    await trader.onDecision(decision('long'), sec(2));
    expect(trader.counters).toMatchObject({ busy: 1, entries: 1 });
    venue.fill('ES', 'sell', 2, 4801, sec(3), 'market', 'liquidate');
    expect(trader.trades[0]).toMatchObject({ tradeId: 1, exitReason: 'end', trip: { side: 'long', qty: 2, entryPrice: 4800.25, exitPrice: 4801, netUsd: 75 } });
    expect(trader.ledger.position('ES')).toBe(0);
  });

  test('a bracket the venue refuses throws, counts no entry and leaves the symbol free', async () => {
    const venue = new LaterVenue();
    const trader = new SignalTrader(venue, { startingBalance: 25_000, winProbability: 0.5 });
    venue.price('ES', 4800);
    venue.refuse = true;
    expect(() => trader.onDecision(decision('short'), sec(0))).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_ORDER' }));
    venue.refuse = false;
    await trader.onDecision(decision('short'), sec(1));
    expect(trader.counters).toMatchObject({ busy: 0, entries: 1 });
    expect(venue.brackets[0]).toMatchObject({ side: 'sell', stopPrice: 4802, targetPrice: 4796, tag: '1' });
  });

  test('a decision the caller withholds (its data unfit to trade on) places nothing and is counted under its reason', async () => {
    const venue = new LaterVenue();
    const trader = new SignalTrader(venue, { startingBalance: 25_000, winProbability: 0.5 });
    venue.price('ES', 4800);
    await trader.onDecision(decision('long'), sec(0), 'Gap');
    await trader.onDecision(decision('long'), sec(1), 'Gap');
    await trader.onDecision(decision('flat'), sec(2), 'Stale'); // flat: nothing to withhold
    expect(venue.brackets).toEqual([]);
    expect(trader.withheld).toEqual({ Gap: 2 });
    expect(trader.counters).toMatchObject({ decisions: 3, directional: 0, entries: 0 });
    await trader.onDecision(decision('long'), sec(3));
    expect(trader.counters.entries).toBe(1);
  });

  test('result: realised P&L per symbol asked for (0 without a trade) and in total, round trips and wins', () => {
    const broker = new SimBroker();
    const trader = new SignalTrader(broker, { startingBalance: 25_000, winProbability: 0.5 });
    broker.onTrade('ES', sec(0), 4800, 1);
    trader.onDecision(decision('long'), sec(0));
    broker.onTrade('ES', sec(1), 4800, 1);
    broker.onTrade('ES', sec(2), 4804.25, 1); // target 4804: +4 points · 2 · $50 = +400
    trader.onDecision(decision('long'), sec(3)); // sized at 4804.25: stop 4802.25, target 4808.25
    broker.onTrade('ES', sec(4), 4804, 1); // entry
    broker.onTrade('ES', sec(5), 4802, 1); // the stop triggers
    broker.onTrade('ES', sec(6), 4801.5, 1); // and fills here: (4801.5 − 4804) · 2 · $50 = −250
    expect(trader.result(['ES', 'NQ'])).toEqual({ pnlUsd: { ES: 150, NQ: 0 }, totalUsd: 150, roundTrips: 2, wins: 1 });
  });

  test('finish tries every symbol: a close the venue refuses is thrown after the others were sent', async () => {
    const venue = new LaterVenue();
    const trader = new SignalTrader(venue, { startingBalance: 25_000, winProbability: 0.5 });
    venue.price('ES', 4800);
    venue.price('NQ', 17000);
    await trader.onDecision(decision('long'), sec(0));
    await trader.onDecision({ ...decision('long'), symbol: 'NQ' }, sec(0));
    venue.fill('ES', 'buy', 2, 4800, sec(1), 'market', '1');
    venue.fill('NQ', 'buy', 2, 17000, sec(1), 'market', '2');
    venue.refuseLiquidate.add('ES');
    expect(() => trader.finish()).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_ORDER' }));
    expect(venue.liquidations).toEqual([['NQ', 2]]);
  });
});
