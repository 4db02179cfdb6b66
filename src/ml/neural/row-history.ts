/** One symbol's last rows: a ring of `steps` rows, and the bar the newest was taken at. */
interface SymbolRows {
  ring: Float32Array;
  /** Slot of the next row. */
  next: number;
  /** Open time (ms) of the closed base bar the newest row was taken at; NaN before the first. */
  barMs: number;
}

/**
 * The last `steps` feature rows of each symbol, one per closed base bar: the LSTM's input at run time, as
 * neuralDataset builds it in training (the row of the first decision after each close, oldest first, zeros
 * before the first). A symbol's ring is allocated once, at its first row; a push copies into it and a read
 * copies out into the caller's buffer, so a decision allocates nothing.
 */
export class RowHistory {
  private readonly steps: number;
  private readonly d: number;
  private readonly symbols = new Map<string, SymbolRows>();

  constructor(steps: number, d: number) {
    if (!Number.isInteger(steps) || steps < 1 || !Number.isInteger(d) || d < 1) throw new RangeError(`steps and width must be integers >= 1, got ${steps} and ${d}`);
    this.steps = steps;
    this.d = d;
  }

  /**
   * Takes a decision's row of `symbol` taken on the closed base bar opening at `barMs`: kept when it is the first
   * row of that bar (returns true), ignored for later decisions of the same bar (returns false), as training
   * keeps one row per close.
   */
  push(symbol: string, barMs: number, row: Float32Array): boolean {
    let s = this.symbols.get(symbol);
    if (s === undefined) this.symbols.set(symbol, (s = { ring: new Float32Array(this.steps * this.d), next: 0, barMs: Number.NaN }));
    if (barMs === s.barMs) return false;
    s.barMs = barMs;
    s.ring.set(row.subarray(0, this.d), s.next * this.d);
    s.next = (s.next + 1) % this.steps;
    return true;
  }

  /** Writes `symbol`'s rows oldest first into `out` (steps × d); zeros for a symbol or slots not seen yet. */
  read(symbol: string, out: Float32Array): Float32Array {
    const s = this.symbols.get(symbol);
    if (s === undefined) return out.fill(0);
    const d = this.d;
    // The oldest row sits at `next`: copy from there to the end, then from the start up to it.
    const tail = (this.steps - s.next) * d;
    out.set(s.ring.subarray(s.next * d), 0);
    out.set(s.ring.subarray(0, s.next * d), tail);
    return out;
  }
}
