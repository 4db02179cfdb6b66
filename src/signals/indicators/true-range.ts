import { IndicatorBase, type BarIndicator } from './indicator.js';

/**
 * True range (Wilder; TA-Lib TRANGE): max(high, previous close) − min(low, previous close). TA-Lib has no
 * value for the first bar (no previous close), so neither does this.
 */
export class TrueRange extends IndicatorBase implements BarIndicator {
  private prevClose = 0;

  /** Adds a bar; returns its true range from the second bar on. */
  update(high: number, low: number, close: number): number | null {
    if (this.n > 0) {
      const hi = high > this.prevClose ? high : this.prevClose;
      const lo = low < this.prevClose ? low : this.prevClose;
      this.out = hi - lo;
    }
    this.prevClose = close;
    this.n++;
    return this.out;
  }

  /** Forgets every bar. */
  reset(): void {
    this.prevClose = 0;
    this.n = 0;
    this.out = null;
  }
}
