import { checkPeriod, type BarIndicator } from './indicator.js';
import { TrueRange } from './true-range.js';

/**
 * Average true range as TA-Lib computes it: the first value comes at bar `period + 1` and is the simple
 * mean of the first `period` true ranges (bars 2 … N + 1); afterwards Wilder smoothing
 * atr = (atr · (N − 1) + tr) / N.
 */
export class Atr implements BarIndicator {
  /** Period N. */
  readonly period: number;
  private readonly tr = new TrueRange();
  private seedSum = 0;
  private out: number | null = null;

  constructor(period: number) {
    checkPeriod('Atr', period);
    this.period = period;
  }

  /** Adds a bar; returns the ATR once `period` true ranges were seen. */
  update(high: number, low: number, close: number): number | null {
    const t = this.tr.update(high, low, close);
    if (t === null) return this.out;
    const N = this.period;
    if (this.out !== null) {
      this.out = (this.out * (N - 1) + t) / N;
    } else {
      this.seedSum += t;
      if (this.tr.count === N + 1) this.out = this.seedSum / N;
    }
    return this.out;
  }

  /** Latest ATR, null during warm-up. */
  get value(): number | null {
    return this.out;
  }
  /** Bars accepted. */
  get count(): number {
    return this.tr.count;
  }
  /** True after the first bar. */
  get hasInputs(): boolean {
    return this.tr.count > 0;
  }
  /** True once seeded. */
  get initialized(): boolean {
    return this.out !== null;
  }
  /** Forgets every bar. */
  reset(): void {
    this.tr.reset();
    this.seedSum = 0;
    this.out = null;
  }
}
