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
  private readonly closes: Float64Array;
  private path = 0;
  private dir = 0;

  constructor(period: number) {
    super();
    checkPeriod('EfficiencyRatio', period);
    this.period = period;
    this.closes = new Float64Array(period + 1);
  }

  /** Adds a close; returns the ER once N + 1 closes were seen. */
  update(price: number): number | null {
    const size = this.period + 1;
    const slot = this.n % size;
    if (this.n > 0) {
      const prev = this.closes[(this.n - 1) % size]!;
      this.path += Math.abs(price - prev);
    }
    if (this.n >= size) {
      // The slot about to be overwritten holds close_{t−N−1}; its change to close_{t−N} leaves the window.
      const oldest = this.closes[slot]!;
      const next = this.closes[(slot + 1) % size]!;
      this.path -= Math.abs(next - oldest);
    }
    this.closes[slot] = price;
    this.n++;
    if (this.n >= size) {
      const first = this.closes[this.n % size]!;
      const net = price - first;
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
    this.closes.fill(0);
    this.path = 0;
    this.n = 0;
    this.out = null;
    this.dir = 0;
  }
}
