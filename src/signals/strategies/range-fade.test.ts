import { describe, expect, test } from 'vitest';
import { RangeFade } from './range-fade.js';
import { context } from './strategy-context.fixture.js';

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
