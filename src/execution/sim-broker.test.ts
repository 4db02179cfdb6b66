import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { TradeBatch } from '../model/trade-batch.js';
import { splitNs } from '../model/time.js';
import type { ExecutionEvent } from './execution-venue.js';
import { PositionLedger } from './position-ledger.js';
import { SimBroker, type SimBrokerConfig } from './sim-broker.js';

const T0 = 1_700_000_000_000_000_000n;
const ms = (n: number): bigint => T0 + BigInt(n) * 1_000_000n;

/** A broker with an event log; `tape` feeds [ms, price, size?] trades of ES. */
function rig(config: Partial<SimBrokerConfig> = {}) {
  const broker = new SimBroker(config);
  const events: ExecutionEvent[] = [];
  broker.onEvent((e) => events.push(e));
  const tape = (...trades: Array<[number, number, number?]>): void => {
    for (const [t, p, s] of trades) broker.onTrade('ES', ms(t), p, s ?? 1);
  };
  const fills = () => events.flatMap((e) => (e.kind === 'filled' ? [{ id: e.order.id, price: e.fill.price, ts: e.fill.tsNs }] : []));
  return { broker, events, tape, fills };
}

describe('SimBroker market orders', () => {
  test('fill at the first trade after submission, with adverse slippage in ticks', () => {
    const { broker, tape, fills } = rig({ slippageTicks: 2 });
    tape([0, 4800]);
    const buy = broker.submit({ symbol: 'ES', side: 'buy', qty: 1, type: 'market' });
    const sell = broker.submit({ symbol: 'ES', side: 'sell', qty: 1, type: 'market' });
    expect(broker.order(buy)!.status).toBe('pending');
    tape([1, 4801]);
    // 2 ticks of 0.25 against each order: the buy pays more, the sell receives less.
    expect(fills()).toEqual([{ id: buy, price: 4801.5, ts: ms(1) }, { id: sell, price: 4800.5, ts: ms(1) }]);
  });

  test('latency in market time: trades before the arrival do not fill', () => {
    const { broker, tape, fills, events } = rig({ latencyNs: 5_000_000 });
    tape([0, 4800]);
    const id = broker.submit({ symbol: 'ES', side: 'buy', qty: 1, type: 'market' });
    tape([3, 4800.25], [4, 4800.5]);
    expect(fills()).toEqual([]);
    tape([5, 4800.75]);
    expect(fills()).toEqual([{ id, price: 4800.75, ts: ms(5) }]);
    expect(events[0]).toMatchObject({ kind: 'accepted', tsNs: ms(5) });
  });

  test('a cancel with latency: the order still fills before the cancel arrives', () => {
    const { broker, tape, fills, events } = rig({ latencyNs: 2_000_000 });
    tape([0, 4800]);
    const a = broker.submit({ symbol: 'ES', side: 'buy', qty: 1, type: 'limit', limitPrice: 4799 });
    const b = broker.submit({ symbol: 'ES', side: 'buy', qty: 1, type: 'limit', limitPrice: 4799 });
    tape([2, 4800]);
    expect(broker.cancel(a)).toBe(true);
    tape([3, 4798.75]); // a's cancel arrives at 4 ms: both fill at their limit
    expect(fills().map((f) => f.id)).toEqual([a, b]);
    expect(broker.cancel(a)).toBe(false);
    const c = broker.submit({ symbol: 'ES', side: 'buy', qty: 1, type: 'limit', limitPrice: 4790 });
    tape([5, 4795]);
    broker.cancel(c);
    tape([6, 4795], [7, 4789]);
    expect(broker.order(c)!.status).toBe('cancelled');
    expect(events.at(-1)).toMatchObject({ kind: 'cancelled', tsNs: ms(7), reason: 'request' });
  });
});

describe('SimBroker limit orders', () => {
  test('a resting buy fills at its price when a trade prints through it, not at it', () => {
    const { broker, tape, fills } = rig({ slippageTicks: 3 });
    tape([0, 4800]);
    const id = broker.submit({ symbol: 'ES', side: 'buy', qty: 2, type: 'limit', limitPrice: 4799.5 });
    tape([1, 4800], [2, 4799.5], [3, 4799.5]);
    expect(fills()).toEqual([]);
    tape([4, 4799.25]);
    // At the limit price, never with slippage.
    expect(fills()).toEqual([{ id, price: 4799.5, ts: ms(4) }]);
  });

  test('a sell limit marketable on arrival fills at the trade price', () => {
    const { broker, tape, fills } = rig();
    tape([0, 4800]);
    const id = broker.submit({ symbol: 'ES', side: 'sell', qty: 1, type: 'limit', limitPrice: 4799 });
    tape([1, 4800.25]);
    expect(fills()).toEqual([{ id, price: 4800.25, ts: ms(1) }]);
  });

  test('queue assumption: fills at the price once the volume ahead and its own quantity have traded', () => {
    const { broker, tape, fills } = rig({ limitQueueAhead: 10 });
    tape([0, 4800]);
    const id = broker.submit({ symbol: 'ES', side: 'sell', qty: 2, type: 'limit', limitPrice: 4801 });
    tape([1, 4800.75, 50], [2, 4801, 5], [3, 4801, 6]);
    expect(fills()).toEqual([]); // 11 of 12 traded at the price
    tape([4, 4801, 1]);
    expect(fills()).toEqual([{ id, price: 4801, ts: ms(4) }]);
  });
});

describe('SimBroker stop orders', () => {
  test('a sell stop triggers on a trade at the stop and fills at the next trade with slippage', () => {
    const { broker, tape, fills, events } = rig({ slippageTicks: 1 });
    tape([0, 4800]);
    const id = broker.submit({ symbol: 'ES', side: 'sell', qty: 1, type: 'stop', stopPrice: 4798 });
    tape([1, 4799], [2, 4798]);
    expect(broker.order(id)!.status).toBe('triggered');
    expect(fills()).toEqual([]);
    tape([3, 4797.5]);
    expect(fills()).toEqual([{ id, price: 4797.25, ts: ms(3) }]);
    expect(events.map((e) => e.kind)).toEqual(['accepted', 'filled']);
  });

  test('a buy stop triggers on a trade through it', () => {
    const { broker, tape, fills } = rig();
    tape([0, 4800]);
    const id = broker.submit({ symbol: 'ES', side: 'buy', qty: 1, type: 'stop', stopPrice: 4801 });
    tape([1, 4800.75], [2, 4801.5], [3, 4801.25]);
    expect(fills()).toEqual([{ id, price: 4801.25, ts: ms(3) }]);
  });
});

describe('SimBroker brackets', () => {
  test('the entry fill arms stop and target; the target fill cancels the stop', () => {
    const { broker, tape, events } = rig();
    tape([0, 4800]);
    const ids = broker.submitBracket({ symbol: 'ES', side: 'buy', qty: 1, entry: { type: 'market' }, stopPrice: 4798, targetPrice: 4804 });
    expect(broker.order(ids.stop)!.status).toBe('held');
    tape([1, 4800.25]);
    expect([broker.order(ids.entry)!.status, broker.order(ids.stop)!.status, broker.order(ids.target)!.status]).toEqual(['filled', 'working', 'working']);
    tape([2, 4803], [3, 4804], [4, 4804.25]);
    expect(broker.order(ids.target)!.status).toBe('filled');
    expect(broker.order(ids.stop)!.status).toBe('cancelled');
    expect(events.filter((e) => e.kind !== 'accepted').map((e) => [e.kind, e.order.id, e.kind === 'cancelled' ? e.reason : e.kind === 'filled' ? e.fill.price : 0]))
      .toEqual([['filled', ids.entry, 4800.25], ['filled', ids.target, 4804], ['cancelled', ids.stop, 'oco']]);
    expect(broker.openOrders).toBe(0);
  });

  test('a short bracket: the stop fills and cancels the target; the legs do not match the entry trade', () => {
    const { broker, tape, fills } = rig({ slippageTicks: 1 });
    tape([0, 4800]);
    const ids = broker.submitBracket({ symbol: 'ES', side: 'sell', qty: 2, entry: { type: 'limit', limitPrice: 4801 }, stopPrice: 4803, targetPrice: 4797 });
    tape([1, 4801.25]); // resting (the market was at 4800): fills at its price; the stop is not triggered by this trade
    tape([2, 4803], [3, 4803.5]);
    expect(fills()).toEqual([{ id: ids.entry, price: 4801, ts: ms(1) }, { id: ids.stop, price: 4803.75, ts: ms(3) }]);
    expect(broker.order(ids.target)!.status).toBe('cancelled');
  });

  test('cancelling the entry cancels the held legs', () => {
    const { broker, tape } = rig();
    tape([0, 4800]);
    const ids = broker.submitBracket({ symbol: 'ES', side: 'buy', qty: 1, entry: { type: 'limit', limitPrice: 4790 }, stopPrice: 4788, targetPrice: 4795 });
    expect(broker.cancel(ids.entry)).toBe(true);
    expect([ids.entry, ids.stop, ids.target].map((id) => broker.order(id)!.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
  });

  test('a stop on the wrong side of the target is refused with MIA_ERR_BAD_ORDER', () => {
    const { broker } = rig();
    expect(() => broker.submitBracket({ symbol: 'ES', side: 'buy', qty: 1, entry: { type: 'market' }, stopPrice: 4805, targetPrice: 4800 }))
      .toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_ORDER' }));
    expect(() => broker.submit({ symbol: 'ES', side: 'buy', qty: 1.5, type: 'market' })).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_ORDER' }));
    expect(() => broker.submit({ symbol: 'ES', side: 'buy', qty: 1, type: 'limit', limitPrice: 4800.1 })).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_ORDER' }));
    expect(() => broker.submit({ symbol: 'CL', side: 'buy', qty: 1, type: 'market' })).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_ORDER' }));
  });
});

describe('SimBroker profit and commission through the ledger', () => {
  test('ES long 2 lots, 4 points: 2·4·50 = 400 gross, 4 fills-per-contract sides · 2.25 = 9 commission', () => {
    const { broker, tape, events } = rig({ commissionPerContract: 2.25 });
    const ledger = new PositionLedger();
    const trips: ReturnType<PositionLedger['apply']>[] = [];
    broker.onEvent((e) => e.kind === 'filled' && trips.push(ledger.apply(e.fill)));
    tape([0, 4800]);
    broker.submitBracket({ symbol: 'ES', side: 'buy', qty: 2, entry: { type: 'market' }, stopPrice: 4798, targetPrice: 4804 });
    tape([1, 4800], [2, 4804.25]);
    const trip = trips.find(Boolean)!;
    expect(trip).toMatchObject({ symbol: 'ES', side: 'long', qty: 2, entryPrice: 4800, exitPrice: 4804, grossUsd: 400, commissionUsd: 9, netUsd: 391 });
    expect(events.filter((e) => e.kind === 'filled').map((e) => e.kind === 'filled' && e.fill.commissionUsd)).toEqual([4.5, 4.5]);
  });

  test('NQ short 1 lot stopped 2.5 points higher: −2.5·20 = −50', () => {
    const broker = new SimBroker();
    const ledger = new PositionLedger();
    const trips: unknown[] = [];
    broker.onEvent((e) => e.kind === 'filled' && trips.push(ledger.apply(e.fill)));
    broker.onTrade('NQ', ms(0), 16800, 1);
    broker.submitBracket({ symbol: 'NQ', side: 'sell', qty: 1, entry: { type: 'market' }, stopPrice: 16802.5, targetPrice: 16790 });
    broker.onTrade('NQ', ms(1), 16800, 1);
    broker.onTrade('NQ', ms(2), 16802.5, 1);
    broker.onTrade('NQ', ms(3), 16802.5, 1);
    expect(trips.at(-1)).toMatchObject({ side: 'short', entryPrice: 16800, exitPrice: 16802.5, grossUsd: -50, netUsd: -50 });
  });

  test('liquidate cancels working legs and closes at the last price', () => {
    const { broker, tape, fills } = rig({ slippageTicks: 1 });
    tape([0, 4800]);
    const ids = broker.submitBracket({ symbol: 'ES', side: 'buy', qty: 1, entry: { type: 'market' }, stopPrice: 4798, targetPrice: 4804 });
    tape([1, 4800], [2, 4801]);
    const id = broker.liquidate('ES', 1)!;
    expect(fills().at(-1)).toEqual({ id, price: 4800.75, ts: ms(2) });
    expect(broker.order(ids.stop)!.status).toBe('cancelled');
    expect(broker.openOrders).toBe(0);
  });
});

// Trades that cannot reach a working order's level are passed over in one scan (onTrades): whatever the
// orders, latency, queue assumption and tape, the events must be those of matching every trade one by one.

/** One step of a broker scenario: a batch of trades (tick moves, µs apart), a bracket, an order or a cancel. */
const step = fc.oneof(
  fc.record({ kind: fc.constant('trades' as const), moves: fc.array(fc.tuple(fc.integer({ min: -3, max: 3 }), fc.integer({ min: 0, max: 400 })), { minLength: 1, maxLength: 30 }) }),
  fc.record({ kind: fc.constant('bracket' as const), buy: fc.boolean(), stop: fc.integer({ min: 1, max: 6 }), target: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ kind: fc.constant('order' as const), buy: fc.boolean(), type: fc.constantFrom('limit' as const, 'stop' as const, 'market' as const), ticks: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
);
const config = fc.record({
  latencyNs: fc.constantFrom(0, 300_000), slippageTicks: fc.constantFrom(0, 1), limitQueueAhead: fc.constantFrom(null, 0, 3),
});
type Step = typeof step extends fc.Arbitrary<infer S> ? S : never;
/** The scenario's events, trades matched in batches (onTrades) or one by one (onTrade). */
const scenarioEvents = (cfg: Partial<SimBrokerConfig>, steps: Step[], batched: boolean): unknown[] => {
  const broker = new SimBroker(cfg);
  const log: unknown[] = [];
  broker.onEvent((e) => log.push([e.kind, e.order.id, e.order.status, e.kind === 'filled' ? [e.fill.price, e.fill.tsNs] : e.tsNs]));
  let ticks = 0;
  let us = 0;
  const ids: number[] = [];
  const price = (t: number): number => 4800 + 0.25 * t;
  broker.onTrade('ES', ms(0), price(0), 1);
  for (const s of steps) {
    try {
      if (s.kind === 'trades') {
        const b = new TradeBatch(s.moves.length);
        for (const [dt, dus] of s.moves) {
          ticks += dt;
          us += dus;
          b.push(...splitNs(T0 + BigInt(us) * 1000n), price(ticks), 1 + (us % 3), 1, 0);
        }
        if (batched) broker.onTrades('ES', b, 0, b.length);
        else for (let j = 0; j < b.length; j++) broker.onTrade('ES', b.tsNs(j), b.price[j]!, b.size[j]!);
      } else if (s.kind === 'bracket') {
        const sign = s.buy ? 1 : -1;
        ids.push(...Object.values(broker.submitBracket({
          symbol: 'ES', side: s.buy ? 'buy' : 'sell', qty: 1, entry: { type: 'market' }, stopPrice: price(ticks - sign * s.stop), targetPrice: price(ticks + sign * s.target),
        })));
      } else if (s.kind === 'order') {
        const at = price(ticks + s.ticks);
        ids.push(broker.submit({ symbol: 'ES', side: s.buy ? 'buy' : 'sell', qty: 1, type: s.type, ...(s.type === 'limit' ? { limitPrice: at } : s.type === 'stop' ? { stopPrice: at } : {}) }));
      } else if (ids.length > 0) broker.cancel(ids[s.pick % ids.length]!);
    } catch (e) {
      log.push(['refused', (e as { code?: string }).code]);
    }
  }
  log.push(['end', broker.openOrders, String(broker.nowNs), broker.last('ES')]);
  return log;
};

describe('SimBroker over batches', () => {
  test('identical events whether trades come one by one or in a batch', () => {
    const trades: Array<[number, number]> = [[0, 4800], [1, 4800.25], [2, 4799], [3, 4797.75], [4, 4797.5], [5, 4802], [6, 4805]];
    const run = (batched: boolean): unknown[] => {
      const broker = new SimBroker({ slippageTicks: 1, latencyNs: 1_000_000, commissionPerContract: 1 });
      const log: unknown[] = [];
      broker.onEvent((e) => log.push([e.kind, e.order.id, e.kind === 'filled' ? e.fill.price : null]));
      broker.onTrade('ES', ms(0), 4800, 1);
      broker.submitBracket({ symbol: 'ES', side: 'buy', qty: 1, entry: { type: 'market' }, stopPrice: 4798, targetPrice: 4804 });
      const rest = trades.slice(1);
      if (batched) {
        const b = new TradeBatch(16);
        for (const [t, p] of rest) b.push(...splitNs(ms(t)), p, 1, 1, 0);
        broker.onTrades('ES', b, 0, b.length);
      } else for (const [t, p] of rest) broker.onTrade('ES', ms(t), p, 1);
      return log;
    };
    expect(run(true)).toEqual(run(false));
    expect(run(true)).toContainEqual(['filled', 2, 4797.25]);
  });

  test('passing over the trades that reach no level gives the events of trade-by-trade matching', () => {
    fc.assert(fc.property(config, fc.array(step, { maxLength: 25 }), (cfg, steps) => {
      expect(scenarioEvents(cfg, steps, true)).toEqual(scenarioEvents(cfg, steps, false));
    }), { numRuns: 500 });
  });

  test('a target armed marketable is no longer fresh after a trade passed over: a later trade at its price does not fill it', () => {
    // Buy at market with the target one tick up; the entry fills 3 ticks up, so the target is armed marketable (fresh).
    const steps: Step[] = [
      { kind: 'bracket', buy: true, stop: 4, target: 1 },
      { kind: 'trades', moves: [[3, 10]] },
      { kind: 'trades', moves: [[-3, 10], [1, 10]] },
    ];
    const cfg = { latencyNs: 0, slippageTicks: 0, limitQueueAhead: null };
    const batched = scenarioEvents(cfg, steps, true);
    expect(batched).toEqual(scenarioEvents(cfg, steps, false));
    // Entry filled, legs accepted; the target at 4800.25 saw a trade at 4800 then one at its price: no fill.
    expect(batched.filter((e) => (e as unknown[])[0] === 'filled')).toHaveLength(1);
  });
});

