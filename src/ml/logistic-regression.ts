import { sigmoid, type ProbabilityModel } from './decision-tree.js';

/** Logistic regression settings. */
export interface LogisticRegressionConfig {
  /** L2 penalty on the weights (not the intercept), in units of the summed log loss. */
  l2: number;
  /** Newton iterations at most. */
  maxIterations: number;
  /** Stop when no weight moves more than this. */
  tolerance: number;
}

/**
 * Defaults: a unit ridge keeps the weights finite when a small sample is separable (60 one-minute bars can
 * be); features are already on [−1, 1] or [0, 1], so no scaling is needed.
 */
export const DEFAULT_LOGISTIC_CONFIG: LogisticRegressionConfig = { l2: 1, maxIterations: 50, tolerance: 1e-10 };

/**
 * P(y = 1 | x) = σ(w·x + b). Weights are held as float32 values so the exported ONNX graph (float tensors)
 * carries exactly the parameters this model uses.
 */
export class LogisticModel implements ProbabilityModel {
  /** Feature weights (float32 values). */
  readonly weights: Float64Array;
  /** Intercept (a float32 value). */
  readonly bias: number;

  constructor(weights: ArrayLike<number>, bias: number) {
    this.weights = Float64Array.from(weights, (w) => Math.fround(w));
    this.bias = Math.fround(bias);
  }

  /** Probability of class 1. */
  predict(row: ArrayLike<number>): number {
    let z = this.bias;
    for (let j = 0; j < this.weights.length; j++) z += this.weights[j]! * row[j]!;
    return sigmoid(z);
  }
}

/**
 * Fits by Newton's method (iteratively reweighted least squares) on the penalised log loss
 * Σ −[y log p + (1 − y) log(1 − p)] + (l2/2)·|w|². The problem is convex with 9 unknowns, so Newton
 * converges in a few steps to the unique optimum, without a learning rate or a random start.
 */
export function trainLogistic(x: readonly ArrayLike<number>[], y: ArrayLike<number>, c: LogisticRegressionConfig = DEFAULT_LOGISTIC_CONFIG): LogisticModel {
  const d = x[0]?.length ?? 0;
  const k = d + 1; // weights then intercept
  const beta = new Float64Array(k);
  const grad = new Float64Array(k);
  const hess = new Float64Array(k * k);
  for (let it = 0; it < c.maxIterations; it++) {
    grad.fill(0);
    hess.fill(0);
    for (let i = 0; i < x.length; i++) {
      const r = x[i]!;
      let z = beta[d]!;
      for (let j = 0; j < d; j++) z += beta[j]! * r[j]!;
      const p = sigmoid(z);
      const g = p - y[i]!;
      const h = Math.max(p * (1 - p), 1e-12);
      for (let a = 0; a < k; a++) {
        const xa = a < d ? r[a]! : 1;
        grad[a] = grad[a]! + g * xa;
        for (let b = 0; b <= a; b++) hess[a * k + b] = hess[a * k + b]! + h * xa * (b < d ? r[b]! : 1);
      }
    }
    for (let a = 0; a < d; a++) {
      grad[a] = grad[a]! + c.l2 * beta[a]!;
      hess[a * k + a] = hess[a * k + a]! + c.l2;
    }
    for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) hess[b * k + a] = hess[a * k + b]!;
    const step = solveSymmetric(hess, grad, k);
    let moved = 0;
    for (let a = 0; a < k; a++) {
      beta[a] = beta[a]! - step[a]!;
      moved = Math.max(moved, Math.abs(step[a]!));
    }
    if (moved < c.tolerance) break;
  }
  return new LogisticModel(beta.subarray(0, d), beta[d]!);
}

/** Solves A·s = g for a symmetric positive definite A (Cholesky); A is k×k row-major. */
function solveSymmetric(a: Float64Array, g: Float64Array, k: number): Float64Array {
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * k + j]!;
      for (let m = 0; m < j; m++) s -= l[i * k + m]! * l[j * k + m]!;
      // A tiny floor keeps a numerically singular Hessian (a constant feature with no ridge) solvable.
      l[i * k + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / l[j * k + j]!;
    }
  }
  const z = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = g[i]!;
    for (let m = 0; m < i; m++) s -= l[i * k + m]! * z[m]!;
    z[i] = s / l[i * k + i]!;
  }
  const out = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let m = i + 1; m < k; m++) s -= l[m * k + i]! * out[m]!;
    out[i] = s / l[i * k + i]!;
  }
  return out;
}
