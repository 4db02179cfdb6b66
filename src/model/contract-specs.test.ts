import { describe, expect, test } from 'vitest';
import { CONTRACT_SPECS, contractRoot, contractSpec, onTickGrid, stopOnLosingSide, tickValue } from './contract-specs.js';

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

  test('CME Micro E-minis: MES $5 and MNQ $2 a point, tick 0.25 ($1.25 and $0.50 a tick)', () => {
    expect(contractSpec('MESH4')).toBe(CONTRACT_SPECS.MES);
    expect(contractSpec('mnqz25')).toBe(CONTRACT_SPECS.MNQ);
    expect([tickValue(contractSpec('MES')!), tickValue(contractSpec('MNQ')!)]).toEqual([1.25, 0.5]);
    expect(['MES', 'MESH4', 'mesz25', 'mesh4_20240304_trades', 'MNQ', 'MNQM4', 'mnqu24-trades'].map((n) => contractRoot(n)))
      .toEqual(['MES', 'MES', 'MES', 'MES', 'MNQ', 'MNQ', 'MNQ']);
    // A three-letter root CME lists but this table does not, and a micro with a month letter CME does not use.
    for (const n of ['MYMH4', 'M2KZ4', 'MESA4', 'MESH4X']) expect(contractRoot(n), n).toBeUndefined();
  });

  test('the E-minis keep their specifications next to the micros (ES $12.50, NQ $5 a tick)', () => {
    expect(contractSpec('ESH4')).toBe(CONTRACT_SPECS.ES);
    expect(contractSpec('NQM4')).toBe(CONTRACT_SPECS.NQ);
    expect([tickValue(contractSpec('ES')!), tickValue(contractSpec('NQ')!)]).toEqual([12.5, 5]);
    expect(['ESH4', 'esh4_20231225_trades', 'NQZ25'].map((n) => contractRoot(n))).toEqual(['ES', 'ES', 'NQ']);
  });
});
