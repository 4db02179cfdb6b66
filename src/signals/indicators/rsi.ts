import { checkPeriod, IndicatorBase, type PriceIndicator } from './indicator.js';

/**
 * Relative strength index with Wilder smoothing, as TA-Lib computes it (unstable period 0): the first
 * value comes at input `period + 1`, with average gain and loss the simple means of the first `period`
 * changes; afterwards avg = (avg · (N − 1) + current) / N. RSI = 100 · avgGain / (avgGain + avgLoss),
 * and 0 when both averages are 0 (TA-Lib's convention for a flat series).
 */
export class Rsi extends IndicatorBase implements PriceIndicator {
  /** Period N. */
  readonly period: number;
  private prev = 0;
  private gain = 0;
  private loss = 0;

  constructor(period: number) {
    super();
    checkPeriod('Rsi', period);
    this.period = period;
  }

  /** Adds a close; returns the RSI in [0, 100] once `period` changes were seen. */
  update(price: number): number | null {
    this.n++;
    if (this.n > 1) {
      const change = price - this.prev;
      const up = change > 0 ? change : 0;
      const down = change < 0 ? -change : 0;
      const N = this.period;
      if (this.n <= N + 1) {
        this.gain += up;
        this.loss += down;
        if (this.n === N + 1) {
          this.gain /= N;
          this.loss /= N;
          this.out = this.ratio();
        }
      } else {
        this.gain = (this.gain * (N - 1) + up) / N;
        this.loss = (this.loss * (N - 1) + down) / N;
        this.out = this.ratio();
      }
    }
    this.prev = price;
    return this.out;
  }

  private ratio(): number {
    const total = this.gain + this.loss;
    return total === 0 ? 0 : (100 * this.gain) / total;
  }

  /** Forgets every input. */
  reset(): void {
    this.prev = 0;
    this.gain = 0;
    this.loss = 0;
    this.n = 0;
    this.out = null;
  }
}
