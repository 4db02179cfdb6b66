import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from './protocol.js';

/** A latency histogram in whole µs, 3 significant digits, up to an hour. */
export function latencyHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
}

/** p50, p99, p99.9 and max of a histogram (zeros when it is empty). */
export function summary(h: hdr.Histogram): LatencySummary {
  if (h.totalCount === 0) return { count: 0, p50Us: 0, p99Us: 0, p999Us: 0, maxUs: 0 };
  return {
    count: h.totalCount,
    p50Us: h.getValueAtPercentile(50),
    p99Us: h.getValueAtPercentile(99),
    p999Us: h.getValueAtPercentile(99.9),
    maxUs: h.maxValue,
  };
}

/** A histogram as text for IPC (subscriber processes send theirs; the harness adds them up). */
export function encodeHistogram(h: hdr.Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/** The sum of encoded histograms, as one histogram. */
export function mergeHistograms(encoded: readonly string[]): hdr.Histogram {
  const total = latencyHistogram();
  for (const e of encoded) total.add(hdr.decodeFromCompressedBase64(e));
  return total;
}
