import { checkPeriod, IndicatorBase, type PriceIndicator } from './indicator.js';

/**
 * Exponential moving average as TA-Lib defines it: smoothing k = 2 / (period + 1), seeded by the simple
 * mean of the first `period` inputs (first value at the `period`-th input), then
 * ema = ema + k · (price − ema). Libraries that seed with the first price disagree during warm-up.
 */
export class Ema extends IndicatorBase implements PriceIndicator {
  /** Period N. */
  readonly period: number;
  /** Smoothing factor 2 / (N + 1). */
  readonly k: number;
  private seedSum = 0;

  constructor(period: number) {
    super();
    checkPeriod('Ema', period);
    this.period = period;
    this.k = 2 / (period + 1);
  }

  /** Adds a price; returns the EMA once `period` prices were seen. */
  update(price: number): number | null {
    this.n++;
    if (this.out !== null) {
      this.out += this.k * (price - this.out);
    } else {
      this.seedSum += price;
      if (this.n === this.period) this.out = this.seedSum / this.period;
    }
    return this.out;
  }

  /** Forgets every input. */
  reset(): void {
    this.seedSum = 0;
    this.n = 0;
    this.out = null;
  }
}
