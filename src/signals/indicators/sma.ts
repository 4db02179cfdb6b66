import { checkPeriod, type PriceIndicator } from './indicator.js';

/**
 * Simple moving average over the last `period` inputs (TA-Lib SMA): the first value comes at the
 * `period`-th input. A ring buffer and a running sum keep each update O(1) with no allocation.
 */
export class Sma implements PriceIndicator {
  /** Window length. */
  readonly period: number;
  private readonly ring: Float64Array;
  private sum = 0;
  private n = 0;
  private out: number | null = null;

  constructor(period: number) {
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

  /** Latest mean, null before `period` inputs. */
  get value(): number | null {
    return this.out;
  }
  /** Inputs accepted. */
  get count(): number {
    return this.n;
  }
  /** True after the first input. */
  get hasInputs(): boolean {
    return this.n > 0;
  }
  /** True once the window is full. */
  get initialized(): boolean {
    return this.out !== null;
  }
  /** Forgets every input. */
  reset(): void {
    this.ring.fill(0);
    this.sum = 0;
    this.n = 0;
    this.out = null;
  }
}
