import type { TradeSink } from '../../engine/market-source.js';
import { TradeBatch } from '../../model/trade-batch.js';
import type { IbTrade } from './tape-merge.js';
import { TWO32 } from '../../model/time.js';

// Sized for a few seconds of a fast market between polls; grows (and logs nothing) beyond.
const INITIAL = 8192;
// Seam memory: trades of the last taken second, enough for the busiest second of ES.
const SEAM = 4096;

/**
 * Trades of one instrument waiting for the engine, in a reusable columnar batch with the arrival time of
 * each, plus the seam (the trades of the last second handed over) that a backfill after a gap must not
 * repeat. Appending allocates nothing until the batch must grow.
 */
export class TradeQueue {
  private batch = new TradeBatch(INITIAL);
  private received = new Float64Array(INITIAL);
  private next = 0;
  private seamSec = -1;
  private seamN = 0;
  private readonly seamPrice = new Float64Array(SEAM);
  private readonly seamSize = new Float64Array(SEAM);
  /** Trades appended in total. */
  appended = 0;

  /** Trades waiting. */
  get length(): number {
    return this.batch.length - this.next;
  }

  /** Second of the last trade appended, or -1. */
  get lastSec(): number {
    return this.seamSec;
  }

  /** Appends one trade (time in whole seconds, as IB stamps it). */
  push(sec: number, price: number, size: number, side: number, receivedUs: number): void {
    if (this.batch.length === this.batch.capacity) this.makeRoom();
    const ns = sec * 1e9;
    const hi = Math.floor(ns / TWO32);
    this.received[this.batch.length] = receivedUs;
    this.batch.push(hi, ns - hi * TWO32, price, size, side, this.appended++);
    if (sec !== this.seamSec) {
      this.seamSec = sec;
      this.seamN = 0;
    }
    const k = this.seamN++ % SEAM;
    this.seamPrice[k] = price;
    this.seamSize[k] = size;
  }

  /** The trades of the last second appended (oldest first), for overlap checks after a gap. */
  seam(): IbTrade[] {
    const n = Math.min(this.seamN, SEAM);
    const out: IbTrade[] = [];
    for (let j = this.seamN - n; j < this.seamN; j++) {
      out.push({ sec: this.seamSec, price: this.seamPrice[j % SEAM]!, size: this.seamSize[j % SEAM]!, side: 0, receivedUs: 0 });
    }
    return out;
  }

  /** Offers the waiting trades to the sink as instrument `i`; returns how many it took. */
  offer(sink: TradeSink, i: number): number {
    const to = this.batch.length;
    if (to === this.next) return 0;
    const n = sink.offer(i, this.batch, this.next, to, this.received[to - 1]!);
    this.next += n;
    if (this.next === this.batch.length) {
      this.batch.clear();
      this.next = 0;
    }
    return n;
  }

  private makeRoom(): void {
    const b = this.batch;
    const keep = b.length - this.next;
    const target = keep * 2 > b.capacity ? new TradeBatch(b.capacity * 2) : b;
    const recv = target === b ? this.received : new Float64Array(target.capacity);
    // Columns move down to index 0 (or into the larger batch): the engine never holds an index across polls.
    target.tsHi.set(b.tsHi.subarray(this.next, b.length));
    target.tsLo.set(b.tsLo.subarray(this.next, b.length));
    target.price.set(b.price.subarray(this.next, b.length));
    target.size.set(b.size.subarray(this.next, b.length));
    target.side.set(b.side.subarray(this.next, b.length));
    target.origin.set(b.origin.subarray(this.next, b.length));
    recv.set(this.received.subarray(this.next, b.length));
    target.length = keep;
    this.batch = target;
    this.received = recv;
    this.next = 0;
  }
}
