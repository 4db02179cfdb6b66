import type { SimBroker } from '../execution/sim-broker.js';
import type { TradeBatch } from '../model/trade-batch.js';
import type { InstrumentInfo, MarketSource, SourceKind, TradeSink } from './market-source.js';

/** What the tap asks of the paper trader between the engine's intake and its next poll. */
export interface PaperTapHooks {
  /** True while decisions made on trades already taken wait to be handled: the intake holds. */
  holding(): boolean;
  /** Handles them (orders to the broker); awaited before the poll returns. */
  drain(): Promise<void>;
}

/**
 * Paper trading on the simulated broker in `mia serve` (`--trading paper` with `--source sim|replay`): any
 * MarketSource with a SimBroker beside it on the same trades, as the backtest's TradeTap. Every trade the
 * engine takes goes to the broker (under the instrument's published symbol) right after the engine took it,
 * so the broker sees the whole tape in order; while decisions wait to be handled the intake holds, and they
 * are handled before the engine takes another trade (deterministic with `--kernels inline`).
 */
export class PaperTap implements MarketSource {
  readonly kind: SourceKind;
  readonly eager: boolean;
  readonly instruments: readonly InstrumentInfo[];
  qualityFlags?: (i: number) => number;
  health?: () => Record<string, unknown>;
  connected?: () => boolean;
  private readonly inner: MarketSource;
  private readonly broker: SimBroker;
  private readonly hooks: PaperTapHooks;
  private sink: TradeSink | undefined;
  private readonly tap: TradeSink;
  private taken = 0;

  constructor(inner: MarketSource, broker: SimBroker, hooks: PaperTapHooks) {
    this.inner = inner;
    this.kind = inner.kind;
    this.eager = inner.eager;
    this.instruments = inner.instruments;
    this.broker = broker;
    this.hooks = hooks;
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
    const more = await this.inner.poll(this.tap);
    if (this.hooks.holding()) await this.hooks.drain();
    return more;
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private offer(i: number, batch: TradeBatch, from: number, to: number, receivedUs: number): number {
    if (this.hooks.holding()) return 0;
    const n = this.sink!.offer(i, batch, from, to, receivedUs);
    this.broker.onTrades(this.instruments[i]!.symbol, batch, from, from + n);
    this.taken += n;
    return n;
  }
}
