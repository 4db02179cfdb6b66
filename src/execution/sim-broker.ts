import { configError, ErrorCode } from '../common/errors.js';
import { type TradeBatch } from '../model/trade-batch.js';
import { joinNs, splitNs } from '../model/time.js';
import { CONTRACT_SPECS, contractSpec, onTickGrid, stopOnLosingSide, type ContractSpec } from '../model/contract-specs.js';
import { ExecutionError, ExecutionErrorCode } from './execution-errors.js';
import type {
  BracketIds, BracketRequest, CancelReason, ExecutionEvent, Fill, OrderRequest, OrderSide, OrderType, OrderRecord, OrderView, TradingVenue,
} from './execution-venue.js';

/** Fill model parameters; every time is market (event) time, never the wall clock. */
export interface SimBrokerConfig {
  /** Time from sending an order (or a cancel) to its arrival at the venue, ns of market time. */
  latencyNs: number;
  /** Ticks added against the order to market fills and triggered stops (never to limit fills). */
  slippageTicks: number;
  /** Commission per contract per side, dollars. */
  commissionPerContract: number;
  /**
   * Limit orders at their own price: `null` fills only when a trade prints through the price (strictly
   * better for the order: no queue assumption, the conservative default); a number n places the order
   * behind n contracts at its price, so it fills once trades at that price have added up to n + qty.
   */
  limitQueueAhead: number | null;
  /** Tick size and point value per root symbol. */
  specs: Readonly<Record<string, ContractSpec>>;
}

/** Zero latency, slippage and commission; fills only on trades through a limit price. */
export const DEFAULT_SIM_BROKER_CONFIG: SimBrokerConfig = {
  latencyNs: 0, slippageTicks: 0, commissionPerContract: 0, limitQueueAhead: null, specs: CONTRACT_SPECS,
};

interface SimOrder extends OrderRecord {
  /** +1 buy, −1 sell. */
  sign: number;
  tickSize: number;
  /** Arrival at the venue (submit time + latency), split like the tape's timestamps. */
  activeHi: number;
  activeLo: number;
  /** A cancel in flight arrives at this time; -1 when none. */
  cancelHi: number;
  cancelLo: number;
  /** Marketable on arrival and not yet matched: fills at the first trade's price (at or better than the limit). */
  fresh: boolean;
  /** Contracts traded at the limit price since the order started working (queue assumption). */
  atPriceVolume: number;
  /** Bracket legs waiting for this entry to fill. */
  children: SimOrder[];
}

/** A limit order whose price the market is already at or through (it takes liquidity on arrival). */
const marketable = (o: SimOrder, lastPrice: number): boolean => o.type === 'limit' && o.sign * (o.limitPrice! - lastPrice) >= 0;

const before = (h: number, l: number, h2: number, l2: number): boolean => h < h2 || (h === h2 && l < l2);

/**
 * A deterministic simulated venue for backtests and paper mode. Orders match against the trades it is
 * shown (`onTrades`), in their order; its clock is the time of the last trade seen. Market orders fill on
 * the first trade after their arrival; limits fill when a trade prints through the price (or at it, under
 * the queue assumption), at the limit price, or at the trade price when marketable on arrival (the last trade
 * before it arrived was at or through its price); stops
 * trigger on a trade at or through the stop and fill at the next trade. Market and stop fills pay
 * `slippageTicks` against the order. Fills are never split. Bracket legs start working at the entry's
 * fill and match from the next trade on; one leg filling cancels the other at once (venue-held OCO).
 */
export class SimBroker implements TradingVenue {
  /** Parameters in use. */
  readonly config: SimBrokerConfig;
  private readonly orders = new Map<number, SimOrder>();
  /** Orders pending, working or triggered, in submission order (matching order). */
  private live: SimOrder[] = [];
  private readonly listeners: Array<(e: ExecutionEvent) => void> = [];
  private nextId = 1;
  private nowHi = 0;
  private nowLo = 0;
  private readonly lastPrice = new Map<string, number>();

  constructor(config: Partial<SimBrokerConfig> = {}) {
    const c = { ...DEFAULT_SIM_BROKER_CONFIG, ...config };
    if (!(c.latencyNs >= 0) || !Number.isInteger(c.latencyNs)) throw configError(ErrorCode.BAD_CONFIG, 'latencyNs must be a whole number >= 0');
    if (!(c.slippageTicks >= 0) || !(c.commissionPerContract >= 0)) throw configError(ErrorCode.BAD_CONFIG, 'slippageTicks and commissionPerContract must be >= 0');
    if (c.limitQueueAhead !== null && !(c.limitQueueAhead >= 0)) throw configError(ErrorCode.BAD_CONFIG, 'limitQueueAhead must be null or >= 0');
    this.config = c;
  }

  /** Market time of the last trade seen, ns. */
  get nowNs(): bigint {
    return joinNs(this.nowHi, this.nowLo);
  }

  /** Orders pending, working or triggered. */
  get openOrders(): number {
    return this.live.length;
  }

  /** Price of the last trade seen for a symbol. */
  last(symbol: string): number | undefined {
    return this.lastPrice.get(symbol);
  }

  onEvent(listener: (event: ExecutionEvent) => void): void {
    this.listeners.push(listener);
  }

  order(id: number): OrderView | undefined {
    return this.orders.get(id);
  }

  submit(r: OrderRequest): number {
    const o = this.create(r.symbol, r.side, r.qty, r.type, r.limitPrice, r.stopPrice, r.tag, undefined);
    this.send(o);
    return o.id;
  }

  submitBracket(r: BracketRequest): BracketIds {
    const entry = this.create(r.symbol, r.side, r.qty, r.entry.type, r.entry.type === 'limit' ? r.entry.limitPrice : undefined,
      r.entry.type === 'stop' ? r.entry.stopPrice : undefined, r.tag, undefined);
    const exit: OrderSide = r.side === 'buy' ? 'sell' : 'buy';
    if (!stopOnLosingSide(r.side === 'buy', r.stopPrice, r.targetPrice)) throw new ExecutionError(ExecutionErrorCode.BAD_ORDER, `bracket: the stop ${r.stopPrice} must be on the losing side of the target ${r.targetPrice}`);
    const stop = this.create(r.symbol, exit, r.qty, 'stop', undefined, r.stopPrice, r.tag, entry.id);
    const target = this.create(r.symbol, exit, r.qty, 'limit', r.targetPrice, undefined, r.tag, entry.id);
    stop.ocoId = target.id;
    target.ocoId = stop.id;
    entry.children.push(stop, target);
    this.send(entry);
    return { entry: entry.id, stop: stop.id, target: target.id };
  }

  cancel(id: number): boolean {
    const o = this.orders.get(id);
    if (!o || o.status === 'filled' || o.status === 'cancelled') return false;
    if (o.status === 'held' || this.config.latencyNs === 0) {
      this.finishCancel(o, 'request');
      this.compact();
      return true;
    }
    if (o.cancelHi < 0) [o.cancelHi, o.cancelLo] = splitNs(this.nowNs + BigInt(this.config.latencyNs));
    return true;
  }

  /**
   * Cancels every order of the symbol at once and closes `position` (signed contracts) at the last trade
   * price with slippage: the end of a replay, or a CATASTROPHE flatten. Returns the closing order's id, or
   * undefined when the position is flat.
   */
  liquidate(symbol: string, position: number): number | undefined {
    for (const o of this.orders.values()) {
      if (o.symbol === symbol && (o.status === 'held' || o.status === 'pending' || o.status === 'working' || o.status === 'triggered')) this.finishCancel(o, 'liquidate');
    }
    this.compact();
    const price = this.lastPrice.get(symbol);
    if (position === 0 || price === undefined) return undefined;
    const o = this.create(symbol, position > 0 ? 'sell' : 'buy', Math.abs(position), 'market', undefined, undefined, 'liquidate', undefined);
    o.status = 'working';
    this.fill(o, price + o.sign * this.config.slippageTicks * o.tickSize);
    return o.id;
  }

  /** One trade (tests and callers without batches). */
  onTrade(symbol: string, tsNs: bigint, price: number, size: number): void {
    const [hi, lo] = splitNs(tsNs);
    this.match(symbol, hi, lo, price, size);
  }

  /**
   * Trades `from`..`to` of a batch of one symbol, in order. Only the clock and the last price move over the
   * trades that cannot reach any working order's level (all of them when nothing is working): the per-trade
   * loop starts at the first trade that can fill, trigger, activate or cancel something.
   */
  onTrades(symbol: string, batch: TradeBatch, from: number, to: number): void {
    if (to <= from) return;
    const start = this.live.length === 0 ? to : this.firstReaching(symbol, batch.price, from, to);
    if (start > from) {
      this.nowHi = batch.tsHi[start - 1]!;
      this.nowLo = batch.tsLo[start - 1]!;
      this.lastPrice.set(symbol, batch.price[start - 1]!);
    }
    for (let j = start; j < to; j++) this.match(symbol, batch.tsHi[j]!, batch.tsLo[j]!, batch.price[j]!, batch.size[j]!);
  }

  /**
   * The first trade of `from`..`to` at a price where a working order of `symbol` acts (`from` when one acts on
   * any trade: market, triggered stop, pending arrival, cancel in flight). Buy limits and sell stops act at or
   * below their level, sell limits and buy stops at or above (fillPrice); the trades before the first that
   * reaches one only make each working order of the symbol no longer fresh, as match does, so they are
   * passed over with one compare each.
   */
  private firstReaching(symbol: string, price: Float64Array, from: number, to: number): number {
    let low = Number.NEGATIVE_INFINITY;
    let high = Number.POSITIVE_INFINITY;
    const list = this.live;
    for (let k = 0; k < list.length; k++) {
      const o = list[k]!;
      if (o.symbol !== symbol || o.status === 'filled' || o.status === 'cancelled') continue;
      if (o.status !== 'working' || o.cancelHi >= 0 || o.type === 'market') return from;
      const level = o.type === 'limit' ? o.limitPrice! : o.stopPrice!;
      if ((o.type === 'limit') === (o.sign > 0)) low = Math.max(low, level);
      else high = Math.min(high, level);
    }
    let j = from;
    while (j < to && price[j]! > low && price[j]! < high) j++;
    if (j > from) for (const o of list) if (o.symbol === symbol && o.status === 'working') o.fresh = false;
    return j;
  }

  private match(symbol: string, hi: number, lo: number, price: number, size: number): void {
    const prev = this.lastPrice.get(symbol);
    this.nowHi = hi;
    this.nowLo = lo;
    this.lastPrice.set(symbol, price);
    // Compaction replaces the array, so this list stays as it was; orders added while matching (legs armed
    // by a fill, orders a listener sends) land beyond n and start with the next trade.
    const list = this.live;
    const n = list.length;
    if (n === 0) return;
    let changed = false;
    for (let k = 0; k < n; k++) {
      const o = list[k]!;
      if (o.symbol !== symbol || o.status === 'filled' || o.status === 'cancelled') continue;
      if (o.cancelHi >= 0 && !before(hi, lo, o.cancelHi, o.cancelLo)) {
        this.finishCancel(o, 'request');
        changed = true;
        continue;
      }
      if (o.status === 'pending') {
        if (before(hi, lo, o.activeHi, o.activeLo)) continue;
        o.status = 'working';
        o.fresh = prev === undefined || marketable(o, prev);
        this.emit({ kind: 'accepted', order: o, tsNs: joinNs(o.activeHi, o.activeLo) });
      }
      const fillAt = this.fillPrice(o, price, size);
      o.fresh = false;
      if (fillAt !== undefined) {
        this.fill(o, fillAt);
        changed = true;
      }
    }
    if (changed) this.compact();
  }

  /** The price `o` fills at on this trade, or undefined (a stop may only trigger). */
  private fillPrice(o: SimOrder, price: number, size: number): number | undefined {
    const slip = o.sign * this.config.slippageTicks * o.tickSize;
    switch (o.type) {
      case 'market':
        return price + slip;
      case 'stop':
        if (o.status === 'triggered') return price + slip;
        // Buy stops trigger at or above the stop, sell stops at or below.
        if (o.sign * (price - o.stopPrice!) >= 0) o.status = 'triggered';
        return undefined;
      case 'limit': {
        const through = o.sign * (o.limitPrice! - price); // > 0: the trade is better than the limit for the order
        if (o.fresh && through >= 0) return price;
        if (through > 0) return o.limitPrice!;
        if (through === 0 && this.config.limitQueueAhead !== null) {
          o.atPriceVolume += size;
          if (o.atPriceVolume >= this.config.limitQueueAhead + o.qty) return o.limitPrice!;
        }
        return undefined;
      }
    }
  }

  private fill(o: SimOrder, price: number): void {
    o.status = 'filled';
    const fill: Fill = {
      orderId: o.id, symbol: o.symbol, side: o.side, qty: o.qty, price, tsNs: this.nowNs,
      commissionUsd: o.qty * this.config.commissionPerContract,
    };
    this.emit({ kind: 'filled', order: o, fill });
    if (o.ocoId !== undefined) {
      const other = this.orders.get(o.ocoId)!;
      if (other.status !== 'filled' && other.status !== 'cancelled') this.finishCancel(other, 'oco');
    }
    for (const c of o.children) {
      if (c.status !== 'held') continue;
      // Venue-held legs: working from the entry's fill, without another trip through the latency.
      c.status = 'working';
      c.fresh = marketable(c, this.lastPrice.get(o.symbol)!);
      [c.activeHi, c.activeLo] = [this.nowHi, this.nowLo];
      this.live.push(c);
      this.emit({ kind: 'accepted', order: c, tsNs: this.nowNs });
    }
  }

  private finishCancel(o: SimOrder, reason: CancelReason): void {
    o.status = 'cancelled';
    this.emit({ kind: 'cancelled', order: o, tsNs: this.nowNs, reason });
    for (const c of o.children) if (c.status === 'held') this.finishCancel(c, 'parent');
  }

  private compact(): void {
    this.live = this.live.filter((o) => o.status !== 'filled' && o.status !== 'cancelled');
  }

  private send(o: SimOrder): void {
    [o.activeHi, o.activeLo] = splitNs(o.submittedNs + BigInt(this.config.latencyNs));
    o.status = 'pending';
    this.live.push(o);
  }

  private create(symbol: string, side: OrderSide, qty: number, type: OrderType, limitPrice: number | undefined, stopPrice: number | undefined,
    tag: string | undefined, parentId: number | undefined): SimOrder {
    const spec = contractSpec(symbol, this.config.specs);
    if (!spec) throw new ExecutionError(ExecutionErrorCode.BAD_ORDER, `no contract specification for ${symbol}`, { symbol });
    if (!Number.isInteger(qty) || qty < 1) throw new ExecutionError(ExecutionErrorCode.BAD_ORDER, `quantity must be a positive integer, got ${qty}`, { symbol });
    if (side !== 'buy' && side !== 'sell') throw new ExecutionError(ExecutionErrorCode.BAD_ORDER, `side must be buy or sell, got ${String(side)}`);
    const price = type === 'limit' ? limitPrice : type === 'stop' ? stopPrice : 0;
    if (type !== 'market' && type !== 'limit' && type !== 'stop') throw new ExecutionError(ExecutionErrorCode.BAD_ORDER, `unknown order type ${String(type)}`);
    if (price === undefined || !Number.isFinite(price)) throw new ExecutionError(ExecutionErrorCode.BAD_ORDER, `a ${type} order needs its price`, { symbol });
    if (type !== 'market' && !onTickGrid(price, spec)) {
      throw new ExecutionError(ExecutionErrorCode.BAD_ORDER, `price ${price} is not on the ${spec.tickSize} tick grid of ${symbol}`, { symbol });
    }
    const o: SimOrder = {
      id: this.nextId++, symbol, side, qty, type, limitPrice: type === 'limit' ? limitPrice : undefined, stopPrice: type === 'stop' ? stopPrice : undefined,
      status: 'held', submittedNs: this.nowNs, parentId, ocoId: undefined, tag, sign: side === 'buy' ? 1 : -1, tickSize: spec.tickSize,
      activeHi: 0, activeLo: 0, cancelHi: -1, cancelLo: 0, fresh: true, atPriceVolume: 0, children: [],
    };
    this.orders.set(o.id, o);
    return o;
  }

  private emit(e: ExecutionEvent): void {
    for (const l of this.listeners) l(e);
  }
}
