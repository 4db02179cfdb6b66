import { describe, expect, test } from 'vitest';
import { checkConfluenceWeights, confluence, DEFAULT_CONFLUENCE_WEIGHTS } from './confluence.js';

describe('confluence', () => {
  test('weights only the timeframes with a direction (hand calculation)', () => {
    const c = confluence({ '1m': 1, '5m': 0.5, '15m': null, '1h': -0.5, '4h': null }, DEFAULT_CONFLUENCE_WEIGHTS)!;
    // present 0.1 + 0.15 + 0.25 = 0.5; Σ w·d = 0.1 + 0.075 − 0.125 = 0.05
    expect(c.score).toBeCloseTo(0.1, 12);
    // signs: 0.1 + 0.15 − 0.25 = 0
    expect(c.alignment).toBeCloseTo(0, 12);
    expect(c.coverage).toBeCloseTo(0.5, 12);
  });

  test('custom weights change the score; a zero weight drops its timeframe', () => {
    const w = { '1m': 0, '5m': 1, '15m': 1, '1h': 2, '4h': 0 };
    const c = confluence({ '1m': -1, '5m': 0.2, '15m': 0.4, '1h': 0.3, '4h': -1 }, w)!;
    expect(c.score).toBeCloseTo((0.2 + 0.4 + 0.6) / 4, 12);
    expect(c.alignment).toBe(1);
    expect(c.coverage).toBe(1);
  });

  test('no direction yet gives null', () => {
    expect(confluence({ '1m': null, '5m': null, '15m': null, '1h': null, '4h': null }, DEFAULT_CONFLUENCE_WEIGHTS)).toBeNull();
  });

  test('negative or all-zero weights are refused', () => {
    expect(() => checkConfluenceWeights({ ...DEFAULT_CONFLUENCE_WEIGHTS, '1h': -1 })).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_CONFIG' }));
    expect(() => checkConfluenceWeights({ '1m': 0, '5m': 0, '15m': 0, '1h': 0, '4h': 0 })).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_CONFIG' }));
  });
});
