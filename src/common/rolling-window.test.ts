import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { RollingWindow } from './rolling-window.js';

/** The reference: a plain array holding the last `capacity` values, oldest first. */
function reference(capacity: number, values: readonly number[]): number[] {
  return values.slice(Math.max(0, values.length - capacity));
}

/**
 * What a hand-written ring of the usual layout (value k in slot k mod capacity) gives: its running sum
 * (the evicted value subtracted, then the new one added) and its values summed slot by slot.
 */
function handRing(capacity: number, values: readonly number[]): { running: number; slotSum: number } {
  const slots = new Float64Array(capacity);
  let running = 0;
  values.forEach((v, k) => {
    if (k >= capacity) running -= slots[k % capacity]!;
    slots[k % capacity] = v;
    running += v;
  });
  let slotSum = 0;
  for (const v of slots) slotSum += v;
  return { running, slotSum };
}

const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true });

describe('RollingWindow', () => {
  test('holds the last `capacity` values, oldest first, and evicts the oldest, as a plain array does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(finite, { maxLength: 60 }), (capacity, values) => {
        const w = new RollingWindow(capacity);
        values.forEach((x, k) => {
          const before = reference(capacity, values.slice(0, k));
          expect(w.push(x)).toBe(before.length === capacity ? before[0] : undefined);
        });
        const want = reference(capacity, values);
        expect(w.size).toBe(want.length);
        expect(w.full).toBe(want.length === capacity);
        expect(Array.from({ length: w.size }, (_, i) => w.at(i))).toEqual(want);
        expect(w.at(-1)).toBeNaN();
        expect(w.at(w.size)).toBeNaN();
      }),
    );
  });

  test('sum and freshSum are within rounding of the values held, and equal a hand-written ring\'s bit for bit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(finite, { maxLength: 60 }), (capacity, values) => {
        const w = new RollingWindow(capacity);
        for (const x of values) w.push(x);
        const want = reference(capacity, values).reduce((a, b) => a + b, 0);
        const hand = handRing(capacity, values);
        expect(w.sum).toBeCloseTo(want, 3);
        expect(w.freshSum()).toBeCloseTo(want, 3);
        expect(w.sum).toBe(hand.running);
        expect(w.freshSum()).toBe(hand.slotSum);
      }),
    );
  });

  test('with whole numbers the running sum is exact', () => {
    const w = new RollingWindow(3);
    const sums = [5, -2, 7, 10, 1].map((x) => (w.push(x), w.sum));
    expect(sums).toEqual([5, 3, 10, 15, 18]);
  });

  test('clear forgets every value', () => {
    const w = new RollingWindow(2);
    w.push(1);
    w.push(2);
    w.push(3);
    w.clear();
    expect([w.size, w.full, w.sum, w.freshSum()]).toEqual([0, false, 0, 0]);
    expect(w.push(4)).toBeUndefined();
    expect(w.at(0)).toBe(4);
  });

  test('a capacity that is not a whole number >= 1 is MIA_ERR_BAD_CONFIG', () => {
    for (const c of [0, -1, 2.5, Number.NaN]) expect(() => new RollingWindow(c)).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_CONFIG' }));
  });
});
