import { type TradeBatch } from '../model/trade-batch.js';
import { splitNs } from '../model/time.js';
import type { InstrumentInfo, MarketSource, SourceKind, TradeSink } from './market-source.js';

/**
 * What the tap feeds every trade the engine takes: the simulated broker (it matches orders on them) or a live
 * venue (its last prices, the reference of a market entry's stop and target).
 */
export interface TapeFollower {
  /** Trades `from`..`to` of `batch`, one symbol's, in tape order. */
  onTrades(symbol: string, batch: TradeBatch, from: number, to: number): void;
}

/** What the tap calls between the engine's intake and its next poll. */
export interface TapHooks {
  /** True while decisions made on trades already taken wait to be handled: the intake holds. */
  holding(): boolean;
  /** Handles them (signals, ML filter, risk, orders); awaited before the poll returns. */
  drain(): Promise<void>;
  /** Trades taken so far, after each intake. */
  progress?(trades: number): void;
  /**
   * Called by `close()` before the source closes, once the engine has stopped polling: a live venue closes its
   * positions there while the connection is still up.
   */
  beforeClose?(): Promise<void>;
}

/** Options of a tap. */
export interface TapOptions {
  /** Stop before the first trade at or after this time (ns since the epoch). */
  toNs?: bigint;
  /** Name the engine publishes a single-instrument source under (the contract root of a backtest). */
  publishAs?: string;
}

/**
 * A MarketSource as the engine sees it, with a venue beside it on the same trades: the simulated broker of
 * backtests (`mia backtest`) and of paper trading on sim and replay in `mia serve`, or the IB paper venue.
 * Every trade the engine takes goes to the venue right after the engine has taken it (and, inline, published
 * what it closed), so the venue sees the whole tape in order and a decision never sees its own future: a
 * decision made on a snapshot is handled (`drain`) after the venue has seen every trade that snapshot covers
 * and before the engine takes another (the source keeps what the tap refuses meanwhile: IbSource queues it).
 */
export class BrokerTap implements MarketSource {
  readonly kind: SourceKind;
  readonly eager: boolean;
  readonly instruments: readonly InstrumentInfo[];
  qualityFlags?: (i: number) => number;
  health?: () => Record<string, unknown>;
  connected?: () => boolean;
  private readonly inner: MarketSource;
  private readonly broker: TapeFollower;
  private readonly hooks: TapHooks;
  private readonly toHi: number;
  private readonly toLo: number;
  private readonly bounded: boolean;
  private readonly tap: TradeSink;
  private sink: TradeSink | undefined;
  private ended = false;
  private taken = 0;

  constructor(inner: MarketSource, broker: TapeFollower, hooks: TapHooks, o: TapOptions = {}) {
    this.inner = inner;
    this.kind = inner.kind;
    this.eager = inner.eager;
    this.instruments = inner.instruments.map((i) => ({ ...i, symbol: o.publishAs ?? i.symbol }));
    this.broker = broker;
    this.hooks = hooks;
    this.bounded = o.toNs !== undefined;
    [this.toHi, this.toLo] = o.toNs !== undefined ? splitNs(o.toNs) : [0, 0];
    if (inner.qualityFlags) this.qualityFlags = (i) => inner.qualityFlags!(i);
    if (inner.health) this.health = () => inner.health!();
    if (inner.connected) this.connected = () => inner.connected!();
    this.tap = {
      offer: (i, batch, from, to, receivedUs) => this.offer(i, batch, from, to, receivedUs),
      quote: (i, tsNs, bid, ask, bidSize, askSize) => this.sink!.quote(i, tsNs, bid, ask, bidSize, askSize),
    };
  }

  /** Trades the engine (and the broker) have taken. */
  get trades(): number {
    return this.taken;
  }

  async poll(sink: TradeSink): Promise<boolean> {
    this.sink = sink;
    const more = this.ended ? false : await this.inner.poll(this.tap);
    if (this.hooks.holding()) await this.hooks.drain();
    return more && !this.ended;
  }

  async close(): Promise<void> {
    try {
      await this.hooks.beforeClose?.();
    } finally {
      await this.inner.close();
    }
  }

  private offer(i: number, batch: TradeBatch, from: number, to: number, receivedUs: number): number {
    if (this.ended || this.hooks.holding()) return 0;
    let cut = to;
    if (this.bounded) {
      const h = this.toHi;
      const l = this.toLo;
      for (let j = from; j < to; j++) {
        const hi = batch.tsHi[j]!;
        if (hi > h || (hi === h && batch.tsLo[j]! >= l)) {
          cut = j;
          break;
        }
      }
    }
    const n = cut > from ? this.sink!.offer(i, batch, from, cut, receivedUs) : 0;
    this.broker.onTrades(this.instruments[i]!.symbol, batch, from, from + n);
    this.taken += n;
    if (cut < to && from + n >= cut) this.ended = true;
    this.hooks.progress?.(this.taken);
    return n;
  }
}
