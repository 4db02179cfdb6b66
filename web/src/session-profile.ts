import { startsSession, type BarPoint, type FootprintRow } from './bar-book.js';

/**
 * The session volume profile by price row, summed from the footprints of the session's 1m bars: no frame
 * carries the session's rows (a snapshot has its POC, value area and volume nodes only), so the page adds up
 * the closed bars' `levels` (GET /bars/<SYM>/1m, then each `bar.<SYM>.1m`), plus the 1m bar in progress when
 * snapshots carry its footprint (`mia serve --snapshot-footprint 1m`). Rows hold bid + ask volume: volume without
 * a known aggressor (Databento `N` crosses) is in no footprint side, so it is missing here (the engine's POC and
 * value area, drawn from the snapshot, include it). A new session (cumDelta restarts) clears the rows.
 */
export class SessionProfile {
  /** Row prices, ascending, and each row's summed sell- and buy-aggressor volume. */
  readonly prices: number[] = [];
  readonly bid: number[] = [];
  readonly ask: number[] = [];
  /** Rows of the 1m bar in progress (not yet in the sums). */
  live: readonly FootprintRow[] = [];
  private liveTime = -Infinity;
  /** Bumped on every change, so the drawing rebuilds its rows only when they changed. */
  version = 0;
  loaded = false;
  private early: BarPoint[] = [];
  private last: BarPoint | null = null;

  /** Forgets the session (a new symbol, or a reload). */
  clear(): void {
    this.prices.length = 0;
    this.bid.length = 0;
    this.ask.length = 0;
    this.live = [];
    this.liveTime = -Infinity;
    this.early = [];
    this.last = null;
    this.loaded = false;
    this.version++;
  }

  /** The session's closed 1m bars (GET /bars), merged with those the stream sent before the answer. */
  loadHistory(history: readonly BarPoint[]): void {
    const early = this.early;
    this.clear();
    for (const b of history) this.add(b);
    for (const b of early) this.add(b);
    this.loaded = true;
  }

  /** A closed 1m bar from the stream. */
  addClosed(b: BarPoint): void {
    if (this.loaded) this.add(b);
    else this.early.push(b);
  }

  /** The footprint of the 1m bar in progress opened at `time` (empty unless snapshots carry it). */
  setLive(rows: readonly FootprintRow[], time: number): void {
    if (this.last && time <= this.last.time) rows = [];
    if (rows === this.live || (rows.length === 0 && this.live.length === 0)) return;
    this.live = rows;
    this.liveTime = time;
    this.version++;
  }

  /** Index of the row at `price`, or where it would go (−1 − insertion point). */
  find(price: number): number {
    let lo = 0;
    let hi = this.prices.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const p = this.prices[mid]!;
      if (p === price) return mid;
      if (p < price) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1 - lo;
  }

  private add(b: BarPoint): void {
    // Bars arrive in time order; one already summed (the seam of history and stream) is skipped.
    if (this.last && b.time <= this.last.time) return;
    if (this.last && startsSession(this.last, b)) {
      this.prices.length = 0;
      this.bid.length = 0;
      this.ask.length = 0;
    }
    this.last = b;
    // Its close is in the sums now: the rows of its progress would count twice.
    if (b.time >= this.liveTime) this.live = [];
    for (const r of b.levels ?? []) {
      let i = this.find(r.price);
      if (i < 0) {
        i = -1 - i;
        this.prices.splice(i, 0, r.price);
        this.bid.splice(i, 0, 0);
        this.ask.splice(i, 0, 0);
      }
      this.bid[i]! += r.bid;
      this.ask[i]! += r.ask;
    }
    this.version++;
  }
}
