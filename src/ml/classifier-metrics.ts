/** One reliability bin: predictions in [lower, upper), the last bin closed at 1. */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean predicted probability in the bin; null when empty. */
  meanPredicted: number | null;
  /** Share of positives in the bin; null when empty. */
  observedRate: number | null;
}

/** Out-of-sample quality of probability forecasts. */
export interface ClassifierMetrics {
  samples: number;
  positives: number;
  /** Area under the ROC curve; null when the labels are all one class. */
  auc: number | null;
  /** Share of correct labels with the cut `probability > 0.5`. */
  accuracy: number;
  /** Mean squared error of the probability (Brier 1950). */
  brier: number;
  reliability: ReliabilityBin[];
}

/**
 * AUC as the Mann–Whitney statistic: the probability that a random positive scores above a random
 * negative, ties counting one half (midranks). Null when either class is absent.
 */
export function rocAuc(p: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const n = p.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[a]! - p[b]!);
  let rankSumPos = 0;
  let pos = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && p[order[j + 1]!] === p[order[i]!]) j++;
    const midrank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (y[order[k]!] === 1) (rankSumPos += midrank), pos++;
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return null;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Brier score: mean of (p − y)². */
export function brierScore(p: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += (p[i]! - y[i]!) ** 2;
  return p.length ? s / p.length : 0;
}

/** Equal-width reliability bins over [0, 1] (a calibrated model has observedRate ≈ meanPredicted). */
export function reliabilityBins(p: ArrayLike<number>, y: ArrayLike<number>, bins = 10): ReliabilityBin[] {
  const count = new Float64Array(bins);
  const sumP = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  for (let i = 0; i < p.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p[i]! * bins)));
    count[b] = count[b]! + 1;
    sumP[b] = sumP[b]! + p[i]!;
    sumY[b] = sumY[b]! + y[i]!;
  }
  return Array.from({ length: bins }, (_, b) => ({
    lower: b / bins,
    upper: (b + 1) / bins,
    count: count[b]!,
    meanPredicted: count[b] ? sumP[b]! / count[b]! : null,
    observedRate: count[b] ? sumY[b]! / count[b]! : null,
  }));
}

/** All metrics of a set of predictions. */
export function classifierMetrics(p: ArrayLike<number>, y: ArrayLike<number>, bins = 10): ClassifierMetrics {
  let right = 0;
  let positives = 0;
  for (let i = 0; i < p.length; i++) {
    if ((p[i]! > 0.5 ? 1 : 0) === y[i]) right++;
    positives += y[i]!;
  }
  return {
    samples: p.length,
    positives,
    auc: rocAuc(p, y),
    accuracy: p.length ? right / p.length : 0,
    brier: brierScore(p, y),
    reliability: reliabilityBins(p, y, bins),
  };
}
