import { configError, ErrorCode } from '../common/errors.js';

/** One feature's training distribution: bin edges (ascending, distinct) and the fraction of training rows per bin. */
export interface FeatureBins {
  name: string;
  /** Inner edges: bin k holds edges[k−1] ≤ x < edges[k] (bin 0 everything below edges[0]); edges.length + 1 bins. */
  edges: number[];
  /** Fraction of the training rows in each bin (edges.length + 1 numbers summing to 1). */
  fractions: number[];
}

/** The training distribution of every feature, as `mia train` stores it in the manifest (`featureDrift`). */
export interface DriftReference {
  /** How the edges were chosen: the training rows' quantiles at k / bins, equal edges merged. */
  method: 'quantile';
  /** Bins asked for (a feature with repeated values, e.g. a discrete one, ends up with fewer). */
  bins: number;
  /** Training rows the bins were computed from. */
  rows: number;
  /** One entry per feature, in FEATURE_NAMES order. */
  features: FeatureBins[];
}

/** Quantile bins asked for by default (deciles: the usual PSI binning). */
export const DEFAULT_DRIFT_BINS = 10;

/** The bin of `x`: the number of edges at or below it (binary search; NaN goes to bin 0). */
export function binOf(edges: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Quantile bins of each column of `rows` (the training feature rows, missing features as the manifest's
 * missingFeatureValue, as the engine scores them): the inner edges are the values at ranks ⌊k·n/bins⌋,
 * k = 1…bins−1, of the sorted column, duplicates dropped (so a value never straddles two bins); each bin's
 * fraction is then counted with binOf, the rule the engine applies, so the reference and the window agree.
 */
export function quantileBins(rows: readonly ArrayLike<number>[], names: readonly string[], bins = DEFAULT_DRIFT_BINS): DriftReference {
  if (!Number.isInteger(bins) || bins < 2) throw configError(ErrorCode.BAD_CONFIG, `drift bins must be an integer >= 2 (got ${bins})`);
  const n = rows.length;
  const features: FeatureBins[] = names.map((name, j) => {
    const col = Float64Array.from(rows, (r) => r[j]!).sort();
    const edges: number[] = [];
    for (let k = 1; k < bins && n > 0; k++) {
      const v = col[Math.floor((k * n) / bins)]!;
      // Not the minimum: an edge at the minimum would leave bin 0 empty by construction.
      if (v > col[0]! && (edges.length === 0 || v > edges[edges.length - 1]!)) edges.push(v);
    }
    const counts = new Array<number>(edges.length + 1).fill(0);
    for (let i = 0; i < n; i++) counts[binOf(edges, col[i]!)]!++;
    return { name, edges, fractions: counts.map((c) => (n > 0 ? c / n : 0)) };
  });
  return { method: 'quantile', bins, rows: n, features };
}

/** Why `x` is not a usable DriftReference for `names`, or null when it is (the manifest loader's check). */
export function driftReferenceProblem(x: unknown, names: readonly string[]): string | null {
  const r = x as Partial<DriftReference> | null;
  if (typeof r !== 'object' || r === null || !Array.isArray(r.features)) return 'an object with a features list';
  if (r.features.length !== names.length) return `a list of ${names.length} features`;
  for (const [i, f] of r.features.entries()) {
    const ok = typeof f === 'object' && f !== null && f.name === names[i] && Array.isArray(f.edges) && Array.isArray(f.fractions)
      && f.fractions.length === f.edges.length + 1 && f.edges.every((e, k) => Number.isFinite(e) && (k === 0 || e > f.edges[k - 1]!))
      && f.fractions.every((p) => Number.isFinite(p) && p >= 0);
    if (!ok) return `features[${i}] as { name: "${names[i]}", ascending edges, one fraction per bin }`;
  }
  return null;
}

/**
 * Population stability index of one feature: Σ_b (a_b − e_b) · ln(a_b / e_b) over the bins, with a_b the
 * window's fraction and e_b the training fraction, each raised to at least `epsilon` so that an empty bin
 * gives a large finite term instead of ln 0.
 */
export function populationStability(actual: ArrayLike<number>, expected: ArrayLike<number>, epsilon: number): number {
  let s = 0;
  for (let b = 0; b < expected.length; b++) s += psiTerm(actual[b]!, expected[b]!, epsilon);
  return s;
}

/** One bin's PSI term, both fractions floored at `epsilon`. */
export function psiTerm(a: number, e: number, epsilon: number): number {
  const x = a > epsilon ? a : epsilon;
  const y = e > epsilon ? e : epsilon;
  return (x - y) * Math.log(x / y);
}
