import { RollingWindow } from '../../common/rolling-window.js';
import type { BarInput } from '../../model/signal-input.js';
import { NO_PATTERN, type PatternConfig, type PatternHit } from './pattern-config.js';

/**
 * Exhaustion: a new extreme made on shrinking delta. Over the `exhaustionBars` closed bars before the last one:
 * - buyers exhausted (bearish, side −1): the last bar's high is above all their highs, the bar that made the
 *   highest of them had delta ≥ `exhaustionMinDelta`, and the last bar's delta is at most
 *   `exhaustionDeltaRatio` × that delta (a new high pushed by less buying);
 * - sellers exhausted (bullish, side +1): the mirror on lows and negative deltas.
 * The price is the new extreme. Needs `exhaustionBars` prior bars. O(exhaustionBars) a bar, no allocation
 * beyond the result.
 */
export class ExhaustionDetector {
  private readonly highs: RollingWindow;
  private readonly lows: RollingWindow;
  private readonly deltas: RollingWindow;
  private readonly c: PatternConfig;

  constructor(c: PatternConfig) {
    this.c = c;
    this.highs = new RollingWindow(c.exhaustionBars);
    this.lows = new RollingWindow(c.exhaustionBars);
    this.deltas = new RollingWindow(c.exhaustionBars);
  }

  /** Takes a closed bar and returns the exhaustion it completes, if any. */
  update(bar: BarInput): PatternHit {
    const hit = this.highs.size === this.c.exhaustionBars ? this.detect(bar) : NO_PATTERN;
    this.highs.push(bar.high);
    this.lows.push(bar.low);
    this.deltas.push(bar.delta);
    return hit;
  }

  private detect(bar: BarInput): PatternHit {
    const c = this.c;
    let hi = -Infinity;
    let hiDelta = 0;
    let lo = Infinity;
    let loDelta = 0;
    for (let i = 0; i < this.highs.size; i++) {
      // Strict comparisons: of equal extremes, the older bar is the reference.
      if (this.highs.at(i) > hi) (hi = this.highs.at(i)), (hiDelta = this.deltas.at(i));
      if (this.lows.at(i) < lo) (lo = this.lows.at(i)), (loDelta = this.deltas.at(i));
    }
    if (bar.high > hi && hiDelta >= c.exhaustionMinDelta && hiDelta > 0 && bar.delta <= c.exhaustionDeltaRatio * hiDelta) {
      return { side: -1, price: bar.high };
    }
    if (bar.low < lo && -loDelta >= c.exhaustionMinDelta && loDelta < 0 && -bar.delta <= c.exhaustionDeltaRatio * -loDelta) {
      return { side: 1, price: bar.low };
    }
    return NO_PATTERN;
  }

  /** Forgets every bar. */
  reset(): void {
    this.highs.clear();
    this.lows.clear();
    this.deltas.clear();
  }
}
