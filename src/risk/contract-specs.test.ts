import { describe, expect, test } from 'vitest';
import { contractSpec, onTickGrid, stopOnLosingSide } from './contract-specs.js';

describe('contract specifications', () => {
  const es = contractSpec('ESH4')!;

  test('a price is on the tick grid when it is a positive whole number of 0.25 ticks (CME E-mini tick)', () => {
    for (const p of [0.25, 5000, 5000.25, 5000.5, 5000.75, 21_000.25]) expect(onTickGrid(p, es)).toBe(true);
    for (const p of [5000.1, 5000.3, 0, -0.25, Number.NaN, Number.POSITIVE_INFINITY]) expect(onTickGrid(p, es)).toBe(false);
  });

  test('a stop is on the losing side of its target: below it for a buy, above it for a sell', () => {
    expect(stopOnLosingSide(true, 4990, 5010)).toBe(true);
    expect(stopOnLosingSide(true, 5010, 4990)).toBe(false);
    expect(stopOnLosingSide(true, 5000, 5000)).toBe(false);
    expect(stopOnLosingSide(false, 5010, 4990)).toBe(true);
    expect(stopOnLosingSide(false, 4990, 5010)).toBe(false);
    expect(stopOnLosingSide(false, 5000, 5000)).toBe(false);
  });
});
