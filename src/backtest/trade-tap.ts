import type { InstrumentInfo, MarketSource, TradeSink } from '../engine/market-source.js';
import { splitNs, type TradeBatch } from '../model/trade-batch.js';
import type { SimBroker } from '../execution/sim-broker.js';

/** What the tap calls between the engine's intake and its next poll. */
export interface TapHooks {
  /** True while decisions made on trades already taken wait to be handled: the intake holds. */
  holding(): boolean;
  /** Handles them (signals, ML filter, risk, orders); awaited before the poll returns. */
  drain(): Promise<void>;
  /** Trades taken so far, after each intake. */
  progress?(trades: number): void;
}

/**
 * The replay as the engine sees it, with the simulated broker beside it on the same trades. Every trade
 * the engine takes goes to the broker right after the engine has taken it (and, inline, published what it
 * closed), so the broker sees the whole tape in order and a decision never sees its own future: a decision
 * made on a snapshot is handled (`drain`) after the broker has matched every trade that snapshot covers
 * and before the engine takes another. Stops at `toNs` (exclusive).
 */
export class TradeTap implements MarketSource {
  readonly kind = 'replay';
  readonly eager = true;
  readonly instruments: readonly InstrumentInfo[];
  private readonly inner: MarketSource;
  private readonly broker: SimBroker;
  private readonly hooks: TapHooks;
  private readonly symbol: string;
  private readonly toHi: number;
  private readonly toLo: number;
  private readonly bounded: boolean;
  private sink: TradeSink | undefined;
  private readonly tap: TradeSink;
  private ended = false;
  private taken = 0;

  /** `publishAs`: the name the engine publishes the (single) instrument under, e.g. the contract root. */
  constructor(inner: MarketSource, broker: SimBroker, hooks: TapHooks, o: { toNs?: bigint; publishAs?: string } = {}) {
    const toNs = o.toNs;
    this.inner = inner;
    this.instruments = inner.instruments.map((i) => ({ ...i, symbol: o.publishAs ?? i.symbol }));
    this.symbol = this.instruments[0]!.symbol;
    this.broker = broker;
    this.hooks = hooks;
    this.bounded = toNs !== undefined;
    [this.toHi, this.toLo] = toNs !== undefined ? splitNs(toNs) : [0, 0];
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

  close(): Promise<void> {
    return this.inner.close();
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
    this.broker.onTrades(this.symbol, batch, from, from + n);
    this.taken += n;
    if (cut < to && from + n >= cut) this.ended = true;
    this.hooks.progress?.(this.taken);
    return n;
  }
}
