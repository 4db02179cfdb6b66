import { describe, expect, test } from 'vitest';
import { TrendPullback } from './trend-pullback.js';
import { context } from './strategy-context.fixture.js';

describe('TrendPullback', () => {
  const s = new TrendPullback(); // pullback 4 ticks = 1 point, confluence 0.2, target × 1.5

  test('a long on a pullback to VWAP in an up trend with the timeframes and the signal agreeing', () => {
    expect(s.decide(context({ price: 5000.75 }))).toEqual({ direction: 'long', sizeFactor: 1, stopScale: 1, targetScale: 1.5, reason: 'trend-pullback-vwap' });
  });

  test('a short in a down trend near POC (VWAP 2 points away)', () => {
    const r = s.decide(context({
      market: { trendUp: 0.1, trendDown: 0.6, range: 0.3 }, confluence: -0.4, signalDirection: 'short', price: 4998.5,
      levels: { vwap: 5001, poc: 4998, vah: 5005, val: 4995 },
    }));
    expect(r.direction).toBe('short');
    expect(r.reason).toBe('trend-pullback-poc');
  });

  test('exactly 4 ticks from VWAP is a pullback, 5 ticks is not', () => {
    const levels = { vwap: 5000, poc: 4990, vah: 5005, val: 4995 };
    expect(s.decide(context({ price: 5001, levels })).direction).toBe('long');
    expect(s.decide(context({ price: 5001.25, levels })).reason).toBe('trend-no-pullback');
  });

  test('no entry when the confluence is too weak or against the trend', () => {
    expect(s.decide(context({ confluence: 0.19 })).reason).toBe('trend-no-confluence');
    expect(s.decide(context({ confluence: -0.5 })).reason).toBe('trend-no-confluence');
  });

  test('no entry when the signal does not point with the trend', () => {
    expect(s.decide(context({ signalDirection: 'flat' })).reason).toBe('trend-no-signal');
    expect(s.decide(context({ signalDirection: 'short' })).reason).toBe('trend-no-signal');
  });

  test('no entry on a tie of the trend probabilities or while warming up', () => {
    expect(s.decide(context({ market: { trendUp: 0.3, trendDown: 0.3, range: 0.4 } })).reason).toBe('trend-no-side');
    expect(s.decide(context({ market: null })).reason).toBe('trend-warming-up');
    expect(s.decide(context({ confluence: null })).reason).toBe('trend-warming-up');
    expect(s.decide(context({ levels: null })).direction).toBe('flat');
  });

  test('a session level of 0 (no trade yet) is no pullback target', () => {
    expect(s.decide(context({ price: 0.5, levels: { vwap: 0, poc: 0, vah: 0, val: 0 } })).reason).toBe('trend-no-pullback');
  });

  test('bad parameters throw MIA_ERR_BAD_CONFIG', () => {
    expect(() => new TrendPullback({ minConfluence: 2 })).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_CONFIG' }));
  });
});
