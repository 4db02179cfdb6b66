import { WarningCode, type WarningCodeValue } from '../common/errors.js';
import type { ModelName } from './model-manifest.js';

/**
 * Walk-forward AUC a model must exceed to be called useful. 0.5 is a coin toss; 0.55 leaves a margin for
 * the noise of an out-of-sample pool of a few hundred decisions (docs/ml.md, "Warnings").
 */
export const MIN_USEFUL_AUC = 0.55;

/**
 * Fewest labelled samples for the walk-forward metrics to mean much. With the default 5 folds, 600 samples
 * leave 500 out-of-sample decisions; a model with no skill (balanced classes) then has an AUC standard error
 * of √((n+1)/(3n²)) ≈ 0.026 (the Mann–Whitney null variance), so it passes MIN_USEFUL_AUC by chance in under
 * 3 % of runs. On the one-hour ES file (58 samples, 38 out of sample with 2 folds) it is 0.095: chance passes 30 %.
 */
export const MIN_LABELLED_SAMPLES = 600;

/** A coded warning about trained models, written into the manifest so it travels with them. */
export interface ModelWarning {
  code: WarningCodeValue;
  /** The model it concerns; absent when it concerns the training as a whole. */
  model?: ModelName;
  /** One sentence for a reader, without the code. */
  message: string;
}

/** What the rule reads of one model's walk-forward result. */
export interface PooledAuc {
  pooled: { auc: number | null };
}

/**
 * The warnings of a training run: FEW_SAMPLES when `samples` is under MIN_LABELLED_SAMPLES, then for each
 * model in `evaluation` order a WEAK_MODEL when its pooled out-of-sample AUC is not above MIN_USEFUL_AUC
 * or could not be computed (the test blocks held one class).
 */
export function trainingWarnings(samples: number, evaluation: Partial<Record<ModelName, PooledAuc>>): ModelWarning[] {
  const out: ModelWarning[] = [];
  if (samples < MIN_LABELLED_SAMPLES) {
    out.push({
      code: WarningCode.FEW_SAMPLES,
      message: `${samples} labelled samples are under the minimum of ${MIN_LABELLED_SAMPLES} (docs/ml.md): ` +
        'walk-forward AUCs on so few samples are mostly chance',
    });
  }
  for (const [model, r] of Object.entries(evaluation) as [ModelName, PooledAuc][]) {
    const auc = r.pooled.auc;
    if (auc === null) {
      out.push({
        code: WarningCode.WEAK_MODEL, model,
        message: `${model} walk-forward AUC cannot be computed (its test blocks hold one class): its skill is unknown`,
      });
    } else if (!(auc > MIN_USEFUL_AUC)) {
      out.push({
        code: WarningCode.WEAK_MODEL, model,
        message: `${model} walk-forward AUC ${auc.toFixed(3)} is not above ${MIN_USEFUL_AUC}: ` +
          'the model does not separate winners from losers on this data',
      });
    }
  }
  return out;
}

/** The one-line form printed on stderr: `mia train: warning: … (MIA_WARN_…)`; `about` names the models directory when loaded. */
export function warningLine(command: string, w: ModelWarning, about?: string): string {
  return `${command}: warning: ${about !== undefined ? `${about}: ` : ''}${w.message} (${w.code})`;
}
