import { trainBoostedTrees, DEFAULT_BOOSTING_CONFIG, type BoostingConfig } from './boosted-trees.js';
import { rocAuc, brierScore } from './classifier-metrics.js';
import type { ProbabilityModel } from './decision-tree.js';
import { trainLogistic, DEFAULT_LOGISTIC_CONFIG, type LogisticRegressionConfig } from './logistic-regression.js';
import { trainForest, DEFAULT_FOREST_CONFIG, type ForestConfig } from './random-forest.js';
import { walkForwardFolds, type Fold } from './walk-forward.js';

/**
 * The champion/challenger gate of retraining (docs/ml.md "Retraining"): a newly trained ensemble (the challenger)
 * replaces the running one (the champion) only if its ensemble mean forecasts the most recent out-of-sample block
 * better, by log loss, by at least a margin. The block is the last walk-forward test block of the new samples; the
 * challenger is scored by the three models fitted on the samples before it (less the embargo), so both are judged
 * on data the challenger never saw.
 */

/** The metric of the gate: log loss of the ensemble mean (the probability the filter thresholds), lower is better. */
export const GATE_METRIC = 'logLoss';
/**
 * Default margin: the challenger's log loss must be lower than the champion's by at least this. Log loss of a
 * coin toss is ln 2 ≈ 0.693; 0.005 is below the noise of a block of a few hundred samples and only stops a swap
 * for a difference that is no difference.
 */
export const DEFAULT_GATE_MARGIN = 0.005;
/**
 * Probabilities are clipped to [ε, 1 − ε] in the log loss: a float32 forecast of exactly 0 or 1 that is wrong
 * would otherwise cost an infinite loss and decide the gate alone.
 */
export const LOG_LOSS_EPSILON = 1e-7;

/** How one ensemble forecast the block. */
export interface BlockScore {
  /** Mean negative log likelihood of the labels under the ensemble mean. */
  logLoss: number;
  /** Area under the ROC curve; null when the block holds one class. */
  auc: number | null;
  brier: number;
}

/** The block both ensembles are judged on: sample indexes and market times. */
export interface GateBlock extends Fold {
  samples: number;
  positives: number;
  /** Market time of the block's first and last samples (ISO-8601), when the samples carry times. */
  from?: string;
  to?: string;
}

/** The verdict written into the challenger's manifest (`challenge`). */
export interface ChallengeVerdict {
  /** True: the challenger won and may replace the champion (`mia serve --models-watch` swaps only these). */
  approved: boolean;
  metric: typeof GATE_METRIC;
  margin: number;
  block: GateBlock;
  challenger: BlockScore;
  /** The champion judged; null when none was given (the gate then approves nothing). */
  champion: (BlockScore & { dir: string; createdAt: string; hashes: string[]; sawBlock: boolean }) | null;
  /** One line saying who won and by how much. */
  reason: string;
}

/** Log loss of probabilities `p` for labels `y` (clipped by LOG_LOSS_EPSILON). */
export function logLoss(p: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const q = Math.min(1 - LOG_LOSS_EPSILON, Math.max(LOG_LOSS_EPSILON, p[i]!));
    s -= y[i] === 1 ? Math.log(q) : Math.log(1 - q);
  }
  return p.length ? s / p.length : 0;
}

/** Log loss, AUC and Brier score of a block's forecasts. */
export function blockScore(p: ArrayLike<number>, y: ArrayLike<number>): BlockScore {
  return { logLoss: logLoss(p, y), auc: rocAuc(p, y), brier: brierScore(p, y) };
}

/** The most recent out-of-sample block: the last walk-forward fold of `n` samples. */
export function recentBlock(n: number, folds: number, embargo: number): Fold {
  return walkForwardFolds(n, folds, embargo).at(-1)!;
}

/** Model settings of the challenger (the trainer's, so the gate judges the models `mia train` fits). */
export interface ChallengerConfig {
  seed: number;
  logistic?: LogisticRegressionConfig;
  boosting?: BoostingConfig;
  forest?: Omit<ForestConfig, 'seed'>;
}

/**
 * The challenger's forecasts of the block: the mean of logistic regression, boosted trees and the forest, each
 * fitted on the samples before the block less the embargo (`fold.trainEnd`), as the exported ensemble averages them.
 */
export function challengerForecasts(x: readonly ArrayLike<number>[], y: ArrayLike<number>, fold: Fold, c: ChallengerConfig): Float64Array {
  const tx = x.slice(0, fold.trainEnd);
  const ty = Array.prototype.slice.call(y, 0, fold.trainEnd) as number[];
  const models: ProbabilityModel[] = [
    trainLogistic(tx, ty, c.logistic ?? DEFAULT_LOGISTIC_CONFIG),
    trainBoostedTrees(tx, ty, c.boosting ?? DEFAULT_BOOSTING_CONFIG),
    trainForest(tx, ty, { ...(c.forest ?? DEFAULT_FOREST_CONFIG), seed: c.seed }),
  ];
  const out = new Float64Array(fold.testEnd - fold.testStart);
  for (let i = fold.testStart; i < fold.testEnd; i++) {
    let s = 0;
    for (const m of models) s += m.predict(x[i]!);
    out[i - fold.testStart] = s / models.length;
  }
  return out;
}

/** The champion as the gate sees it: where it came from and its forecasts of the block. */
export interface ChampionForecasts {
  dir: string;
  createdAt: string;
  hashes: string[];
  p: ArrayLike<number>;
}

/**
 * Judges the challenger against the champion on the block's labels: approved when the challenger's log loss is
 * lower by at least `margin`. Without a champion nothing is approved (a first model is installed by hand, with
 * `mia serve --models`). `times` (ms, one per sample) give the block's range and tell whether the champion was
 * created after the block began, i.e. probably trained on it (its score is then in-sample and flattering: the gate
 * errs towards keeping it).
 */
export function judge(
  y: ArrayLike<number>, fold: Fold, challengerP: ArrayLike<number>, champion: ChampionForecasts | null, margin: number, times?: ArrayLike<number>,
): ChallengeVerdict {
  const labels = Array.prototype.slice.call(y, fold.testStart, fold.testEnd) as number[];
  let positives = 0;
  for (const v of labels) positives += v;
  const fromMs = times?.[fold.testStart];
  const toMs = times?.[fold.testEnd - 1];
  const block: GateBlock = {
    ...fold, samples: labels.length, positives,
    ...(fromMs !== undefined && toMs !== undefined ? { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() } : {}),
  };
  const challenger = blockScore(challengerP, labels);
  const base = { metric: GATE_METRIC, margin, block, challenger } as const;
  if (!champion) return { ...base, approved: false, champion: null, reason: 'no champion to challenge (--challenge not given): not approved for a hot swap' };
  const c = blockScore(champion.p, labels);
  const sawBlock = fromMs !== undefined && Date.parse(champion.createdAt) >= fromMs;
  const gain = c.logLoss - challenger.logLoss;
  const approved = gain >= margin;
  const f = (v: number): string => v.toFixed(4);
  const reason = approved
    ? `challenger wins: log loss ${f(challenger.logLoss)} vs champion ${f(c.logLoss)} (better by ${f(gain)} >= margin ${margin})`
    : `champion stays: challenger log loss ${f(challenger.logLoss)} vs champion ${f(c.logLoss)} (better by ${f(gain)} < margin ${margin})`;
  return { ...base, approved, champion: { ...c, dir: champion.dir, createdAt: champion.createdAt, hashes: champion.hashes, sawBlock }, reason };
}
