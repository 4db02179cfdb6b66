import { describe, expect, test } from 'vitest';
import { DEFAULT_REGIME_CONFIG, RegimeTracker, regimeLabel, trendProbabilities, volatilityProbabilities } from './regime.js';

describe('trendProbabilities (ER ramp 0.2–0.4)', () => {
  test('ER 0.35 up: P(trend up) = (0.35 − 0.2) / 0.2 = 0.75', () => {
    const p = trendProbabilities(0.35, 1);
    expect(p.trendUp).toBeCloseTo(0.75, 12);
    expect(p.trendDown).toBe(0);
    expect(p.range).toBeCloseTo(0.25, 12);
    expect(regimeLabel(p)).toBe('trendUp');
  });
  test('ER 0.1 is pure range; ER 0.5 down is pure trend down', () => {
    expect(trendProbabilities(0.1, 1)).toEqual({ trendUp: 0, trendDown: 0, range: 1 });
    expect(trendProbabilities(0.5, -1)).toEqual({ trendUp: 0, trendDown: 1, range: 0 });
  });
});

describe('volatilityProbabilities (ramps 0.15–0.35 and 0.65–0.85)', () => {
  test('percentile 0.2: P(low) = (0.35 − 0.2) / 0.2 = 0.75', () => {
    const p = volatilityProbabilities(0.2);
    expect(p.low).toBeCloseTo(0.75, 12);
    expect(p.normal).toBeCloseTo(0.25, 12);
    expect(p.high).toBe(0);
  });
  test('percentile 0.7: P(high) = (0.7 − 0.65) / 0.2 = 0.25; 0.5 is all normal; 0.95 all high', () => {
    const p = volatilityProbabilities(0.7);
    expect(p.high).toBeCloseTo(0.25, 12);
    expect(p.normal).toBeCloseTo(0.75, 12);
    expect(volatilityProbabilities(0.5)).toEqual({ low: 0, normal: 1, high: 0 });
    expect(volatilityProbabilities(0.95).high).toBe(1);
  });
});

describe('RegimeTracker', () => {
  const cfg = { ...DEFAULT_REGIME_CONFIG, erPeriod: 3, atrPeriod: 2, atrWindow: 10, atrMinSamples: 2 };

  test('a straight rise with widening bars is a certain up-trend in high volatility', () => {
    const r = new RegimeTracker(cfg);
    expect(r.market()).toBeNull();
    // close 100 + i, half-range i + 1: every true range is 2(i + 1), so every new ATR tops all prior ones
    for (let i = 0; i < 8; i++) r.update(100 + i + (i + 1), 100 + i - (i + 1), 100 + i);
    expect(r.efficiencyRatio).toBe(1);
    expect(r.market()).toEqual({ trendUp: 1, trendDown: 0, range: 0 });
    expect(r.atrPercentile).toBe(1);
    expect(r.volatility()).toEqual({ low: 0, normal: 0, high: 1 });
  });

  test('a zig-zag over an even window is a range; reset forgets it', () => {
    const r = new RegimeTracker({ ...cfg, erPeriod: 4 });
    for (let i = 0; i < 8; i++) r.update(101, 99, i % 2 === 0 ? 100 : 101);
    expect(r.market()!.range).toBe(1);
    r.reset();
    expect(r.market()).toBeNull();
    expect(r.volatility()).toBeNull();
  });

  test('overlapping ramps are refused', () => {
    expect(() => new RegimeTracker({ ...cfg, lowCut: 0.5, highCut: 0.6 })).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_CONFIG' }));
  });
});
