import type { InstrumentInfo, MarketSource, SourceKind, TradeSink } from '../engine/market-source.js';
import type { TradeBatch } from '../model/trade-batch.js';
import { QualityFlag } from '../protocol/generated/mia/quality-flag.js';

/** Bytes of one trade on `mia.trades.<SYMBOL>`: ts high and low u32, price f64, raw size f64, side u8, little-endian. */
export const TRADE_RECORD_BYTES = 25;

/** Where the tap sends a symbol's packed trades, whether this node may (it owns the symbol), and takeover gaps. */
export interface TradeLog {
  owns(symbol: string): boolean;
  appendTrades(symbol: string, bytes: Uint8Array): void;
  /** True while the symbol's next snapshot must carry the Gap flag (taken over from a node that died). */
  gap(symbol: string): boolean;
}

/** Packed trades of one instrument waiting for the next flush. */
interface Pending {
  buf: Uint8Array;
  view: DataView;
  length: number;
}

/** How often the taken trades go to the bus: one message per symbol per flush, not one per poll. */
const FLUSH_MS = 50;

/**
 * The source the engine polls, tapped: every trade the engine takes of a symbol this node owns is packed
 * ({@link TRADE_RECORD_BYTES} a trade, into a buffer reused between flushes) and appended to the symbol's trades
 * stream every 50 ms, the raw record of what the owner ingested. Polls pass through unchanged.
 */
export class TradeTap implements MarketSource {
  readonly kind: SourceKind;
  readonly instruments: readonly InstrumentInfo[];
  readonly eager: boolean;
  health?: () => Record<string, unknown>;
  connected?: () => boolean;
  private readonly inner: MarketSource;
  private readonly log: TradeLog;
  private readonly pending: Pending[];
  private readonly tap: TradeSink;
  private sink: TradeSink | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(inner: MarketSource, log: TradeLog) {
    this.inner = inner;
    this.log = log;
    this.kind = inner.kind;
    this.eager = inner.eager;
    this.instruments = inner.instruments;
    if (inner.health) this.health = () => inner.health!();
    if (inner.connected) this.connected = () => inner.connected!();
    this.pending = inner.instruments.map(() => {
      const buf = new Uint8Array(64 * 1024);
      return { buf, view: new DataView(buf.buffer), length: 0 };
    });
    this.tap = {
      offer: (i, batch, from, to, receivedUs) => this.offer(i, batch, from, to, receivedUs),
      quote: (i, tsNs, bid, ask, bidSize, askSize) => this.sink!.quote(i, tsNs, bid, ask, bidSize, askSize),
    };
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  /** The source's own flags, and Gap for a symbol just taken over: its snapshots of the unowned seconds never went out. */
  qualityFlags(i: number): number {
    return (this.inner.qualityFlags?.(i) ?? 0) | (this.log.gap(this.instruments[i]!.symbol) ? QualityFlag.Gap : 0);
  }

  poll(sink: TradeSink): boolean | Promise<boolean> {
    this.sink = sink;
    return this.inner.poll(this.tap);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.flush();
    await this.inner.close();
  }

  /** Sends what each owned symbol has pending (a copy: the buffer is reused). */
  flush(): void {
    for (let i = 0; i < this.pending.length; i++) {
      const p = this.pending[i]!;
      if (p.length === 0) continue;
      const symbol = this.instruments[i]!.symbol;
      if (this.log.owns(symbol)) this.log.appendTrades(symbol, p.buf.slice(0, p.length));
      p.length = 0;
    }
  }

  private offer(i: number, batch: TradeBatch, from: number, to: number, receivedUs: number): number {
    const taken = this.sink!.offer(i, batch, from, to, receivedUs);
    // Only an owner appends: a standby's trades would be packed to be dropped at the flush.
    if (taken > 0 && this.log.owns(this.instruments[i]!.symbol)) this.record(i, batch, from, from + taken);
    return taken;
  }

  private record(i: number, batch: TradeBatch, from: number, to: number): void {
    let p = this.pending[i]!;
    const need = p.length + (to - from) * TRADE_RECORD_BYTES;
    if (need > p.buf.length) {
      // Grows (doubling) only when a flush interval holds more trades than ever before.
      const buf = new Uint8Array(Math.max(need, 2 * p.buf.length));
      buf.set(p.buf.subarray(0, p.length));
      p = this.pending[i] = { buf, view: new DataView(buf.buffer), length: p.length };
    }
    const v = p.view;
    let at = p.length;
    for (let j = from; j < to; j++) {
      v.setUint32(at, batch.tsHi[j]!, true);
      v.setUint32(at + 4, batch.tsLo[j]!, true);
      v.setFloat64(at + 8, batch.price[j]!, true);
      v.setFloat64(at + 16, batch.size[j]!, true);
      v.setUint8(at + 24, batch.side[j]!);
      at += TRADE_RECORD_BYTES;
    }
    p.length = at;
  }
}
