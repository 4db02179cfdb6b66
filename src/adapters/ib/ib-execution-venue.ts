import { ExecutionError, ExecutionErrorCode } from '../../execution/execution-errors.js';
import type {
  BracketIds, BracketRequest, CancelReason, ExecutionEvent, Fill, OrderRequest, OrderSide, OrderStatus, OrderRecord, OrderView, TradingVenue,
} from '../../execution/execution-venue.js';
import type { TradeBatch } from '../../model/trade-batch.js';
import { msToNs } from '../../model/time.js';
import type { IbOrderRoute, OrderApproval, OrderEvent } from './order-route.js';

/** Options of {@link IbExecutionVenue}. */
export interface IbExecutionVenueOptions {
  /**
   * Clock for times IB does not stamp (submission, status changes), ns since the Unix epoch. Defaults to the
   * wall clock: for a live route the arrival of IB's message is the event's market time.
   */
  nowNs?: () => bigint;
}

interface VenueOrder extends OrderRecord {
  /** Contracts executed so far (IB may split a fill). */
  executed: number;
  /** Why this venue asked IB to cancel it, if it did. */
  cancelAsked: CancelReason | undefined;
}

/** A liquidation in progress for one symbol. */
interface Closing {
  /** Signed contracts the close must sell (+) or buy (−): the caller's position plus every fill since. */
  remaining: number;
  /** The closing market order, once sent. */
  orderId: number | undefined;
  /** Market time of the last refused attempt to send it (a retry waits a second of trades), ns. */
  refusedNs: bigint | undefined;
}

const wallClockNs = (): bigint => msToNs(Date.now());
const done = (s: OrderStatus): boolean => s === 'filled' || s === 'cancelled';
/** Nothing more can happen to it: cancelled, or every contract executed (a Filled status may precede its executions). */
const settled = (o: VenueOrder): boolean => o.status === 'cancelled' || o.executed >= o.qty;
const RETRY_NS = 1_000_000_000n;

/**
 * The IB paper route ({@link IbOrderRoute}) behind the engine's {@link TradingVenue}, so strategy code
 * (`SignalTrader`) sends to IB paper as it does to the SimBroker. Every order is asked of the `approval` given
 * here.
 *
 * What the route can express bounds what this venue accepts: brackets with a **market** or **limit** entry,
 * and liquidations. Stop entries and single orders (`submit`) throw `MIA_ERR_BAD_ORDER`; the route's own
 * refusals (approval, connection, paper account, price grid, stop and target around the entry, or around the
 * last price for a market entry) surface unchanged as `MIA_ERR_IB_ORDER_REFUSED`.
 *
 * Prices: the route carries no market data, so the venue learns the market from the engine's tape
 * (`onPrice` / `onTrades`); `last` is the latest of those, and a market entry's stop and target are checked
 * around it (only against each other before the first price).
 *
 * Order ids are IB's. Views follow the route's events: PreSubmitted on a leg whose entry has not filled is
 * `held`, other PreSubmitted / Submitted are `working` (the first time: `accepted`), Filled / executions are
 * `filled`, Cancelled / ApiCancelled / Inactive are `cancelled`. A `filled` event is emitted per IB execution
 * (de-duplicated by exec id) with its quantity, side and price; commission is 0 because the route does not
 * report IB's commission reports. Fill times come from the execution's time when IB stamps it in UTC;
 * every other time (submission, acceptance, cancellation, executions in another time zone) is the arrival
 * time of the route's event on the `nowNs` clock, since IB's order statuses carry no time. Cancel reasons:
 * `request` for an order this venue was asked to cancel, `liquidate` for one a liquidation cancelled, `oco`
 * when the other leg has filled, `parent` when the entry was cancelled; a cancel IB starts by itself (an
 * expiry, a rejection, Inactive) is reported as `request`, the interface having no broker-side reason (the
 * route's `rejected` event carries IB's code).
 */
export class IbExecutionVenue implements TradingVenue {
  private readonly route: IbOrderRoute;
  private readonly approval: OrderApproval;
  private readonly nowNs: () => bigint;
  private readonly orders = new Map<number, VenueOrder>();
  private readonly execIds = new Set<string>();
  private readonly listeners: Array<(e: ExecutionEvent) => void> = [];
  private readonly prices = new Map<string, { price: number; tsNs: bigint }>();
  private readonly closing = new Map<string, Closing>();

  constructor(route: IbOrderRoute, approval: OrderApproval, options: IbExecutionVenueOptions = {}) {
    this.route = route;
    this.approval = approval;
    this.nowNs = options.nowNs ?? wallClockNs;
    route.onEvent((e) => this.onRouteEvent(e));
  }

  /** Always throws `MIA_ERR_BAD_ORDER`: the IB route sends brackets and liquidations only. */
  submit(request: OrderRequest): number {
    throw new ExecutionError(ExecutionErrorCode.BAD_ORDER,
      'the IB paper route sends brackets and liquidations only; single orders are not supported', { symbol: request.symbol, type: request.type });
  }

  /** A trade price from the engine's tape (market time `tsNs`): `last`, and a refused close's retry. */
  onPrice(symbol: string, price: number, tsNs: bigint): void {
    const p = this.prices.get(symbol);
    if (!p) this.prices.set(symbol, { price, tsNs });
    else {
      p.price = price;
      p.tsNs = tsNs;
    }
    const c = this.closing.get(symbol);
    if (c && c.refusedNs !== undefined && tsNs - c.refusedNs >= RETRY_NS) this.sendClose(symbol, c, false);
  }

  /** Trades `from`..`to` of a batch of one symbol, as the SimBroker takes them: the last one is the price. */
  onTrades(symbol: string, batch: TradeBatch, from: number, to: number): void {
    if (to > from) this.onPrice(symbol, batch.price[to - 1]!, batch.tsNs(to - 1));
  }

  /** The last price given to `onPrice` / `onTrades` for the symbol. */
  last(symbol: string): number | undefined {
    return this.prices.get(symbol)?.price;
  }

  /**
   * Sends the bracket through the route: a market entry (IB MKT, its stop and target checked around `last`)
   * or a limit entry; a stop entry throws `MIA_ERR_BAD_ORDER`. The route's refusals throw
   * `MIA_ERR_IB_ORDER_REFUSED` and send nothing.
   */
  submitBracket(r: BracketRequest): BracketIds {
    if (r.entry.type !== 'limit' && r.entry.type !== 'market') {
      throw new ExecutionError(ExecutionErrorCode.BAD_ORDER,
        `the IB paper route supports brackets with a market or limit entry, not a ${String(r.entry.type)} entry`, { symbol: r.symbol, entry: r.entry.type });
    }
    if (r.side !== 'buy' && r.side !== 'sell') throw new ExecutionError(ExecutionErrorCode.BAD_ORDER, `side must be buy or sell, got ${String(r.side)}`);
    if (!Number.isInteger(r.qty) || r.qty < 1) throw new ExecutionError(ExecutionErrorCode.BAD_ORDER, `quantity must be a positive integer, got ${r.qty}`, { symbol: r.symbol });
    const limit = r.entry.type === 'limit' ? r.entry.limitPrice : undefined;
    const lastPrice = this.last(r.symbol);
    const ids = this.route.placeBracket({
      kind: 'bracket', symbol: r.symbol, action: r.side === 'buy' ? 'BUY' : 'SELL', quantity: r.qty, entry: limit ?? 'market',
      stop: r.stopPrice, target: r.targetPrice, ...(limit === undefined && lastPrice !== undefined ? { lastPrice } : {}),
    }, this.approval);
    const now = this.nowNs();
    const exit: OrderSide = r.side === 'buy' ? 'sell' : 'buy';
    const base = { symbol: r.symbol, qty: r.qty, submittedNs: now, tag: r.tag, executed: 0, cancelAsked: undefined };
    this.orders.set(ids.parentId, {
      ...base, id: ids.parentId, side: r.side, type: r.entry.type, limitPrice: limit, stopPrice: undefined, status: 'pending', parentId: undefined, ocoId: undefined,
    });
    this.orders.set(ids.stopId, {
      ...base, id: ids.stopId, side: exit, type: 'stop', limitPrice: undefined, stopPrice: r.stopPrice, status: 'held', parentId: ids.parentId, ocoId: ids.targetId,
    });
    this.orders.set(ids.targetId, {
      ...base, id: ids.targetId, side: exit, type: 'limit', limitPrice: r.targetPrice, stopPrice: undefined, status: 'held', parentId: ids.parentId, ocoId: ids.stopId,
    });
    return { entry: ids.parentId, stop: ids.stopId, target: ids.targetId };
  }

  /**
   * Cancels every working order of the symbol (each leg too, so an entry that fills while its cancel is on the
   * way leaves no exit working), then closes what is left of `position` (signed contracts, the caller's, plus
   * every fill reported since) with a market order tagged `liquidate`, once IB has confirmed every cancel or
   * fill: sent earlier, it could race a leg's fill and reverse the position. With nothing working, the close
   * goes at once and the route's refusal throws `MIA_ERR_IB_ORDER_REFUSED` (nothing changed); a close refused
   * later is retried with the trade prices, at most once a second of market time. While a liquidation is in
   * progress for the symbol, another is the same one.
   */
  liquidate(symbol: string, position: number): void {
    if (!Number.isInteger(position)) throw new ExecutionError(ExecutionErrorCode.BAD_ORDER, `position must be whole contracts, got ${position}`, { symbol });
    const closeId = this.closing.get(symbol)?.orderId;
    for (const o of this.orders.values()) {
      if (o.symbol !== symbol || done(o.status) || o.cancelAsked !== undefined || o.id === closeId) continue;
      this.route.cancel(o.id);
      o.cancelAsked = 'liquidate';
    }
    if (this.closing.has(symbol)) return;
    const c: Closing = { remaining: position, orderId: undefined, refusedNs: undefined };
    this.closing.set(symbol, c);
    this.sendClose(symbol, c, true);
  }

  /** Symbols with a liquidation in progress (cancels or the close not yet confirmed): a shutdown waits for 0. */
  get liquidating(): number {
    return this.closing.size;
  }

  /**
   * Asks IB to cancel (an entry's cancel takes its legs with it); the `cancelled` event follows IB's status.
   * Throws the route's `MIA_ERR_IB_ORDER_REFUSED` while disconnected.
   */
  cancel(id: number): boolean {
    const o = this.orders.get(id);
    if (!o || done(o.status)) return false;
    this.route.cancel(id);
    o.cancelAsked = 'request';
    return true;
  }

  order(id: number): OrderView | undefined {
    const o = this.orders.get(id);
    return o && view(o);
  }

  onEvent(listener: (event: ExecutionEvent) => void): void {
    this.listeners.push(listener);
  }

  private onRouteEvent(e: OrderEvent): void {
    const o = this.orders.get(e.orderId);
    if (!o) return;
    if (e.type === 'execution') {
      // A Filled status may come ahead of its execution: only the executions count the quantity.
      if (o.executed >= o.qty || o.status === 'cancelled') return;
      if (e.execId !== '' && this.execIds.has(e.execId)) return;
      if (e.execId !== '') this.execIds.add(e.execId);
      this.accept(o);
      o.executed += e.quantity;
      if (o.executed >= o.qty) o.status = 'filled';
      const side: OrderSide = e.side === 'BOT' ? 'buy' : e.side === 'SLD' ? 'sell' : o.side;
      const fill: Fill = { orderId: o.id, symbol: o.symbol, side, qty: e.quantity, price: e.price, tsNs: ibTimeNs(e.time) ?? this.nowNs(), commissionUsd: 0 };
      const c = this.closing.get(o.symbol);
      if (c) c.remaining += side === 'buy' ? e.quantity : -e.quantity;
      this.emit({ kind: 'filled', order: view(o), fill });
      if (c && settled(o)) this.sendClose(o.symbol, c, false);
      return;
    }
    if (e.type !== 'status' || done(o.status)) return; // a rejection is followed by IB's Cancelled or Inactive status
    switch (e.status) {
      case 'PreSubmitted':
      case 'Submitted': {
        const parent = o.parentId === undefined ? undefined : this.orders.get(o.parentId);
        if (e.status === 'PreSubmitted' && parent && parent.status !== 'filled') o.status = 'held';
        else this.accept(o);
        return;
      }
      case 'Filled':
        // The fill event comes with the execution; a status ahead of it only settles the view.
        this.accept(o);
        o.status = 'filled';
        return;
      case 'Cancelled':
      case 'ApiCancelled':
      case 'Inactive':
        o.status = 'cancelled';
        this.emit({ kind: 'cancelled', order: view(o), tsNs: this.nowNs(), reason: this.reasonOf(o) });
        this.onCancelled(o);
        return;
    }
  }

  /** Working for the first time: `accepted`, before anything else is reported about the order. */
  private accept(o: VenueOrder): void {
    if (o.status !== 'pending' && o.status !== 'held') return;
    o.status = 'working';
    this.emit({ kind: 'accepted', order: view(o), tsNs: this.nowNs() });
  }

  /**
   * The liquidation's next step: nothing while an order of the symbol can still fill; then the close for what
   * is left (none when flat, and the liquidation is over). `now`: called by `liquidate`, so a refusal throws
   * to its caller; otherwise it is kept for a retry with the prices.
   */
  private sendClose(symbol: string, c: Closing, now: boolean): void {
    if (c.orderId !== undefined) {
      // Its fill ends the liquidation, even if the caller's position was not the venue's (remaining ≠ 0).
      if (settled(this.orders.get(c.orderId)!)) this.closing.delete(symbol);
      return;
    }
    for (const o of this.orders.values()) if (o.symbol === symbol && !settled(o)) return;
    if (c.remaining === 0) {
      this.closing.delete(symbol);
      return;
    }
    const side: OrderSide = c.remaining > 0 ? 'sell' : 'buy';
    const qty = Math.abs(c.remaining);
    let id: number;
    try {
      id = this.route.placeClose({ kind: 'close', symbol, action: side === 'buy' ? 'BUY' : 'SELL', quantity: qty }, this.approval);
    } catch (e) {
      // The route has logged and counted the refusal; from an IB event there is no caller to throw to.
      if (now) {
        this.closing.delete(symbol);
        throw e;
      }
      c.refusedNs = this.prices.get(symbol)?.tsNs ?? 0n;
      return;
    }
    c.orderId = id;
    c.refusedNs = undefined;
    this.orders.set(id, {
      id, symbol, side, qty, type: 'market', limitPrice: undefined, stopPrice: undefined, status: 'pending', submittedNs: this.nowNs(),
      parentId: undefined, ocoId: undefined, tag: 'liquidate', executed: 0, cancelAsked: undefined,
    });
  }

  /** A cancelled order may be the last a liquidation waits for; a cancelled close ends it (the position stays). */
  private onCancelled(o: VenueOrder): void {
    const c = this.closing.get(o.symbol);
    if (!c) return;
    if (c.orderId === o.id) this.closing.delete(o.symbol);
    else this.sendClose(o.symbol, c, false);
  }

  private reasonOf(o: VenueOrder): CancelReason {
    if (o.cancelAsked !== undefined) return o.cancelAsked;
    const other = o.ocoId === undefined ? undefined : this.orders.get(o.ocoId);
    if (other && other.executed > 0) return 'oco';
    const parent = o.parentId === undefined ? undefined : this.orders.get(o.parentId);
    if (parent?.status === 'cancelled') return 'parent';
    return 'request';
  }

  private emit(e: ExecutionEvent): void {
    for (const l of this.listeners) l(e);
  }
}

/** A snapshot, so an event shows the order as it was when the event happened. */
function view(o: VenueOrder): OrderView {
  return {
    id: o.id, symbol: o.symbol, side: o.side, qty: o.qty, type: o.type, limitPrice: o.limitPrice, stopPrice: o.stopPrice, status: o.status,
    submittedNs: o.submittedNs, parentId: o.parentId, ocoId: o.ocoId, tag: o.tag,
  };
}

/**
 * An execution time as IB writes it (`yyyyMMdd HH:mm:ss` then a zone) in ns, when the zone is UTC or GMT;
 * undefined otherwise (a TWS-local zone cannot be resolved safely here).
 */
export function ibTimeNs(text: string): bigint | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})[ -]+(\d{2}):(\d{2}):(\d{2})\s+(?:UTC|GMT|Etc\/UTC)$/.exec(text.trim());
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return Number.isFinite(ms) ? msToNs(ms) : undefined;
}
