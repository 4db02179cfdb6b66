import { configError, ErrorCode } from '../common/errors.js';
import { binOf, psiTerm, type DriftReference } from './feature-drift.js';

/** Parameters of the drift monitor (docs/ml.md "Feature drift"). */
export interface FeatureDriftConfig {
  /** Decisions (feature rows) in the rolling window of each symbol. */
  window: number;
  /** Rows the window needs before a PSI is published (fewer: the fractions are too coarse to mean anything). */
  minRows: number;
  /** PSI at or above which a feature has drifted (the usual rule: < 0.1 stable, 0.1–0.25 moderate, > 0.25 shifted). */
  threshold: number;
  /** Floor of both fractions in the PSI terms, so that an empty bin gives a finite term. */
  epsilon: number;
}

/** Defaults: a window of the last 1,000 decisions, published from 200, threshold 0.25, epsilon 1e-4. */
export const DEFAULT_FEATURE_DRIFT_CONFIG: FeatureDriftConfig = { window: 1000, minRows: 200, threshold: 0.25, epsilon: 1e-4 };

/** Checks a drift configuration (BAD_CONFIG naming the field). */
export function checkFeatureDriftConfig(c: FeatureDriftConfig): void {
  if (!Number.isInteger(c.window) || c.window < 2) throw configError(ErrorCode.BAD_CONFIG, 'drift window must be an integer >= 2');
  if (!Number.isInteger(c.minRows) || c.minRows < 1 || c.minRows > c.window) throw configError(ErrorCode.BAD_CONFIG, 'drift minRows must be an integer in [1, window]');
  if (!(c.threshold > 0)) throw configError(ErrorCode.BAD_CONFIG, 'drift threshold must be > 0');
  if (!(c.epsilon > 0 && c.epsilon < 1)) throw configError(ErrorCode.BAD_CONFIG, 'drift epsilon must be in (0, 1)');
}

/**
 * One symbol's rolling window of feature rows against the training distribution. Each row costs
 * O(features · log bins): its bin per feature is found and counted, the evicted row's bin uncounted, and only
 * the terms of the bins whose count changed are recomputed (while the window fills, n changes, so all of a
 * feature's terms are). A feature's PSI is the sum of its cached terms, summed afresh: no running-sum drift.
 * The rows themselves are kept (a ring) for the correlation matrix, computed on request only.
 */
export class DriftWindow {
  /** PSI per feature (FEATURE_NAMES order); NaN until `minRows` rows. Reused: copy to keep. */
  readonly psi: Float64Array;
  private readonly c: FeatureDriftConfig;
  private readonly f: number;
  private readonly edges: Float64Array[];
  private readonly expected: Float64Array[];
  private readonly counts: Uint32Array[];
  private readonly terms: Float64Array[];
  /** Bin of each feature of each row in the window (ring, row-major). */
  private readonly binRing: Uint16Array;
  /** The rows themselves (ring, row-major), for the correlation matrix. */
  private readonly rowRing: Float64Array;
  private head = 0;
  private n = 0;
  private max = Number.NaN;

  constructor(ref: DriftReference, config: FeatureDriftConfig = DEFAULT_FEATURE_DRIFT_CONFIG) {
    checkFeatureDriftConfig(config);
    this.c = config;
    this.f = ref.features.length;
    this.edges = ref.features.map((x) => Float64Array.from(x.edges));
    this.expected = ref.features.map((x) => Float64Array.from(x.fractions));
    this.counts = ref.features.map((x) => new Uint32Array(x.fractions.length));
    this.terms = ref.features.map((x) => new Float64Array(x.fractions.length));
    this.binRing = new Uint16Array(config.window * this.f);
    this.rowRing = new Float64Array(config.window * this.f);
    this.psi = new Float64Array(this.f).fill(Number.NaN);
  }

  /** Rows in the window. */
  get size(): number {
    return this.n;
  }

  /** Largest PSI of the features; NaN until published. */
  get psiMax(): number {
    return this.max;
  }

  /** True when some feature's PSI reaches the threshold. */
  get flagged(): boolean {
    return this.max >= this.c.threshold;
  }

  /** Adds one feature row (FEATURE_NAMES order), evicting the oldest once the window is full. */
  observe(row: ArrayLike<number>): void {
    const f = this.f;
    const w = this.c.window;
    const full = this.n === w;
    const at = this.head * f;
    if (!full) this.n++;
    const n = this.n;
    let max = -Infinity;
    for (let j = 0; j < f; j++) {
      const counts = this.counts[j]!;
      const bin = binOf(this.edges[j]!, row[j]!);
      const old = full ? this.binRing[at + j]! : -1;
      this.binRing[at + j] = bin;
      this.rowRing[at + j] = row[j]!;
      if (old === bin) {
        // Same bin in and out: counts and terms unchanged.
      } else {
        if (old >= 0) counts[old]!--;
        counts[bin]!++;
      }
      if (n < this.c.minRows) continue;
      const terms = this.terms[j]!;
      const e = this.expected[j]!;
      if (!full || n === this.c.minRows) {
        for (let b = 0; b < terms.length; b++) terms[b] = psiTerm(counts[b]! / n, e[b]!, this.c.epsilon);
      } else if (old !== bin) {
        terms[old] = psiTerm(counts[old]! / n, e[old]!, this.c.epsilon);
        terms[bin] = psiTerm(counts[bin]! / n, e[bin]!, this.c.epsilon);
      }
      let s = 0;
      for (let b = 0; b < terms.length; b++) s += terms[b]!;
      this.psi[j] = s;
      if (s > max) max = s;
    }
    if (n >= this.c.minRows) this.max = max;
    this.head = this.head + 1 === w ? 0 : this.head + 1;
  }

  /**
   * Pearson correlation of every pair of features over the rows in the window (computed now, O(window ·
   * features²): for /health, never per decision); null where a feature is constant over the window or the
   * window holds fewer than two rows.
   */
  correlation(): (number | null)[][] {
    const f = this.f;
    const n = this.n;
    const mean = new Float64Array(f);
    for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) mean[j]! += this.rowRing[i * f + j]!;
    for (let j = 0; j < f; j++) mean[j]! /= Math.max(n, 1);
    // Centred sums (two passes): exact enough where a one-pass Σxy − n·x̄ȳ would cancel catastrophically.
    const cov = new Float64Array(f * f);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < f; a++) {
        const da = this.rowRing[i * f + a]! - mean[a]!;
        for (let b = a; b < f; b++) cov[a * f + b]! += da * (this.rowRing[i * f + b]! - mean[b]!);
      }
    }
    const out: (number | null)[][] = [];
    for (let a = 0; a < f; a++) {
      const line: (number | null)[] = [];
      for (let b = 0; b < f; b++) {
        const [p, q] = a <= b ? [a, b] : [b, a];
        const den = Math.sqrt(cov[p * f + p]! * cov[q * f + q]!);
        line.push(n >= 2 && den > 0 ? Math.max(-1, Math.min(1, cov[p * f + q]! / den)) : null);
      }
      out.push(line);
    }
    return out;
  }
}
