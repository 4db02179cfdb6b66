import { describe, expect, test } from 'vitest';
import { RangeFade } from './range-fade.js';
import type { StrategyContext } from './strategy.js';

/**
 * A hand-built strategy context for the strategy tests: ES (tick 0.25) at 5000, VWAP 5000, POC 4999,
 * value area 4995–5005, an up trend (0.7 / 0.1 / 0.2), normal volatility, confluence 0.5, a long signal at
 * confidence 0.9, no absorption. Each test overrides what its rule reads.
 */
function context(over: Partial<StrategyContext> = {}): StrategyContext {
  return {
    signalDirection: 'long', confidence: 0.9, price: 5000, tickSize: 0.25,
    market: { trendUp: 0.7, trendDown: 0.1, range: 0.2 },
    volatility: { low: 0.2, normal: 0.6, high: 0.2 },
    confluence: 0.5, absorption: 0,
    levels: { vwap: 5000, poc: 4999, vah: 5005, val: 4995 },
    ...over,
  };
}

describe('RangeFade', () => {
  const s = new RangeFade(); // edge 2 ticks = 0.5 point; value area 4995–5005

  test('a short at VAH where buyers were absorbed, whatever the signal says', () => {
    expect(s.decide(context({ price: 5004.5, absorption: -1, signalDirection: 'long' })))
      .toEqual({ direction: 'short', sizeFactor: 1, stopScale: 1, targetScale: 1, reason: 'range-fade-vah' });
  });

  test('a long at or below VAL where sellers were absorbed', () => {
    expect(s.decide(context({ price: 4995.5, absorption: 1 })).reason).toBe('range-fade-val');
    expect(s.decide(context({ price: 4993, absorption: 1 })).direction).toBe('long');
  });

  test('no fade without absorption on the right side', () => {
    expect(s.decide(context({ price: 5005, absorption: 1 })).reason).toBe('range-no-absorption');
    expect(s.decide(context({ price: 4995, absorption: 0 })).reason).toBe('range-no-absorption');
    expect(s.decide(context({ price: 4995, absorption: null })).direction).toBe('flat');
  });

  test('3 ticks inside the edge is inside value', () => {
    expect(s.decide(context({ price: 5004.25, absorption: -1 })).reason).toBe('range-inside-value');
  });

  test('no value area, or one without width, gives no entry', () => {
    expect(s.decide(context({ levels: null })).reason).toBe('range-no-value-area');
    expect(s.decide(context({ levels: { vwap: 5000, poc: 5000, vah: 5000, val: 5000 }, absorption: -1 })).reason).toBe('range-no-value-area');
  });
});
