import { describe, expect, test } from 'vitest';
import { heatColor, shortName } from './drift-heatmap.js';

describe('drift heatmap', () => {
  test('colours: blue for positive, red for negative, alpha |r|, grey when undefined', () => {
    expect(heatColor(1)).toBe('rgba(33, 102, 172, 1.00)');
    expect(heatColor(-0.5)).toBe('rgba(178, 24, 43, 0.50)');
    expect(heatColor(0)).toBe('rgba(33, 102, 172, 0.00)');
    expect(heatColor(null)).toBe('rgba(128, 128, 128, 0.25)');
  });

  test('feature labels are the initials of their words', () => {
    expect(shortName('confluence_score')).toBe('cs');
    expect(shortName('market_regime_score')).toBe('mrs');
    expect(shortName('time_factor')).toBe('tf');
  });
});
