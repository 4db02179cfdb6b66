/**
 * One interface for every place orders go: the simulated broker of backtests and paper mode
 * (`SimBroker`), and a live route (the IB paper route) behind the same shape. Strategy code talks to
 * this interface only, so a backtest and a paper session run the same code path.
 */

/** Buy or sell. */
export type OrderSide = 'buy' | 'sell';

/** Market, limit (price or better) or stop (becomes a market order once traded at or through). */
export type OrderType = 'market' | 'limit' | 'stop';

/**
 * Life cycle: `held` (a bracket leg waiting for its entry's fill), `pending` (sent, not yet at the venue:
 * latency), `working`, `triggered` (a stop traded at or through, filling on the next trade), then
 * `filled` or `cancelled`.
 */
export type OrderStatus = 'held' | 'pending' | 'working' | 'triggered' | 'filled' | 'cancelled';

/** Why an order was cancelled. */
export type CancelReason = 'request' | 'oco' | 'parent' | 'liquidate';

/** A single order. Prices are in index points and must lie on the instrument's tick grid. */
export interface OrderRequest {
  symbol: string;
  side: OrderSide;
  /** Contracts, a positive integer. */
  qty: number;
  type: OrderType;
  /** Limit price (limit orders). */
  limitPrice?: number;
  /** Trigger price (stop orders). */
  stopPrice?: number;
  /** Free text carried on events (strategy bookkeeping). */
  tag?: string;
}

/**
 * An entry with a protective stop and a profit target. The legs are held until the entry fills, then both
 * work as one-cancels-the-other: one leg filling cancels the other. `side` is the entry's side.
 */
export interface BracketRequest {
  symbol: string;
  side: OrderSide;
  qty: number;
  entry: { type: 'market' } | { type: 'limit'; limitPrice: number } | { type: 'stop'; stopPrice: number };
  stopPrice: number;
  targetPrice: number;
  tag?: string;
}

/** Order ids of a bracket. */
export interface BracketIds {
  entry: number;
  stop: number;
  target: number;
}

/** What the venue reports about an order. Times are ns since the Unix epoch of market (event) time. */
export interface OrderView {
  readonly id: number;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly qty: number;
  readonly type: OrderType;
  readonly limitPrice: number | undefined;
  readonly stopPrice: number | undefined;
  readonly status: OrderStatus;
  readonly submittedNs: bigint;
  /** The entry of a bracket leg. */
  readonly parentId: number | undefined;
  /** The other leg of a one-cancels-the-other pair. */
  readonly ocoId: number | undefined;
  readonly tag: string | undefined;
}

/** An OrderView a venue keeps and updates (its own bookkeeping; listeners get the read-only view). */
export type OrderRecord = { -readonly [K in keyof OrderView]: OrderView[K] };

/** One execution: all of an order's quantity (the simulator does not split fills). */
export interface Fill {
  orderId: number;
  symbol: string;
  side: OrderSide;
  qty: number;
  price: number;
  tsNs: bigint;
  /** Commission of this fill, dollars (per contract per side times qty). */
  commissionUsd: number;
}

/** Status changes and fills, in the order they happened. */
export type ExecutionEvent =
  | { kind: 'accepted'; order: OrderView; tsNs: bigint }
  | { kind: 'filled'; order: OrderView; fill: Fill }
  | { kind: 'cancelled'; order: OrderView; tsNs: bigint; reason: CancelReason };

/** Where orders go. */
export interface ExecutionVenue {
  /** Sends one order; returns its id. Malformed requests throw `MIA_ERR_BAD_ORDER`. */
  submit(request: OrderRequest): number;
  /** Sends an entry with its stop and target (held until the entry fills). */
  submitBracket(request: BracketRequest): BracketIds;
  /** Asks to cancel an order; false when it is already filled or cancelled (or unknown). */
  cancel(id: number): boolean;
  /** The order's current state. */
  order(id: number): OrderView | undefined;
  /** Registers a listener for every event, called synchronously as events happen. */
  onEvent(listener: (event: ExecutionEvent) => void): void;
}

/**
 * A venue a strategy can trade on (`SignalTrader`): the simulated broker, or the IB paper route's venue. On
 * top of orders and events it knows the last trade price (sizing, and the reference a market entry's stop and
 * target are placed around) and can liquidate a symbol.
 */
export interface TradingVenue extends ExecutionVenue {
  /** Price of the last trade the venue has seen for a symbol; undefined before the first. */
  last(symbol: string): number | undefined;
  /**
   * Cancels the symbol's working orders and closes `position` (signed contracts, as the caller holds it) with a
   * market order tagged `liquidate`. The simulator fills it at once; a live venue reports the close's fill
   * later, as any other `filled` event.
   */
  liquidate(symbol: string, position: number): void;
}
