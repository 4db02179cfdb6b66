import { RollingWindow } from '../common/rolling-window.js';

/** p50, p99 and max of a window, in the window's unit. */
export interface Percentiles {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * The last `capacity` samples of one latency, kept in a preallocated ring so recording allocates nothing;
 * percentiles are computed on request (/health, /metrics), not per sample. The count and sum of every sample
 * since start are kept too, as a Prometheus summary needs them.
 */
export class LatencyWindow {
  private readonly window: RollingWindow;
  /** Samples recorded since start (not only those in the window). */
  recorded = 0;
  /** Sum of every sample recorded since start. */
  sum = 0;

  constructor(capacity = 10_000) {
    this.window = new RollingWindow(capacity);
  }

  /** Adds one sample. */
  record(value: number): void {
    this.window.push(value);
    this.recorded++;
    this.sum += value;
  }

  /**
   * The q-quantile (nearest rank) of the newest `n` samples (at most those held), or null when there are none:
   * what the alert rules read once a second for "p99 over the last seconds", never per sample.
   */
  newestQuantile(n: number, q: number): number | null {
    const size = this.window.size;
    const k = Math.min(n, size);
    if (!(k > 0)) return null;
    const newest = new Float64Array(k);
    for (let i = 0; i < k; i++) newest[i] = this.window.at(size - k + i);
    newest.sort();
    return rank(newest, q);
  }

  /** Percentiles over the samples in the window (nearest rank); zeros when empty. */
  percentiles(): Percentiles {
    const count = this.window.size;
    if (count === 0) return { count: 0, p50: 0, p99: 0, max: 0 };
    const s = this.window.toSorted();
    return { count, p50: rank(s, 0.5), p99: rank(s, 0.99), max: s[count - 1]! };
  }

  /** The nearest-rank quantiles `qs` (each in [0, 1]) of the samples in the window; NaN each when empty. */
  quantiles(qs: readonly number[]): number[] {
    if (this.window.size === 0) return qs.map(() => Number.NaN);
    const s = this.window.toSorted();
    return qs.map((q) => rank(s, q));
  }
}

/** Nearest-rank quantile `q` of the sorted, non-empty `s` (q = 0: the minimum). */
function rank(s: Float64Array, q: number): number {
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}
