// The shared streaming-contract test (house style practice 3), registered once per indicator in its unit
// test: fresh state, warm-up nulls, initialization, reset to the fresh state, and a replay after reset
// that reproduces every output exactly.
import { describe, expect, test } from 'vitest';
import type { IndicatorState } from '../../src/signals/indicators/indicator.js';

/** How the contract drives one indicator. */
export interface ContractCase<T extends IndicatorState> {
  /** Builds a fresh indicator with valid arguments. */
  make: () => T;
  /** Feeds input number `i` (0-based) and returns the indicator's return value. */
  feed: (ind: T, i: number) => number | null;
  /** Number of inputs after which the value must be a number (warm-up length). */
  warmUp: number;
  /** Constructors with invalid arguments; each must throw. */
  invalid: Array<() => unknown>;
}

/** Registers the contract suite for one indicator. */
export function testIndicatorContract<T extends IndicatorState>(name: string, c: ContractCase<T>): void {
  describe(`${name} streaming contract`, () => {
    test('a fresh indicator has no inputs and a null value', () => {
      const ind = c.make();
      expect(ind.value).toBeNull();
      expect(ind.count).toBe(0);
      expect(ind.hasInputs).toBe(false);
      expect(ind.initialized).toBe(false);
    });

    test('values are null during warm-up and numbers from the warm-up length on', () => {
      const ind = c.make();
      for (let i = 0; i < c.warmUp + 5; i++) {
        const v = c.feed(ind, i);
        expect(ind.count).toBe(i + 1);
        expect(ind.hasInputs).toBe(true);
        if (i + 1 < c.warmUp) {
          expect(v).toBeNull();
          expect(ind.initialized).toBe(false);
        } else {
          expect(typeof v).toBe('number');
          expect(ind.value).toBe(v);
          expect(ind.initialized).toBe(true);
        }
      }
    });

    test('reset returns to the fresh state and a replay reproduces every output', () => {
      const ind = c.make();
      const first: Array<number | null> = [];
      for (let i = 0; i < c.warmUp + 10; i++) first.push(c.feed(ind, i));
      ind.reset();
      expect(ind.value).toBeNull();
      expect(ind.count).toBe(0);
      expect(ind.hasInputs).toBe(false);
      expect(ind.initialized).toBe(false);
      const second: Array<number | null> = [];
      for (let i = 0; i < c.warmUp + 10; i++) second.push(c.feed(ind, i));
      expect(second).toEqual(first);
    });

    test('invalid constructor arguments throw', () => {
      for (const bad of c.invalid) expect(bad).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_CONFIG' }));
    });
  });
}
