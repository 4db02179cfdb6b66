import { ExecutionError, ExecutionErrorCode } from '../../execution/execution-errors.js';
import type {
  BracketIds, BracketRequest, CancelReason, ExecutionEvent, ExecutionVenue, Fill, OrderRequest, OrderSide, OrderStatus, OrderRecord, OrderView,
} from '../../execution/execution-venue.js';
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
  cancelRequested: boolean;
}

const wallClockNs = (): bigint => BigInt(Date.now()) * 1_000_000n;
const done = (s: OrderStatus): boolean => s === 'filled' || s === 'cancelled';

/**
 * The IB paper route ({@link IbOrderRoute}) behind the engine's {@link ExecutionVenue}, so strategy code sends
 * to IB paper as it does to the SimBroker. Every bracket is asked of the `approval` given here.
 *
 * What the route can express bounds what this venue accepts: brackets with a **limit** entry only. Market and
 * stop entries, and single orders (`submit`), throw `MIA_ERR_BAD_ORDER`; the route's own refusals (approval,
 * connection, paper account, price grid, stop and target around the entry) surface unchanged as
 * `MIA_ERR_IB_ORDER_REFUSED`.
 *
 * Order ids are IB's. Views follow the route's events: PreSubmitted on a leg whose entry has not filled is
 * `held`, other PreSubmitted / Submitted are `working` (the first time: `accepted`), Filled / executions are
 * `filled`, Cancelled / ApiCancelled / Inactive are `cancelled`. A `filled` event is emitted per IB execution
 * (de-duplicated by exec id) with its quantity, side and price; commission is 0 because the route does not
 * report IB's commission reports. Fill times come from the execution's time when IB stamps it in UTC;
 * every other time (submission, acceptance, cancellation, executions in another time zone) is the arrival
 * time of the route's event on the `nowNs` clock, since IB's order statuses carry no time. Cancel reasons:
 * `request` for an order this venue was asked to cancel, `oco` when the other leg has filled, `parent` when
 * the entry was cancelled; a cancel IB starts by itself (an expiry, a rejection, Inactive) is reported as
 * `request`, the interface having no broker-side reason (the route's `rejected` event carries IB's code).
 */
export class IbExecutionVenue implements ExecutionVenue {
  private readonly route: IbOrderRoute;
  private readonly approval: OrderApproval;
  private readonly nowNs: () => bigint;
  private readonly orders = new Map<number, VenueOrder>();
  private readonly execIds = new Set<string>();
  private readonly listeners: Array<(e: ExecutionEvent) => void> = [];

  constructor(route: IbOrderRoute, approval: OrderApproval, options: IbExecutionVenueOptions = {}) {
    this.route = route;
    this.approval = approval;
    this.nowNs = options.nowNs ?? wallClockNs;
    route.onEvent((e) => this.onRouteEvent(e));
  }

  /** Always throws `MIA_ERR_BAD_ORDER`: the IB route sends brackets only. */
  submit(request: OrderRequest): number {
    throw new ExecutionError(ExecutionErrorCode.BAD_ORDER,
      'the IB paper route sends brackets with a limit entry only; single orders are not supported', { symbol: request.symbol, type: request.type });
  }

  /**
   * Sends the bracket through the route (limit entries only, else `MIA_ERR_BAD_ORDER`); the route's refusals
   * throw `MIA_ERR_IB_ORDER_REFUSED` and send nothing.
   */
  submitBracket(r: BracketRequest): BracketIds {
    if (r.entry.type !== 'limit') {
      throw new ExecutionError(ExecutionErrorCode.BAD_ORDER,
        `the IB paper route supports brackets with a limit entry only, not a ${r.entry.type} entry`, { symbol: r.symbol, entry: r.entry.type });
    }
    if (r.side !== 'buy' && r.side !== 'sell') throw new ExecutionError(ExecutionErrorCode.BAD_ORDER, `side must be buy or sell, got ${String(r.side)}`);
    if (!Number.isInteger(r.qty) || r.qty < 1) throw new ExecutionError(ExecutionErrorCode.BAD_ORDER, `quantity must be a positive integer, got ${r.qty}`, { symbol: r.symbol });
    const ids = this.route.placeBracket(
      { kind: 'bracket', symbol: r.symbol, action: r.side === 'buy' ? 'BUY' : 'SELL', quantity: r.qty, entry: r.entry.limitPrice, stop: r.stopPrice, target: r.targetPrice },
      this.approval,
    );
    const now = this.nowNs();
    const exit: OrderSide = r.side === 'buy' ? 'sell' : 'buy';
    const base = { symbol: r.symbol, qty: r.qty, submittedNs: now, tag: r.tag, executed: 0, cancelRequested: false };
    this.orders.set(ids.parentId, {
      ...base, id: ids.parentId, side: r.side, type: 'limit', limitPrice: r.entry.limitPrice, stopPrice: undefined, status: 'pending', parentId: undefined, ocoId: undefined,
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
   * Asks IB to cancel (an entry's cancel takes its legs with it); the `cancelled` event follows IB's status.
   * Throws the route's `MIA_ERR_IB_ORDER_REFUSED` while disconnected.
   */
  cancel(id: number): boolean {
    const o = this.orders.get(id);
    if (!o || done(o.status)) return false;
    this.route.cancel(id);
    o.cancelRequested = true;
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
      this.emit({ kind: 'filled', order: view(o), fill });
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
        return;
    }
  }

  /** Working for the first time: `accepted`, before anything else is reported about the order. */
  private accept(o: VenueOrder): void {
    if (o.status !== 'pending' && o.status !== 'held') return;
    o.status = 'working';
    this.emit({ kind: 'accepted', order: view(o), tsNs: this.nowNs() });
  }

  private reasonOf(o: VenueOrder): CancelReason {
    if (o.cancelRequested) return 'request';
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
  return Number.isFinite(ms) ? BigInt(ms) * 1_000_000n : undefined;
}
