import { describe, expect, test } from 'vitest';
import { contractSpec, tickValue } from '../model/contract-specs.js';
import { distanceTicks, kellyFraction } from './sizing.js';

describe('kellyFraction', () => {
  test('p 0.55 at 2:1 is 0.55 − 0.45 / 2 = 0.325; a coin flip at 1:1 has no edge', () => {
    expect(kellyFraction(0.55, 2)).toBeCloseTo(0.325, 12);
    expect(kellyFraction(0.5, 1)).toBe(0);
  });
});

describe('distanceTicks', () => {
  test('ticks as given; 1.5 ATR of 2.1 points is 3.15 / 0.25 = 12.6 → 13 ticks; never below 1', () => {
    expect(distanceTicks({ kind: 'ticks', ticks: 8 }, 0.25, null)).toBe(8);
    expect(distanceTicks({ kind: 'atr', multiple: 1.5 }, 0.25, 2.1)).toBe(13);
    expect(distanceTicks({ kind: 'atr', multiple: 0.1 }, 0.25, 0.5)).toBe(1);
    expect(distanceTicks({ kind: 'atr', multiple: 1 }, 0.25, null)).toBeNull();
  });
});

describe('contract specs (domain.md)', () => {
  test('ES ticks are $12.50, NQ ticks $5; contract months resolve to the root', () => {
    expect(tickValue(contractSpec('ES')!)).toBe(12.5);
    expect(tickValue(contractSpec('NQ')!)).toBe(5);
    expect(contractSpec('ESH4')).toEqual({ tickSize: 0.25, pointValue: 50 });
    expect(contractSpec('nqz25')).toEqual({ tickSize: 0.25, pointValue: 20 });
    expect(contractSpec('CL')).toBeUndefined();
  });
});
