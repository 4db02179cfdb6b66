import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { float32AtLeast } from './onnx-graph-writer.js';
import { minimumSamples, sampleProblem, walkForwardFolds } from './walk-forward.js';

describe('walk-forward folds', () => {
  test('expanding windows in time order with the embargo before each test block', () => {
    // 10 samples, 3 folds: blocks of ⌊10/4⌋ = 2, the first window takes 10 − 6 = 4.
    expect(walkForwardFolds(10, 3, 1)).toEqual([
      { trainEnd: 3, testStart: 4, testEnd: 6 },
      { trainEnd: 5, testStart: 6, testEnd: 8 },
      { trainEnd: 7, testStart: 8, testEnd: 10 },
    ]);
  });
  test('the minimum is enforced with a reason', () => {
    // k = 2, embargo 5: max(5·3, 10 + 5 + 5·2) = 25.
    expect(minimumSamples(2, 5)).toBe(25);
    const y = Uint8Array.from({ length: 24 }, (_, i) => i % 2);
    expect(sampleProblem(y, 2, 5)).toMatch(/24 labelled samples.*at least 25/);
    expect(sampleProblem(Uint8Array.from({ length: 25 }, (_, i) => i % 2), 2, 5)).toBeNull();
    expect(sampleProblem(Uint8Array.from({ length: 30 }, (_, i) => (i < 2 ? 1 : 0)), 2, 5)).toMatch(/2 positive/);
  });
});

describe('float32AtLeast', () => {
  test('routes every float32 like the double threshold', () => {
    fc.assert(
      fc.property(fc.double({ min: -2, max: 2, noNaN: true }), fc.float({ min: -2, max: 2, noNaN: true }), (t, x) => {
        const t32 = float32AtLeast(t);
        expect(Math.fround(t32)).toBe(t32);
        expect(t32).toBeGreaterThanOrEqual(t);
        expect(x < t32).toBe(x < t);
        expect(x < float32AtLeast(x)).toBe(false);
      }),
      { numRuns: 2000, seed: 3 },
    );
  });
});
