import type { Metric, Registry } from 'prom-client';
import type { LatencyWindow } from '../engine/latency-window.js';

/** One line of a metric family: a suffix of the family's name (`_sum`, `_bucket`…) or none, labels, value. */
export interface Sample {
  suffix?: string;
  labels: Record<string, string | number>;
  value: number;
}

/**
 * A summary or histogram family computed at scrape time from counts the engine already keeps. prom-client's
 * Summary and Histogram only take observations one by one (each observe() makes a closure), which would put
 * work and garbage on the snapshot path; its Registry renders any metric whose `get()` answers name, help, type
 * and values (registry.js, getMetricsAsString), so this class answers that, and /metrics is held to the text
 * format by test/stream/metrics.test.ts.
 */
export class ComputedMetric {
  readonly name: string;
  readonly help: string;
  readonly type: 'summary' | 'histogram';
  readonly aggregator = 'sum';
  private readonly read: () => Sample[];

  constructor(name: string, help: string, type: 'summary' | 'histogram', read: () => Sample[]) {
    this.name = name;
    this.help = help;
    this.type = type;
    this.read = read;
  }

  /** Registers this family with `registry`. */
  register(registry: Registry): this {
    registry.registerMetric(this as unknown as Metric);
    return this;
  }

  /** What the registry renders (called once per scrape). */
  get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: { metricName: string; labels: Record<string, string | number>; value: number }[] }> {
    const values = this.read().map((s) => ({ metricName: this.name + (s.suffix ?? ''), labels: s.labels, value: s.value }));
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  /** Nothing to reset: the counts belong to the engine. */
  reset(): void {}
}

/** Quantiles a latency summary shows (nearest rank over the window's last 10,000 samples). */
export const SUMMARY_QUANTILES = [0.5, 0.9, 0.99] as const;

/**
 * The samples of a summary of one latency window in µs, shown in seconds: quantiles over the window (none
 * while it is empty), and the count and sum of every sample since start.
 */
export function latencySummary(w: LatencyWindow, labels: Record<string, string>): Sample[] {
  const out: Sample[] = [];
  const q = w.quantiles(SUMMARY_QUANTILES);
  if (w.recorded > 0 && !Number.isNaN(q[0]!)) {
    SUMMARY_QUANTILES.forEach((quantile, i) => out.push({ labels: { ...labels, quantile }, value: q[i]! / 1e6 }));
  }
  out.push({ suffix: '_sum', labels, value: w.sum / 1e6 }, { suffix: '_count', labels, value: w.recorded });
  return out;
}

/**
 * Counts of values in fixed buckets, kept without allocating (a bucket index found by a scan of the upper
 * bounds, then one increment): what the decision path records, rendered as a cumulative histogram at scrape time.
 */
export class BucketCounts {
  /** Upper bounds, ascending; a value above the last goes to +Inf. */
  readonly bounds: readonly number[];
  private readonly counts: Float64Array;
  count = 0;
  sum = 0;

  constructor(bounds: readonly number[]) {
    this.bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Counts `value` (NaN is not a value: ignored). */
  record(value: number): void {
    if (Number.isNaN(value)) return;
    const b = this.bounds;
    let i = 0;
    while (i < b.length && value > b[i]!) i++;
    this.counts[i]!++;
    this.count++;
    this.sum += value;
  }

  /** The histogram's samples: cumulative `_bucket`s by `le` up to +Inf, `_sum`, `_count`. */
  samples(labels: Record<string, string>): Sample[] {
    const out: Sample[] = [];
    let running = 0;
    for (let i = 0; i <= this.bounds.length; i++) {
      running += this.counts[i]!;
      out.push({ suffix: '_bucket', labels: { ...labels, le: i < this.bounds.length ? this.bounds[i]! : '+Inf' }, value: running });
    }
    out.push({ suffix: '_sum', labels, value: this.sum }, { suffix: '_count', labels, value: this.count });
    return out;
  }
}
