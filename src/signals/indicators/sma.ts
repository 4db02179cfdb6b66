import { checkPeriod, IndicatorBase, type PriceIndicator } from './indicator.js';

/**
 * Simple moving average over the last `period` inputs (TA-Lib SMA): the first value comes at the
 * `period`-th input. A ring buffer and a running sum keep each update O(1) with no allocation.
 */
export class Sma extends IndicatorBase implements PriceIndicator {
  /** Window length. */
  readonly period: number;
  private readonly ring: Float64Array;
  private sum = 0;

  constructor(period: number) {
    super();
    checkPeriod('Sma', period);
    this.period = period;
    this.ring = new Float64Array(period);
  }

  /** Adds a price; returns the mean of the last `period` prices once there are that many. */
  update(price: number): number | null {
    const slot = this.n % this.period;
    if (this.n >= this.period) this.sum -= this.ring[slot]!;
    this.ring[slot] = price;
    this.sum += price;
    this.n++;
    if (this.n >= this.period) this.out = this.sum / this.period;
    return this.out;
  }

  /** Forgets every input. */
  reset(): void {
    this.ring.fill(0);
    this.sum = 0;
    this.n = 0;
    this.out = null;
  }
}
