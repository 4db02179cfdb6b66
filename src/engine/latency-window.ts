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
 * percentiles are computed on request (/health), not per sample.
 */
export class LatencyWindow {
  private readonly window: RollingWindow;
  private total = 0;

  constructor(capacity = 10_000) {
    this.window = new RollingWindow(capacity);
  }

  /** Adds one sample. */
  record(value: number): void {
    this.window.push(value);
    this.total++;
  }

  /** Samples recorded since construction (the window holds the last `capacity` of them). */
  get recorded(): number {
    return this.total;
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
    return newest[Math.min(k - 1, Math.max(0, Math.ceil(q * k) - 1))]!;
  }

  /** Percentiles over the samples in the window (nearest rank); zeros when empty. */
  percentiles(): Percentiles {
    const count = this.window.size;
    if (count === 0) return { count: 0, p50: 0, p99: 0, max: 0 };
    const s = this.window.toSorted();
    const at = (q: number): number => s[Math.min(count - 1, Math.ceil(q * count) - 1)]!;
    return { count, p50: at(0.5), p99: at(0.99), max: s[count - 1]! };
  }
}
