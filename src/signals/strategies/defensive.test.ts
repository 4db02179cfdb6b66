import { describe, expect, test } from 'vitest';
import { Defensive } from './defensive.js';
import { context } from './strategy-context.fixture.js';

describe('Defensive', () => {
  const s = new Defensive(); // no entry at p_vol_high ≥ 0.8; confidence ≥ 0.8; half size; bracket × 0.75

  test('a confident signal is taken at half size with a tighter bracket', () => {
    expect(s.decide(context({ signalDirection: 'short', confidence: 0.8, volatility: { low: 0, normal: 0.3, high: 0.7 } })))
      .toEqual({ direction: 'short', sizeFactor: 0.5, stopScale: 0.75, targetScale: 0.75, reason: 'defensive-signal' });
  });

  test('no entry at p_vol_high 0.8 or above', () => {
    expect(s.decide(context({ volatility: { low: 0, normal: 0.2, high: 0.8 } })).reason).toBe('defensive-vol-too-high');
  });

  test('no entry below the confidence bar, on a flat signal, or without a volatility regime', () => {
    expect(s.decide(context({ confidence: 0.79 })).reason).toBe('defensive-low-confidence');
    expect(s.decide(context({ signalDirection: 'flat' })).reason).toBe('defensive-no-signal');
    expect(s.decide(context({ volatility: null })).reason).toBe('defensive-warming-up');
  });

  test('a size factor above 1 is refused: defensive never grows a position', () => {
    expect(() => new Defensive({ sizeFactor: 1.5 })).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_CONFIG' }));
  });
});
