import { configError, ErrorCode } from './errors.js';

/**
 * The last `capacity` numbers of a stream, oldest first, in a preallocated Float64Array ring: a push
 * overwrites the oldest value once the window is full and allocates nothing, so indicators and trackers can
 * keep one per input on the hot path (house style: no `Array.shift()` windows).
 *
 * The k-th value pushed since construction or `clear()` sits in slot k mod capacity, so `freshSum()` adds the
 * values in the order a hand-written ring of that layout would have, and replacing such a ring by this one
 * changes no result, to the last bit.
 */
export class RollingWindow {
  /** Most values held. */
  readonly capacity: number;
  private readonly buf: Float64Array;
  /** Slot the next push writes. */
  private head = 0;
  private held = 0;
  private running = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw configError(ErrorCode.BAD_CONFIG, `RollingWindow: capacity must be an integer >= 1, got ${capacity}`);
    }
    this.capacity = capacity;
    this.buf = new Float64Array(capacity);
  }

  /** Values held, at most `capacity`. */
  get size(): number {
    return this.held;
  }

  /** True once `capacity` values are held: the next push evicts the oldest. */
  get full(): boolean {
    return this.held === this.capacity;
  }

  /**
   * Running sum of the values held, updated per push (the evicted value subtracted, then the new one added,
   * as TA-Lib's SMA does). Over a long stream of fractional values it can drift by rounding; `freshSum()`
   * cannot.
   */
  get sum(): number {
    return this.running;
  }

  /** Adds `x`; returns the value it evicted (the oldest), or undefined while the window was not full. */
  push(x: number): number | undefined {
    let evicted: number | undefined;
    if (this.held === this.capacity) {
      evicted = this.buf[this.head]!;
      this.running -= evicted;
    } else {
      this.held++;
    }
    this.buf[this.head] = x;
    this.running += x;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    return evicted;
  }

  /** The i-th value held, 0 the oldest and size − 1 the newest; NaN outside 0 … size − 1. */
  at(i: number): number {
    if (!(i >= 0 && i < this.held)) return Number.NaN;
    const start = this.held === this.capacity ? this.head : 0;
    const k = start + i;
    return this.buf[k >= this.capacity ? k - this.capacity : k]!;
  }

  /** The values held added afresh, in slot order: no drift, O(capacity); for small windows read rarely. */
  freshSum(): number {
    let s = 0;
    for (let i = 0; i < this.held; i++) s += this.buf[i]!;
    return s;
  }

  /** A copy of the values held, sorted ascending (for percentiles read on request, never per push). */
  toSorted(): Float64Array {
    return this.buf.slice(0, this.held).sort();
  }

  /** Forgets every value. */
  clear(): void {
    this.buf.fill(0);
    this.head = 0;
    this.held = 0;
    this.running = 0;
  }
}
