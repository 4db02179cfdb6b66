import { checkFeatureDriftConfig, DEFAULT_FEATURE_DRIFT_CONFIG, DriftWindow, type FeatureDriftConfig } from './drift-window.js';
import type { DriftReference } from './feature-drift.js';

/** What the drift monitor is built from: the training bins and, optionally, window parameters. */
export interface DriftOptions {
  reference: DriftReference;
  config?: Partial<FeatureDriftConfig>;
}

/** A decision's drift reading, the one DriftWindow's live view: valid while the decision is emitted, copy to keep. */
export interface DriftReading {
  /** PSI per feature in FEATURE_NAMES order; NaN while the window has fewer than `minRows` rows. */
  readonly psi: Float64Array;
  /** Largest of them; NaN until published. */
  readonly psiMax: number;
  /** Some feature's PSI at or above the threshold. */
  readonly flagged: boolean;
}

/** One symbol's drift as /health shows it. */
export interface SymbolDriftHealth {
  rows: number;
  /** PSI by feature name; null until published. */
  psi: Record<string, number | null>;
  psiMax: number | null;
  flagged: boolean;
  /** Pearson correlation of the features over the window (FEATURE_NAMES order both ways); null for a constant feature. */
  correlation: (number | null)[][];
}

/** /health's `decisions.drift`. */
export interface DriftHealth {
  enabled: true;
  config: FeatureDriftConfig;
  features: string[];
  symbols: Record<string, SymbolDriftHealth>;
}

/**
 * Feature drift of each symbol against the models' training distribution (the manifest's `featureDrift`):
 * one DriftWindow per symbol, fed every decision's feature row as the models see it.
 */
export class DriftMonitor {
  /** Parameters in use. */
  readonly config: FeatureDriftConfig;
  private ref: DriftReference | null;
  private readonly windows = new Map<string, DriftWindow>();

  constructor(o: DriftOptions) {
    this.ref = o.reference;
    this.config = { ...DEFAULT_FEATURE_DRIFT_CONFIG, ...o.config };
    // Checked here so that a bad configuration throws at start-up, not at the first decision.
    checkFeatureDriftConfig(this.config);
  }

  /** Adds a decision's feature row of `symbol` and returns the symbol's reading (its window's live view). */
  observe(symbol: string, row: ArrayLike<number>): DriftReading | undefined {
    if (!this.ref) return undefined;
    let w = this.windows.get(symbol);
    if (!w) this.windows.set(symbol, (w = new DriftWindow(this.ref, this.config)));
    w.observe(row);
    return w;
  }

  /**
   * The symbol's reading (its window's live view; trading reads it at the settle, so the decisions of one intake
   * share a reading); undefined before its first row.
   */
  reading(symbol: string): DriftReading | undefined {
    return this.windows.get(symbol);
  }

  /** Whether drift is measured (false once models without training bins were swapped in). */
  get active(): boolean {
    return this.ref !== null;
  }

  /**
   * A models swap (`mia serve --models-watch`): drift is measured against the new models' training distribution
   * from here on (windows start empty, so PSI waits for `minRows` decisions again), or not at all when the new
   * manifest has no bins.
   */
  rebase(reference: DriftReference | null): void {
    this.ref = reference;
    this.windows.clear();
  }

  /** The largest PSI of each symbol that has one (the drift alert's reading). */
  psiMaxBySymbol(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [s, w] of this.windows) if (!Number.isNaN(w.psiMax)) out[s] = w.psiMax;
    return out;
  }

  /** Every symbol's PSI and correlation matrix (computed now: O(window · features²) per symbol). */
  health(): DriftHealth {
    const names = this.ref?.features.map((f) => f.name) ?? [];
    const symbols: Record<string, SymbolDriftHealth> = {};
    for (const [s, w] of this.windows) {
      const psi: Record<string, number | null> = {};
      names.forEach((n, j) => (psi[n] = Number.isNaN(w.psi[j]!) ? null : w.psi[j]!));
      symbols[s] = { rows: w.size, psi, psiMax: Number.isNaN(w.psiMax) ? null : w.psiMax, flagged: w.flagged, correlation: w.correlation() };
    }
    return { enabled: true, config: this.config, features: names, symbols };
  }
}
