import type { SideCode } from './side.js';
import type { TradeTape } from './trade-tape.js';

/**
 * Trades per batch unless a reader is told otherwise. 8 Ki trades (200 KB of columns): the engine takes
 * trades in bar-sized bites anyway, and a 64 Ki batch costs ~5 ms of fresh pages per reader, which a
 * backtest pays on every run.
 */
export const DEFAULT_BATCH_TRADES = 8192;

/**
 * A reusable, columnar batch of trades: what every source (replay readers, simulator, live adapters)
 * hands to the tape writer. Columns are typed arrays allocated once; a source refills the same batch,
 * so reading a file allocates per batch at most, never per trade.
 *
 * Timestamps are UTC nanoseconds split in two unsigned 32-bit halves, because a JS number cannot hold
 * int64 nanoseconds exactly and a BigInt per trade would allocate. `size` holds the size in raw units of
 * the instrument's size precision (an integer: lots for ES/NQ, 1e-8 BTC for a crypto feed at 8 decimals).
 */
export class TradeBatch {
  /** Capacity in trades. */
  readonly capacity: number;
  /** Number of valid trades in the batch. */
  length = 0;
  /** High 32 bits of the event time in ns since the Unix epoch (UTC). */
  readonly tsHi: Uint32Array;
  /** Low 32 bits of the event time in ns since the Unix epoch (UTC). */
  readonly tsLo: Uint32Array;
  /** Trade price in quote units (index points for ES/NQ). */
  readonly price: Float64Array;
  /** Size in raw units: `units = size / 10 ** sizeDecimals`. Always a positive integer. */
  readonly size: Float64Array;
  /** Aggressor side, a {@link SideCode}. */
  readonly side: Uint8Array;
  /** Where each trade came from (1-based CSV line or 0-based DBN record), for error messages. */
  readonly origin: Float64Array;

  constructor(capacity = DEFAULT_BATCH_TRADES) {
    this.capacity = capacity;
    this.tsHi = new Uint32Array(capacity);
    this.tsLo = new Uint32Array(capacity);
    this.price = new Float64Array(capacity);
    this.size = new Float64Array(capacity);
    this.side = new Uint8Array(capacity);
    this.origin = new Float64Array(capacity);
  }

  /** Appends one trade; the caller checks `length < capacity` first. */
  push(tsHi: number, tsLo: number, price: number, size: number, side: SideCode | number, origin: number): void {
    const i = this.length++;
    this.tsHi[i] = tsHi;
    this.tsLo[i] = tsLo;
    this.price[i] = price;
    this.size[i] = size;
    this.side[i] = side;
    this.origin[i] = origin;
  }

  /** Event time of trade `i` as a BigInt (edges only: allocates). */
  tsNs(i: number): bigint {
    return (BigInt(this.tsHi[i]!) << 32n) | BigInt(this.tsLo[i]!);
  }

  /** Empties the batch for reuse. */
  clear(): void {
    this.length = 0;
  }
}

/** Metadata a source reports about the instrument it reads. */
export interface SourceInfo {
  /** Symbol as the source names it (for example `ESH4`), or the one the user gave. */
  symbol: string;
  /** Decimal places of the raw size unit (0 for CME lots). */
  sizeDecimals: number;
  /** True when the source carries aggressor sides (a side column or DBN side field). */
  hasSides: boolean;
}

/** Counters every reader keeps; `--skip-bad` reports them at the end of a run. */
export interface ReadStats {
  /** Rows or records read, including skipped ones. */
  read: number;
  /** Trades emitted. */
  trades: number;
  /** Rows or records that are not trades (book updates, headers, non-trade actions). */
  ignored: number;
  /** Bad rows skipped under `skipBad`, by error code. */
  skipped: Record<string, number>;
}

/** Options common to all trade readers. */
export interface ReaderOptions {
  /** Skip, count and report malformed rows instead of failing on the first. */
  skipBad?: boolean;
  /** Trades per batch. */
  batchSize?: number;
  /** Size precision override; CSV default scans the sizes, DBN sizes are integers (0). */
  sizeDecimals?: number;
  /** Called with each bad row's error when `skipBad` is set (for logs); never on the hot path. */
  onSkip?: (err: Error) => void;
}

/**
 * A source of trades in time order. `batches()` yields the same {@link TradeBatch} object refilled each
 * time: consume it before pulling the next one.
 */
export interface TradeSource {
  /** Instrument facts, known once the source is opened. */
  readonly info: SourceInfo;
  /** Counters so far. */
  readonly stats: ReadStats;
  /** Trades in event-time order, in batches. */
  batches(): AsyncIterable<TradeBatch>;
  /** Bytes of the kernels' memory {@link TradeSource.fillTape} reads the file into; present with it. */
  readonly tapeInputBytes?: number;
  /**
   * The same trades as `batches()`, with the same checks, outcomes and stats, put straight onto `tape` (a
   * source that can decode in the kernels' memory offers it; a consumer that has a tape prefers it). Yields
   * the trades appended since the last yield, at least at every full tape: the consumer runs the kernels
   * and rewinds the tape before pulling the next.
   */
  fillTape?(tape: TradeTape): AsyncIterable<number>;
}
