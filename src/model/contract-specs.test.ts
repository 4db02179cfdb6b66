import { describe, expect, test } from 'vitest';
import { contractRoot, contractSpec, onTickGrid, stopOnLosingSide } from './contract-specs.js';

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

  test('the root of a contract, a raw symbol or a file named after it (CME month codes F..Z, one or two year digits)', () => {
    expect(['ES', 'ESH4', 'esz25', 'esh4_20231225_trades', 'ESH4.csv', 'NQM4', 'nqu24-trades'].map((n) => contractRoot(n)))
      .toEqual(['ES', 'ES', 'ES', 'ES', 'ES', 'NQ', 'NQ']);
    // Not a contract: no month code, an unknown root, a month letter CME does not use (A), a longer word.
    for (const n of ['kraken', 'XBTUSDT', 'CLZ4', 'ESA4', 'ESSENTIAL', 'ESH4X', '']) expect(contractRoot(n), n).toBeUndefined();
  });
});
