import { EventName, OrderAction, OrderType, type Contract, type Execution, type IBApi, type Order } from '@stoqey/ib';
import type { Logger } from 'pino';
import { contractSpec, onTickGrid, stopOnLosingSide } from '../../model/contract-specs.js';
import { ibError, IbErrorCode } from './ib-errors.js';
import type { IbSource } from './ib-source.js';

/**
 * A bracket: an entry (at a limit price or at market) with a protective stop and a profit target, the two
 * exits one-cancels-other.
 */
export interface BracketOrder {
  kind: 'bracket';
  symbol: string;
  action: 'BUY' | 'SELL';
  /** Contracts, a positive integer. */
  quantity: number;
  /** Limit price of the entry, or `'market'` for a market entry. */
  entry: number | 'market';
  /** Stop price of the protective exit (below the entry for a buy). */
  stop: number;
  /** Limit price of the profit target (above the entry for a buy). */
  target: number;
  /**
   * The last trade price the caller has seen, for a market entry: its stop and target must then lie on either
   * side of it. Without it, a market entry's stop and target are only checked against each other.
   */
  lastPrice?: number;
}

/** A market order on its own that closes a position (a liquidation). */
export interface CloseOrder {
  kind: 'close';
  symbol: string;
  action: 'BUY' | 'SELL';
  /** Contracts, a positive integer. */
  quantity: number;
}

/** What the route sends, and what an {@link OrderApproval} is asked about. */
export type RouteOrder = BracketOrder | CloseOrder;

/** Order ids of a placed bracket. */
export interface BracketIds {
  parentId: number;
  targetId: number;
  stopId: number;
}

/** Which leg of a bracket an order is, or `close` for a closing order (whose parentId is 0, IB's "none"). */
export type OrderRole = 'entry' | 'target' | 'stop' | 'close';

/** Order events, typed: status changes, executions, and IB rejections. */
export type OrderEvent =
  | { type: 'status'; orderId: number; parentId: number; role: OrderRole; status: string; filled: number; remaining: number; avgFillPrice: number }
  | { type: 'execution'; orderId: number; parentId: number; role: OrderRole; execId: string; side: string; quantity: number; price: number; time: string }
  | { type: 'rejected'; orderId: number; parentId: number; role: OrderRole; code: number; text: string };

/** The answer of an {@link OrderApproval}: a refusal carries a reason (a risk reason code, for instance). */
export type ApprovalDecision = { approved: true } | { approved: false; reason: string; message?: string };

/**
 * The engine's consent for one order, asked just before it is sent; an order goes out only with an approval
 * that says yes. `riskApproval` (risk-approval.ts) implements it over the trader's risk engine. Closing orders are asked
 * too (`kind: 'close'`); an approval should let them through whatever its entry limits say, since a refused
 * close leaves the position open.
 */
export interface OrderApproval {
  /** Approves or refuses `order` now. */
  approve(order: RouteOrder): ApprovalDecision;
}

/** Settings of the IB route. Only paper trading exists: live trading is not exposed. */
export interface OrderRouteOptions {
  trading: 'paper';
}

/** The route's state for /health (`source.trading`). */
export interface OrderRouteHealth {
  mode: 'paper';
  /** True when a bracket could be sent now (connected, market data up, paper accounts, an order id). */
  ready: boolean;
  accounts: string;
  bracketsSent: number;
  closesSent: number;
  refused: number;
  lastRefusal: string | null;
  /** Orders sent whose last status is not final. */
  working: number;
}

const FINAL = new Set(['Filled', 'Cancelled', 'ApiCancelled', 'Inactive']);

/**
 * Paper orders through IB: a bracket is the parent entry, limit (LMT) or market (MKT), not transmitted, then
 * the target limit and the stop as its children (same OCA group, so a fill of one cancels the other), the
 * stop transmitting the family, as IB's bracket protocol requires; a close is one market order. Refuses
 * unless constructed for paper trading, the caller's approval says yes, the session is connected with market
 * data flowing (never trade blind: 1100 or a broken farm stops new orders), and every managed account is a
 * paper account (IB paper ids start with D). Its state shows in the source's health under `trading`.
 */
export class IbOrderRoute {
  private readonly source: IbSource;
  private readonly log: Logger;
  private readonly roles = new Map<number, { role: OrderRole; parentId: number; last: string }>();
  private readonly listeners: Array<(e: OrderEvent) => void> = [];
  private nextId = 0;
  private readonly counts = { bracketsSent: 0, closesSent: 0, refused: 0 };
  private lastRefusal: string | null = null;

  constructor(source: IbSource, o: OrderRouteOptions, log: Logger) {
    if ((o as { trading?: string }).trading !== 'paper') {
      throw ibError(IbErrorCode.IB_ORDER_REFUSED, 'orders need --trading paper explicitly (live trading is not available)', { trading: o.trading });
    }
    this.source = source;
    this.log = log;
    source.onConnected((id) => {
      this.nextId = Math.max(this.nextId, id);
    });
    source.addBinder((api) => this.bind(api));
    source.setTradingHealth(() => this.health());
  }

  /** Mode, readiness and counters for /health. */
  health(): OrderRouteHealth {
    const conn = this.source.connection;
    let working = 0;
    for (const r of this.roles.values()) if (!FINAL.has(r.last.split('/')[0]!)) working++;
    return {
      mode: 'paper', ready: this.source.connected() && paperOnly(conn.managedAccounts) && this.nextId > 0, accounts: conn.managedAccounts,
      ...this.counts, lastRefusal: this.lastRefusal, working,
    };
  }

  /** Subscribes to order events. */
  onEvent(listener: (e: OrderEvent) => void): void {
    this.listeners.push(listener);
  }

  /** Sends a bracket; throws MIA_ERR_IB_ORDER_REFUSED when it may not be sent. */
  placeBracket(order: BracketOrder, approval: OrderApproval): BracketIds {
    const refuse = this.refuser(order);
    const contract = this.checkSession(order, approval, refuse);
    const limit = typeof order.entry === 'number' ? order.entry : undefined;
    if (limit === undefined && order.entry !== 'market') refuse('the entry must be a limit price or market');
    const spec = contractSpec(order.symbol);
    if (!spec) return refuse(`no contract specification for ${order.symbol}`);
    for (const p of limit === undefined ? [order.stop, order.target] : [limit, order.stop, order.target]) {
      if (!onTickGrid(p, spec)) refuse(`price ${p} is not on the ${spec.tickSize} grid`);
    }
    const buy = order.action === 'BUY';
    const market = limit === undefined;
    // A market entry fills near the last trade: its exits must sit around that price, as a limit's around its limit.
    if (market && order.lastPrice !== undefined && !(order.lastPrice > 0 && Number.isFinite(order.lastPrice))) refuse(`last price ${order.lastPrice} is not a price`);
    const ref = limit ?? order.lastPrice;
    if (ref === undefined) {
      if (!stopOnLosingSide(buy, order.stop, order.target)) refuse('the stop must be on the losing side of the target');
    } else if (buy ? !(order.stop < ref && ref < order.target) : !(order.target < ref && ref < order.stop)) {
      refuse(market ? `stop and target must sit on either side of the last price ${ref}` : 'stop and target must sit on either side of the entry');
    }
    this.checkApproval(order, approval, refuse);
    const parentId = this.nextId;
    const ids = { parentId, targetId: parentId + 1, stopId: parentId + 2 };
    this.nextId += 3;
    const exit = buy ? OrderAction.SELL : OrderAction.BUY;
    const oca = `mia-${parentId}`;
    const side = buy ? OrderAction.BUY : OrderAction.SELL;
    const entry: Order = limit === undefined
      ? { action: side, orderType: OrderType.MKT, totalQuantity: order.quantity, tif: 'DAY', transmit: false }
      : { action: side, orderType: OrderType.LMT, lmtPrice: limit, totalQuantity: order.quantity, tif: 'DAY', transmit: false };
    const legs: Array<[number, OrderRole, Order]> = [
      [ids.parentId, 'entry', entry],
      [ids.targetId, 'target', { action: exit, orderType: OrderType.LMT, lmtPrice: order.target, totalQuantity: order.quantity, tif: 'GTC', parentId, ocaGroup: oca, ocaType: 1, transmit: false }],
      // The last leg transmits the whole family, so no exit is live without its sibling.
      [ids.stopId, 'stop', { action: exit, orderType: OrderType.STP, auxPrice: order.stop, totalQuantity: order.quantity, tif: 'GTC', parentId, ocaGroup: oca, ocaType: 1, transmit: true }],
    ];
    for (const [id, role, o] of legs) {
      this.roles.set(id, { role, parentId, last: '' });
      this.source.connection.send((api) => api.placeOrder(id, contract, o));
    }
    this.counts.bracketsSent++;
    this.log.info({ ...ids, symbol: order.symbol, action: order.action, quantity: order.quantity, entry: order.entry, stop: order.stop, target: order.target }, 'Paper bracket sent');
    return ids;
  }

  /** Sends a closing market order; returns its order id. Throws MIA_ERR_IB_ORDER_REFUSED when it may not be sent. */
  placeClose(order: CloseOrder, approval: OrderApproval): number {
    const refuse = this.refuser(order);
    const contract = this.checkSession(order, approval, refuse);
    this.checkApproval(order, approval, refuse);
    const id = this.nextId++;
    this.roles.set(id, { role: 'close', parentId: 0, last: '' });
    const o: Order = { action: order.action === 'BUY' ? OrderAction.BUY : OrderAction.SELL, orderType: OrderType.MKT, totalQuantity: order.quantity, tif: 'DAY', transmit: true };
    this.source.connection.send((api) => api.placeOrder(id, contract, o));
    this.counts.closesSent++;
    this.log.info({ orderId: id, symbol: order.symbol, action: order.action, quantity: order.quantity }, 'Paper close sent');
    return id;
  }

  /** Cancels an order (a bracket's parent cancels its legs). */
  cancel(orderId: number): void {
    if (!this.source.connection.connected) throw ibError(IbErrorCode.IB_ORDER_REFUSED, 'cancel refused: not connected to IB', { orderId });
    this.source.connection.send((api) => api.cancelOrder(orderId));
  }

  /** A refusal: counted, logged, thrown as MIA_ERR_IB_ORDER_REFUSED; nothing is sent. */
  private refuser(order: RouteOrder): (why: string, details?: Record<string, unknown>) => never {
    return (why, details = {}) => {
      this.counts.refused++;
      this.lastRefusal = why;
      this.log.warn({ kind: order.kind, symbol: order.symbol, action: order.action, why }, 'Paper order refused');
      throw ibError(IbErrorCode.IB_ORDER_REFUSED, `${order.kind} refused: ${why}`, { ...order, ...details });
    };
  }

  /** The checks every order passes before its prices: an approval given, a live paper session, a known contract, a sane size. */
  private checkSession(order: RouteOrder, approval: OrderApproval, refuse: (why: string) => never): Contract {
    if (!isApproval(approval)) refuse('no approval given');
    const conn = this.source.connection;
    if (!conn.connected) refuse('not connected to IB');
    if (!this.source.connected()) refuse('IB market data is down (connectivity lost or a data farm broken)');
    if (!paperOnly(conn.managedAccounts)) refuse(`not a paper account (${conn.managedAccounts || 'none'})`);
    const contract = this.source.contractOf(order.symbol);
    if (!contract) return refuse(`unknown symbol ${order.symbol}`);
    if (order.action !== 'BUY' && order.action !== 'SELL') refuse(`action must be BUY or SELL, not ${String(order.action)}`);
    if (!Number.isInteger(order.quantity) || order.quantity <= 0) refuse('quantity must be a positive integer');
    return contract;
  }

  /** Asked once, last, only for an order that could be sent; then an order id must exist. */
  private checkApproval(order: RouteOrder, approval: OrderApproval, refuse: (why: string, details?: Record<string, unknown>) => never): void {
    const decision = approval.approve(order);
    if (decision?.approved !== true) {
      const no = decision as { reason?: string; message?: string } | undefined;
      refuse(`not approved (${no?.reason ?? 'no decision'}${no?.message ? `: ${no.message}` : ''})`, { reason: no?.reason ?? null });
    }
    if (this.nextId <= 0) refuse('no order id from IB yet');
  }

  private emit(e: OrderEvent): void {
    for (const l of this.listeners) l(e);
  }

  private bind(api: IBApi): void {
    api.on(EventName.orderStatus, (orderId: number, status: string, filled: number, remaining: number, avgFillPrice: number) => {
      const r = this.roles.get(orderId);
      if (!r) return;
      // IB repeats statuses (openOrder and orderStatus come in pairs, and again on reconnect): changes only.
      const key = `${status}/${filled}`;
      if (key === r.last) return;
      r.last = key;
      this.log.info({ orderId, role: r.role, status, filled, remaining }, 'Order status');
      this.emit({ type: 'status', orderId, parentId: r.parentId, role: r.role, status, filled: Number(filled), remaining: Number(remaining), avgFillPrice });
    });
    api.on(EventName.execDetails, (_reqId: number, _contract: unknown, x: Execution) => {
      const r = x.orderId !== undefined ? this.roles.get(x.orderId) : undefined;
      if (!r) return;
      this.emit({
        type: 'execution', orderId: x.orderId!, parentId: r.parentId, role: r.role, execId: x.execId ?? '', side: x.side ?? '',
        quantity: Number(x.shares), price: Number(x.price), time: x.time ?? '',
      });
    });
    api.on(EventName.error, (err: Error, code: number, reqId: number) => {
      const r = this.roles.get(reqId);
      if (!r) return;
      this.log.warn({ orderId: reqId, role: r.role, code, text: err.message }, 'Order rejected');
      this.emit({ type: 'rejected', orderId: reqId, parentId: r.parentId, role: r.role, code, text: err.message });
    });
  }
}

/** Every managed account is a paper account (IB paper account ids start with D). */
function paperOnly(accounts: string): boolean {
  const list = accounts.split(',').filter(Boolean);
  return list.length > 0 && list.every((a) => a.startsWith('D'));
}

function isApproval(a: unknown): a is OrderApproval {
  return typeof a === 'object' && a !== null && typeof (a as OrderApproval).approve === 'function';
}
