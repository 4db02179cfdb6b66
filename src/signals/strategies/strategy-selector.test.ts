import { describe, expect, test } from 'vitest';
import { StrategySelector, strategySupport, type StrategySupport } from './strategy-selector.js';

const sup = (trend: number, range: number, defensive: number): StrategySupport => ({ trend, range, defensive });

describe('strategySupport', () => {
  test('defensive = p_vol_high, trend and range share the rest by the market regime', () => {
    const s = strategySupport({ trendUp: 0.1, trendDown: 0.6, range: 0.3 }, { low: 0.2, normal: 0.3, high: 0.5 }, sup(0, 0, 0));
    // 0.5 × 0.6 and 0.5 × 0.3: products of probabilities, exact to a few ulps.
    expect(s.defensive).toBe(0.5);
    expect(s.trend).toBeCloseTo(0.3, 12);
    expect(s.range).toBeCloseTo(0.15, 12);
    expect(strategySupport({ trendUp: 0.5, trendDown: 0, range: 0.5 }, null, sup(0, 0, 0))).toEqual(sup(0.5, 0.5, 0));
  });
});

describe('StrategySelector', () => {
  test('the first pick is the best supported; ties go to trend, then range', () => {
    expect(new StrategySelector(['trend', 'range', 'defensive']).pick(sup(0.2, 0.5, 0.3))).toBe('range');
    expect(new StrategySelector(['defensive', 'range', 'trend']).pick(sup(0.4, 0.4, 0.2))).toBe('trend');
  });

  test('a challenger takes over only after leading by the margin on 3 decisions in a row', () => {
    const s = new StrategySelector(['trend', 'range', 'defensive']); // margin 0.1, 3 confirmations
    expect(s.pick(sup(0.6, 0.3, 0.1))).toBe('trend');
    expect(s.pick(sup(0.3, 0.6, 0.1))).toBe('trend'); // 1
    expect(s.pick(sup(0.3, 0.6, 0.1))).toBe('trend'); // 2
    expect(s.pick(sup(0.3, 0.6, 0.1))).toBe('range'); // 3: switch
    expect(s.pick(sup(0.45, 0.4, 0.15))).toBe('range'); // trend leads by 0.05 < margin: stays
  });

  test('a lead below the margin, or an interrupted run, restarts the count', () => {
    const s = new StrategySelector(['trend', 'range'], { margin: 0.1, confirmations: 2 });
    s.pick(sup(0.6, 0.4, 0));
    expect(s.pick(sup(0.3, 0.7, 0))).toBe('trend'); // 1
    expect(s.pick(sup(0.46, 0.54, 0))).toBe('trend'); // lead 0.08: reset
    expect(s.pick(sup(0.3, 0.7, 0))).toBe('trend'); // 1 again
    expect(s.pick(sup(0.3, 0.7, 0))).toBe('range'); // 2: switch
  });

  test('a different challenger restarts the count', () => {
    const s = new StrategySelector(['trend', 'range', 'defensive'], { confirmations: 2 });
    s.pick(sup(0.8, 0.1, 0.1));
    expect(s.pick(sup(0.2, 0.7, 0.1))).toBe('trend'); // range 1
    expect(s.pick(sup(0.2, 0.1, 0.7))).toBe('trend'); // defensive 1
    expect(s.pick(sup(0.2, 0.1, 0.7))).toBe('defensive'); // defensive 2
  });

  test('selected is null before the first pick; reset forgets the pick and any challenger', () => {
    const s = new StrategySelector(['trend', 'range'], { confirmations: 2 });
    expect(s.selected).toBeNull();
    s.pick(sup(0.8, 0.2, 0));
    s.pick(sup(0.2, 0.8, 0)); // range 1
    s.reset();
    expect(s.selected).toBeNull();
    expect(s.pick(sup(0.2, 0.8, 0))).toBe('range'); // a first pick again
  });

  test('only enabled strategies are picked', () => {
    const s = new StrategySelector(['range']);
    expect(s.pick(sup(0.9, 0.05, 0.05))).toBe('range');
  });

  test('no strategy, a negative margin or zero confirmations throw MIA_ERR_BAD_CONFIG', () => {
    const bad = expect.objectContaining({ code: 'MIA_ERR_BAD_CONFIG' });
    expect(() => new StrategySelector([])).toThrow(bad);
    expect(() => new StrategySelector(['trend'], { margin: -0.1 })).toThrow(bad);
    expect(() => new StrategySelector(['trend'], { confirmations: 0 })).toThrow(bad);
  });
});
