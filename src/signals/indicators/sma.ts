import { RollingWindow } from '../../common/rolling-window.js';
import { checkPeriod, IndicatorBase, type PriceIndicator } from './indicator.js';

/**
 * Simple moving average over the last `period` inputs (TA-Lib SMA): the first value comes at the
 * `period`-th input. A rolling window's running sum keeps each update O(1) with no allocation.
 */
export class Sma extends IndicatorBase implements PriceIndicator {
  /** Window length. */
  readonly period: number;
  private readonly window: RollingWindow;

  constructor(period: number) {
    super();
    checkPeriod('Sma', period);
    this.period = period;
    this.window = new RollingWindow(period);
  }

  /** Adds a price; returns the mean of the last `period` prices once there are that many. */
  update(price: number): number | null {
    this.window.push(price);
    this.n++;
    if (this.window.full) this.out = this.window.sum / this.period;
    return this.out;
  }

  /** Forgets every input. */
  reset(): void {
    this.window.clear();
    this.n = 0;
    this.out = null;
  }
}
