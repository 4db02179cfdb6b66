import { checkPeriod, IndicatorBase, type PriceIndicator } from './indicator.js';

/**
 * Percentile rank of each new input against the previous `window` inputs (mid-rank for ties):
 * rank = (#{prior < x} + ½ · #{prior = x}) / #prior, in [0, 1]. The value is null until `minSamples`
 * prior inputs exist. O(window) per update over a preallocated ring (no sorting, no allocation): windows
 * here are a few hundred bars, and each update runs once per closed bar, not per tick.
 */
export class PercentileRank extends IndicatorBase implements PriceIndicator {
  /** Number of prior inputs compared against. */
  readonly window: number;
  /** Prior inputs needed before the first value. */
  readonly minSamples: number;
  private readonly ring: Float64Array;

  constructor(window: number, minSamples = Math.min(window, 20)) {
    super();
    checkPeriod('PercentileRank', window);
    checkPeriod('PercentileRank minSamples', minSamples);
    if (minSamples > window) throw new RangeError(`PercentileRank: minSamples ${minSamples} > window ${window}`);
    this.window = window;
    this.minSamples = minSamples;
    this.ring = new Float64Array(window);
  }

  /** Rank of `x` against the prior window, without adding it (for a probe that must not enter the sample). */
  rankOf(x: number): number | null {
    const m = this.n < this.window ? this.n : this.window;
    if (m < this.minSamples) return null;
    let below = 0;
    let equal = 0;
    for (let i = 0; i < m; i++) {
      const v = this.ring[i]!;
      if (v < x) below++;
      else if (v === x) equal++;
    }
    return (below + 0.5 * equal) / m;
  }

  /** Ranks `x` against the prior window, then adds it to the window. */
  update(x: number): number | null {
    this.out = this.rankOf(x);
    this.ring[this.n % this.window] = x;
    this.n++;
    return this.out;
  }

  /** Forgets every input. */
  reset(): void {
    this.ring.fill(0);
    this.n = 0;
    this.out = null;
  }
}
