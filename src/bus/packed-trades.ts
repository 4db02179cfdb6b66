import type { TradeBatch } from '../model/trade-batch.js';

/** Bytes of one trade on `mia.trades.<SYMBOL>`: ts high and low u32, price f64, raw size f64, side u8, little-endian. */
export const TRADE_RECORD_BYTES = 25;

/**
 * Where a symbol's trades stream ends: the time of its last trade (the two u32 halves) and how many trades at
 * that very time it holds. A feed's trades up to and including the stream's end are already in it: those before
 * the time, and the first `count` at the time (trades share a nanosecond: ties are counted, not guessed).
 */
export interface TradeMark {
  hi: number;
  lo: number;
  count: number;
}

/** The mark of packed records `bytes` (undefined when empty). */
export function markOf(bytes: Uint8Array): TradeMark | undefined {
  const n = Math.floor(bytes.length / TRADE_RECORD_BYTES);
  if (n === 0) return undefined;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const at = (n - 1) * TRADE_RECORD_BYTES;
  const hi = v.getUint32(at, true);
  const lo = v.getUint32(at + 4, true);
  let count = 1;
  for (let j = n - 2; j >= 0 && v.getUint32(j * TRADE_RECORD_BYTES, true) === hi && v.getUint32(j * TRADE_RECORD_BYTES + 4, true) === lo; j--) count++;
  return { hi, lo, count };
}

/** -1, 0 or 1 as time (hi, lo) is before, at or after the mark's time. */
function vsMark(hi: number, lo: number, m: TradeMark): number {
  if (hi !== m.hi) return hi < m.hi ? -1 : 1;
  return lo === m.lo ? 0 : lo < m.lo ? -1 : 1;
}

/**
 * Skips a feed's trades the stream already holds, in feed order: every trade before the mark's time and the first
 * `count` at it. Stateful across calls (a feed hands its trades over in pieces); done once a trade passes the mark.
 */
export class MarkSkipper {
  private mark: TradeMark | undefined;
  private atMark = 0;

  constructor(mark: TradeMark | undefined) {
    this.mark = mark;
  }

  /** Whether feed trades are still being compared with the mark. */
  get active(): boolean {
    return this.mark !== undefined;
  }

  /** How many of the trades `from`..`to` of `batch` to skip (all of them, or up to the first one past the mark). */
  skip(batch: TradeBatch, from: number, to: number): number {
    let j = from;
    while (j < to && this.held(batch.tsHi[j]!, batch.tsLo[j]!)) j++;
    return j - from;
  }

  /** Drops from the front of `held` the trades the stream has (the same rule, the same ties); returns how many. */
  trim(held: PackedTrades): number {
    let k = 0;
    while (k < held.length && this.held(held.hiAt(k), held.loAt(k))) k++;
    held.consume(k);
    return k;
  }

  /** Whether the next feed trade, at time (hi, lo), is one the stream has; the first that is not ends the skipping. */
  private held(hi: number, lo: number): boolean {
    const m = this.mark;
    if (m === undefined) return false;
    const c = vsMark(hi, lo, m);
    if (c < 0) return true;
    if (c === 0 && this.atMark < m.count) {
      this.atMark++;
      return true;
    }
    this.mark = undefined;
    return false;
  }
}

/**
 * A growable buffer of packed trade records ({@link TRADE_RECORD_BYTES} each, the trades stream's format) with a
 * read cursor: what a node holds for a symbol's stream or its engine while it cannot hand them over yet. Beyond
 * `maxTrades` the oldest half is dropped; the time of the last dropped trade is kept so a takeover can tell
 * whether the drop cut into what the stream lacks.
 */
export class PackedTrades {
  private buf: Uint8Array;
  private view: DataView;
  private start = 0;
  private end = 0;
  private readonly maxBytes: number;
  /** Trades dropped by the cap, ever. */
  dropped = 0;
  /** Time (hi, lo) of the newest dropped trade, or undefined. */
  droppedUpTo: { hi: number; lo: number } | undefined;

  constructor(maxTrades: number, initialTrades = 2048) {
    this.maxBytes = maxTrades * TRADE_RECORD_BYTES;
    this.buf = new Uint8Array(Math.min(initialTrades, maxTrades) * TRADE_RECORD_BYTES);
    this.view = new DataView(this.buf.buffer);
  }

  /** Trades held. */
  get length(): number {
    return (this.end - this.start) / TRADE_RECORD_BYTES;
  }

  /** The held records (a view: valid until the next change). */
  bytes(): Uint8Array {
    return this.buf.subarray(this.start, this.end);
  }

  /** Forgets everything held (kept: the drop counters). */
  clear(): void {
    this.start = this.end = 0;
  }

  /** Consumes the first `n` trades. */
  consume(n: number): void {
    this.start = Math.min(this.end, this.start + n * TRADE_RECORD_BYTES);
    if (this.start === this.end) this.start = this.end = 0;
  }

  /** Appends trades `from`..`to` of a batch. */
  pushBatch(batch: TradeBatch, from: number, to: number): void {
    this.room((to - from) * TRADE_RECORD_BYTES);
    const v = this.view;
    let at = this.end;
    for (let j = from; j < to; j++) {
      v.setUint32(at, batch.tsHi[j]!, true);
      v.setUint32(at + 4, batch.tsLo[j]!, true);
      v.setFloat64(at + 8, batch.price[j]!, true);
      v.setFloat64(at + 16, batch.size[j]!, true);
      v.setUint8(at + 24, batch.side[j]!);
      at += TRADE_RECORD_BYTES;
    }
    this.end = at;
  }

  /** Appends packed records. */
  pushBytes(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.buf.set(bytes, this.end);
    this.end += bytes.length;
  }

  /** Time halves of held trade `k` (0: the oldest). */
  hiAt(k: number): number {
    return this.view.getUint32(this.start + k * TRADE_RECORD_BYTES, true);
  }

  loAt(k: number): number {
    return this.view.getUint32(this.start + k * TRADE_RECORD_BYTES + 4, true);
  }

  /** True when trades after `mark` were dropped by the cap (neither the stream nor this buffer has them). */
  lostAfter(mark: TradeMark | undefined): boolean {
    const d = this.droppedUpTo;
    return d !== undefined && (mark === undefined || vsMark(d.hi, d.lo, mark) > 0);
  }

  /** Decodes up to `batch.capacity` trades from the front into `batch` (from 0); returns how many. */
  decodeInto(batch: TradeBatch): number {
    const n = Math.min(batch.capacity, this.length);
    const v = this.view;
    let at = this.start;
    for (let j = 0; j < n; j++, at += TRADE_RECORD_BYTES) {
      batch.tsHi[j] = v.getUint32(at, true);
      batch.tsLo[j] = v.getUint32(at + 4, true);
      batch.price[j] = v.getFloat64(at + 8, true);
      batch.size[j] = v.getFloat64(at + 16, true);
      batch.side[j] = v.getUint8(at + 24);
      batch.origin[j] = j;
    }
    batch.length = n;
    return n;
  }

  /** Makes room for `bytes` more: compacts, grows (doubling) up to the cap, then drops the oldest half. */
  private room(bytes: number): void {
    if (this.end + bytes <= this.buf.length) return;
    if (this.start > 0) {
      this.buf.copyWithin(0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
      if (this.end + bytes <= this.buf.length) return;
    }
    while (this.end + bytes > this.maxBytes && this.end > 0) this.dropOldestHalf();
    const need = this.end + bytes;
    if (need <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(need, Math.min(this.maxBytes, 2 * this.buf.length)));
    grown.set(this.buf.subarray(0, this.end));
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }

  private dropOldestHalf(): void {
    const n = Math.ceil(this.length / 2);
    const last = (n - 1) * TRADE_RECORD_BYTES;
    this.droppedUpTo = { hi: this.view.getUint32(last, true), lo: this.view.getUint32(last + 4, true) };
    this.dropped += n;
    this.buf.copyWithin(0, n * TRADE_RECORD_BYTES, this.end);
    this.end -= n * TRADE_RECORD_BYTES;
  }
}
