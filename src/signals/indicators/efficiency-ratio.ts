import { RollingWindow } from '../../common/rolling-window.js';
import { checkPeriod, IndicatorBase, type PriceIndicator } from './indicator.js';

/**
 * Kaufman efficiency ratio over `period` changes (Kaufman, "Trading Systems and Methods"; the ER of KAMA):
 * ER = |close_t − close_{t−N}| / Σ_{i=t−N+1..t} |close_i − close_{i−1}|, in [0, 1]: 1 for a straight
 * line, near 0 for a choppy range. A series that does not move at all has ER 0 (no trend). The first
 * value needs N + 1 closes. `direction` is the sign of the net change (+1, −1 or 0).
 */
export class EfficiencyRatio extends IndicatorBase implements PriceIndicator {
  /** Number of changes N. */
  readonly period: number;
  /** Closes of the last N + 1 inputs. */
  private readonly closes: RollingWindow;
  /** Σ |close_i − close_{i−1}| over the window (the new change added before the leaving one is taken off). */
  private path = 0;
  private dir = 0;

  constructor(period: number) {
    super();
    checkPeriod('EfficiencyRatio', period);
    this.period = period;
    this.closes = new RollingWindow(period + 1);
  }

  /** Adds a close; returns the ER once N + 1 closes were seen. */
  update(price: number): number | null {
    const w = this.closes;
    if (w.size > 0) this.path += Math.abs(price - w.at(w.size - 1));
    // A full window drops close_{t−N−1}: its change to close_{t−N} leaves the path.
    if (w.full) this.path -= Math.abs(w.at(1) - w.at(0));
    w.push(price);
    this.n++;
    if (w.full) {
      const net = price - w.at(0);
      this.dir = net > 0 ? 1 : net < 0 ? -1 : 0;
      // The running sum can drift a few ulps below |net|; clamp so ER stays in [0, 1].
      this.out = this.path <= 0 ? 0 : Math.min(1, Math.abs(net) / this.path);
    }
    return this.out;
  }

  /** Sign of the net change over the window (0 during warm-up). */
  get direction(): number {
    return this.dir;
  }
  /** Forgets every input. */
  reset(): void {
    this.closes.clear();
    this.path = 0;
    this.n = 0;
    this.out = null;
    this.dir = 0;
  }
}
