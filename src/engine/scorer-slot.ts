import type { EnsembleScore, FilterStatus } from '../ml/model-ensemble.js';
import type { DecisionExplainer } from '../ml/model-explainer.js';
import type { DriftReference } from '../ml/feature-drift.js';
import type { NeuralDecisionScorer } from './neural-stage.js';

/** Scores a feature vector (FEATURE_NAMES order) synchronously: the ModelEnsemble, or a test's stub. */
export interface DecisionScorer {
  score(features: Float32Array): EnsembleScore;
  /** The scores' SHAP explainer (the ensemble's, when its models directory has explain.json). */
  readonly explainer?: DecisionExplainer | null;
}

/** A scorer to swap in between two decisions (DecisionPipeline.swapScorer). */
export interface ScorerSwap {
  scorer: DecisionScorer;
  /** The filter's state with the new scorer (/health, status). */
  filter: FilterStatus;
  /** The new manifest's missing-feature value. */
  missingFeature?: number;
  /**
   * The new models' training distribution for feature drift (their manifest's `featureDrift`; null: none); absent:
   * drift left as it is.
   */
  driftReference?: DriftReference | null;
  /** The new models' neural scorer (null: none, their outputs off); absent: left as it is. */
  neural?: NeuralDecisionScorer | null;
  /** Called once the swap is applied, with the scorer taken out (to release it). */
  applied?: (old: DecisionScorer | null) => void;
  /** Called when a later swap replaced this one before it was applied, with this one's scorer (to release it). */
  replaced?: (scorer: DecisionScorer) => void;
}

/**
 * The decision pipeline's ML scorer and what goes with it (the filter's state, the missing-feature value), and a
 * swap waiting for the next decision (`mia serve --models-watch`). The pipeline calls `settle` at the start of each
 * decision: a swap asked at any time is applied between two decisions, so every decision is scored wholly by one
 * ensemble and none is skipped; the new ensemble was loaded (its session created) before, off the decision path.
 */
export class ScorerSlot {
  scorer: DecisionScorer | null;
  filter: FilterStatus;
  missingFeature: number;
  private next: ScorerSwap | undefined;

  constructor(scorer: DecisionScorer | null, filter: FilterStatus, missingFeature: number) {
    this.scorer = scorer;
    this.filter = filter;
    this.missingFeature = missingFeature;
  }

  /** Asks for a swap at the next decision; one still waiting is handed to its `replaced`, unused. */
  swap(s: ScorerSwap): void {
    const waiting = this.next;
    this.next = s;
    waiting?.replaced?.(waiting.scorer);
  }

  /** A swap waits for the next decision. */
  get pending(): boolean {
    return this.next !== undefined;
  }

  /** Applies the waiting swap, if any (the start of a decision). */
  settle(): void {
    const s = this.next;
    if (!s) return;
    const old = this.scorer;
    this.next = undefined;
    this.scorer = s.scorer;
    this.filter = s.filter;
    if (s.missingFeature !== undefined) this.missingFeature = s.missingFeature;
    s.applied?.(old);
  }
}
