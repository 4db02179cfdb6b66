import { describe, expect, test } from 'vitest';
import { trainLogistic } from './logistic-regression.js';

describe('trainLogistic', () => {
  test('without a penalty it reaches the closed-form maximum likelihood of a binary feature', () => {
    // x = 0: 1 positive in 4 → σ(b) = 1/4, b = ln(1/3); x = 1: 3 in 4 → σ(w + b) = 3/4, w = 2·ln 3.
    const x = [[0], [0], [0], [0], [1], [1], [1], [1]];
    const y = [1, 0, 0, 0, 1, 1, 1, 0];
    const m = trainLogistic(x, y, { l2: 0, maxIterations: 50, tolerance: 1e-12 });
    expect(m.bias).toBeCloseTo(Math.log(1 / 3), 6);
    expect(m.weights[0]).toBeCloseTo(2 * Math.log(3), 6);
    expect(m.predict([1])).toBeCloseTo(0.75, 6);
  });
  test('the ridge keeps separable data finite', () => {
    const m = trainLogistic([[-1], [-0.5], [0.5], [1]], [0, 0, 1, 1]);
    expect(Number.isFinite(m.weights[0]!)).toBe(true);
    expect(m.predict([1])).toBeGreaterThan(0.5);
    expect(m.predict([-1])).toBeLessThan(0.5);
  });
});
