import type { MlVerdict } from '../execution/decision-verdicts.js';
import type { DecisionExplainer } from '../ml/model-explainer.js';
import { MODEL_NAMES } from '../ml/model-manifest.js';
import { FEATURE_NAMES } from '../signals/features.js';

/**
 * The decision pipeline's SHAP step: explains a scored decision's row into a scratch vector reused for every
 * decision, then copies the 24 values into the verdict (the one allocation per explained decision: a verdict
 * outlives the call, held by a trading queue or a journal, so it cannot share the scratch). The base values are
 * fixed for the models' life and shared by every verdict.
 */
export class DecisionShap {
  private readonly explainer: DecisionExplainer;
  private readonly scratch = new Float64Array(MODEL_NAMES.length * FEATURE_NAMES.length);
  private readonly base: readonly number[];

  constructor(explainer: DecisionExplainer) {
    this.explainer = explainer;
    this.base = Object.freeze(Array.from(explainer.base));
  }

  /** `v` with its SHAP base values and contributions for `row` (v itself, extended). */
  attach(v: MlVerdict, row: Float32Array): MlVerdict {
    this.explainer.explain(row, this.scratch);
    v.shapBase = this.base;
    v.shapValues = Array.from(this.scratch);
    return v;
  }
}
