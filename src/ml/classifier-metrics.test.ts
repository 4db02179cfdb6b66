import { describe, expect, test } from 'vitest';
import { brierScore, classifierMetrics, reliabilityBins, rocAuc } from './classifier-metrics.js';

describe('classifier metrics (hand-calculated)', () => {
  test('AUC of a perfect ranking is 1, of a reversed one 0', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
  });
  test('AUC counts ties as one half', () => {
    // Pairs (pos, neg): (0.5, 0.5) tie → ½, (0.5, 0.1) → 1, (0.9, 0.5) → 1, (0.9, 0.1) → 1: 3.5 / 4.
    expect(rocAuc([0.1, 0.5, 0.5, 0.9], [0, 0, 1, 1])).toBe(0.875);
  });
  test('AUC of one class is null', () => {
    expect(rocAuc([0.1, 0.2], [1, 1])).toBeNull();
  });
  test('Brier score is the mean squared error', () => {
    // (0.2² + 0.4² + 0.3²) / 3 = (0.04 + 0.16 + 0.09) / 3
    expect(brierScore([0.8, 0.4, 0.3], [1, 0, 0])).toBeCloseTo(0.29 / 3, 15);
  });
  test('reliability bins hold the mean prediction and observed rate', () => {
    const bins = reliabilityBins([0.05, 0.15, 0.12, 1], [0, 1, 0, 1], 10);
    expect(bins).toHaveLength(10);
    expect(bins[0]).toEqual({ lower: 0, upper: 0.1, count: 1, meanPredicted: 0.05, observedRate: 0 });
    expect(bins[1]!.count).toBe(2);
    expect(bins[1]!.meanPredicted).toBeCloseTo(0.135, 15);
    expect(bins[1]!.observedRate).toBe(0.5);
    expect(bins[9]).toMatchObject({ count: 1, observedRate: 1 }); // p = 1 falls in the last bin
    expect(bins[5]).toMatchObject({ count: 0, meanPredicted: null, observedRate: null });
  });
  test('accuracy cuts at p > 0.5', () => {
    const m = classifierMetrics([0.5, 0.51, 0.2, 0.9], [0, 1, 1, 1]);
    expect(m.accuracy).toBe(0.75);
    expect(m.positives).toBe(3);
  });
});
