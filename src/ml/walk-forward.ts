import { classifierMetrics, type ClassifierMetrics } from './classifier-metrics.js';
import type { ProbabilityModel } from './decision-tree.js';

/** Fewest samples in a fold's test window. */
export const MIN_TEST_SAMPLES = 5;
/** Fewest samples in the first training window (after the embargo). */
export const MIN_TRAIN_SAMPLES = 10;
/** Fewest samples of each class over all samples (a model of one class learns nothing). */
export const MIN_CLASS_SAMPLES = 3;

/** One walk-forward fold: train on [0, trainEnd), test on [testStart, testEnd). */
export interface Fold {
  trainEnd: number;
  testStart: number;
  testEnd: number;
}

/**
 * Expanding-window folds in time order: the samples are cut into k + 1 consecutive blocks (the first takes
 * the remainder); fold i tests block i and trains on everything before it except the last `embargo`
 * samples, whose labels look into the test block (López de Prado's purge: a label spans `horizon` bars).
 */
export function walkForwardFolds(n: number, k: number, embargo: number): Fold[] {
  const block = Math.floor(n / (k + 1));
  const first = n - block * k;
  const folds: Fold[] = [];
  for (let i = 0; i < k; i++) {
    const testStart = first + i * block;
    folds.push({ trainEnd: Math.max(0, testStart - embargo), testStart, testEnd: testStart + block });
  }
  return folds;
}

/** Why these samples cannot be trained and evaluated, or null when they can. */
export function sampleProblem(y: ArrayLike<number>, k: number, embargo: number): string | null {
  const n = y.length;
  if (!Number.isInteger(k) || k < 1) return `folds must be an integer >= 1, got ${k}`;
  let pos = 0;
  for (let i = 0; i < n; i++) pos += y[i]!;
  const need = minimumSamples(k, embargo);
  if (n < need) return `${n} labelled samples; ${k} folds with an embargo of ${embargo} need at least ${need}`;
  if (pos < MIN_CLASS_SAMPLES || n - pos < MIN_CLASS_SAMPLES) {
    return `${pos} positive and ${n - pos} negative labels; each class needs at least ${MIN_CLASS_SAMPLES}`;
  }
  return null;
}

/**
 * Fewest samples for k folds: every test block holds MIN_TEST_SAMPLES and the first training window holds
 * MIN_TRAIN_SAMPLES after the embargo.
 */
export function minimumSamples(k: number, embargo: number): number {
  return Math.max(MIN_TEST_SAMPLES * (k + 1), MIN_TRAIN_SAMPLES + embargo + MIN_TEST_SAMPLES * k);
}

/** Out-of-sample results of one model over all folds. */
export interface WalkForwardResult {
  /** Metrics over every fold's test predictions pooled. */
  pooled: ClassifierMetrics;
  /** Each fold's own metrics, in time order. */
  folds: (ClassifierMetrics & Fold)[];
}

/** Trains on each fold's window with `train` and scores its test block. */
export function walkForward(
  x: readonly ArrayLike<number>[],
  y: ArrayLike<number>,
  folds: readonly Fold[],
  train: (x: readonly ArrayLike<number>[], y: ArrayLike<number>) => ProbabilityModel,
): WalkForwardResult {
  const allP: number[] = [];
  const allY: number[] = [];
  const out: (ClassifierMetrics & Fold)[] = [];
  for (const f of folds) {
    const model = train(x.slice(0, f.trainEnd), Array.prototype.slice.call(y, 0, f.trainEnd) as number[]);
    const p: number[] = [];
    const t: number[] = [];
    for (let i = f.testStart; i < f.testEnd; i++) (p.push(model.predict(x[i]!)), t.push(y[i]!));
    out.push({ ...f, ...classifierMetrics(p, t) });
    // A loop, not push(...p): spreading a large test block into call arguments overflows the stack.
    for (let i = 0; i < p.length; i++) (allP.push(p[i]!), allY.push(t[i]!));
  }
  return { pooled: classifierMetrics(allP, allY), folds: out };
}
