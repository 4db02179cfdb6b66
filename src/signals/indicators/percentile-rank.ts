import { configError, ErrorCode } from '../../common/errors.js';
import { RollingWindow } from '../../common/rolling-window.js';
import { checkPeriod, IndicatorBase, type PriceIndicator } from './indicator.js';

/**
 * Percentile rank of each new input against the previous `window` inputs (mid-rank for ties):
 * rank = (#{prior < x} + ½ · #{prior = x}) / #prior, in [0, 1]. The value is null until `minSamples` prior
 * inputs exist. NaN inputs are refused (no order to rank them in).
 *
 * The window is kept in arrival order (a RollingWindow, to know which input leaves) and as its distinct values,
 * sorted, with a count each, preallocated: an input joins or leaves by a binary search and a count change (a
 * memmove only for a new distinct value). The smart-money tracker's average trade sizes (ask / askTrades of
 * footprint rows) hold ~165 distinct values in a window of 500; a sorted copy of the window moved ~170 values
 * per input (~200 ns, most of a backtest's signal time). The regime's ATR stream (100 values, nearly all
 * distinct) ranks once per closed bar, where the O(distinct) sum of `rankOf` is ~100 additions.
 *
 * `cut(q)` finds once which inputs would rank at or above q, so that ranking a bar's rows against the same
 * window is a comparison per row. The rank is monotone in the input and `reaches(x)` after `cut(q)` is exactly
 * `(rankOf(x) ?? 0) >= q`.
 */
export class PercentileRank extends IndicatorBase implements PriceIndicator {
  /** Number of prior inputs compared against. */
  readonly window: number;
  /** Prior inputs needed before the first value. */
  readonly minSamples: number;
  private readonly arrivals: RollingWindow;
  /** The distinct values in the window, ascending (the first `distinct`), and how many times each is in it. */
  private readonly values: Float64Array;
  private readonly counts: Int32Array;
  private distinct = 0;
  // The last cut: inputs above cutAt reach it, and inputs equal to it when cutEqual.
  private cutAt = Number.POSITIVE_INFINITY;
  private cutEqual = false;

  constructor(window: number, minSamples = Math.min(window, 20)) {
    super();
    checkPeriod('PercentileRank', window);
    checkPeriod('PercentileRank minSamples', minSamples);
    if (minSamples > window) throw configError(ErrorCode.BAD_CONFIG, `PercentileRank: minSamples ${minSamples} > window ${window}`);
    this.window = window;
    this.minSamples = minSamples;
    this.arrivals = new RollingWindow(window);
    this.values = new Float64Array(window);
    this.counts = new Int32Array(window);
  }

  /** Index of the first distinct value ≥ x (the number of distinct values below x). */
  private find(x: number): number {
    let lo = 0;
    let hi = this.distinct;
    const a = this.values;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Rank of `x` against the prior window, without adding it. */
  rankOf(x: number): number | null {
    const m = this.arrivals.size;
    if (m < this.minSamples) return null;
    const at = this.find(x);
    let below = 0;
    for (let i = 0; i < at; i++) below += this.counts[i]!;
    const equal = at < this.distinct && this.values[at] === x ? this.counts[at]! : 0;
    return (below + 0.5 * equal) / m;
  }

  /**
   * Finds the inputs whose rank against the window now is at or above q, for `reaches`. Ranks rise with the
   * input, through the states "between the (i−1)-th and i-th distinct values" (rank below/m) and "equal to the
   * i-th" ((below + ½·count)/m); the lowest state reaching q bounds the set. Each rank is (h/2)/m for an integer
   * h (2·below, or 2·below + count: exact in a double), so the least h reaching q is found once and the states
   * are compared as integers, walked from the top (q is high: few values lie above it). With fewer than
   * minSamples inputs no rank exists: `reaches` answers as `rank ?? 0` would.
   */
  cut(q: number): void {
    this.cutAt = Number.POSITIVE_INFINITY;
    this.cutEqual = false;
    const m = this.arrivals.size;
    if (m < this.minSamples) {
      // No rank: `rank ?? 0` is 0, reaching only a q ≤ 0.
      if (0 >= q) {
        this.cutAt = Number.NEGATIVE_INFINITY;
        this.cutEqual = true;
      }
      return;
    }
    const hMin = leastHalfCount(m, q);
    if (hMin > 2 * m) return;
    const v = this.values;
    const c = this.counts;
    // Above every value (there is one: m ≥ minSamples ≥ 1): h = 2m reaches.
    this.cutAt = v[this.distinct - 1]!;
    let below = m;
    for (let i = this.distinct - 1; i >= 0; i--) {
      const ci = c[i]!;
      below -= ci;
      if (2 * below + ci < hMin) return;
      this.cutAt = v[i]!;
      this.cutEqual = true;
      if (2 * below < hMin) return;
      this.cutAt = i === 0 ? Number.NEGATIVE_INFINITY : v[i - 1]!;
      this.cutEqual = i === 0;
    }
  }

  /** True when `x` ranks at or above the q of the last `cut(q)` (the window unchanged since). */
  reaches(x: number): boolean {
    return this.cutEqual ? x >= this.cutAt : x > this.cutAt;
  }

  /** Ranks `x` against the prior window, then adds it to the window. */
  update(x: number): number | null {
    if (Number.isNaN(x)) throw new RangeError('PercentileRank: NaN input');
    const rank = this.rankOf(x);
    this.add(x);
    this.out = rank;
    return rank;
  }

  /** Adds `x` to the window without ranking it; `value` is unchanged. */
  add(x: number): void {
    if (Number.isNaN(x)) throw new RangeError('PercentileRank: NaN input');
    const gone = this.arrivals.push(x);
    if (gone !== undefined) this.remove(gone);
    const v = this.values;
    const c = this.counts;
    const at = this.find(x);
    if (at < this.distinct && v[at] === x) c[at]!++;
    else {
      v.copyWithin(at + 1, at, this.distinct);
      c.copyWithin(at + 1, at, this.distinct);
      v[at] = x;
      c[at] = 1;
      this.distinct++;
    }
    this.n++;
  }

  /** Takes one `x` (in the window) out of the counts. */
  private remove(x: number): void {
    const at = this.find(x);
    if (--this.counts[at]! === 0) {
      this.values.copyWithin(at, at + 1, this.distinct);
      this.counts.copyWithin(at, at + 1, this.distinct);
      this.distinct--;
    }
  }

  /** Forgets every input. */
  reset(): void {
    this.arrivals.clear();
    this.distinct = 0;
    this.n = 0;
    this.out = null;
  }
}

/** The least integer h in 0 … 2m with (h · ½) / m ≥ q, the rank's own expression (2m + 1 when none is). */
function leastHalfCount(m: number, q: number): number {
  let lo = 0;
  let hi = 2 * m + 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((mid * 0.5) / m >= q) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
