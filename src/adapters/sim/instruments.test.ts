import { describe, expect, test } from 'vitest';
import { contractSpec, tickValue } from '../../model/contract-specs.js';
import { SIM_INSTRUMENTS, SIM_SYMBOLS } from './instruments.js';

describe('simulation profiles', () => {
  test('SIM_SYMBOLS lists every profile, each under its own symbol', () => {
    expect([...SIM_SYMBOLS].sort()).toEqual(Object.keys(SIM_INSTRUMENTS).sort());
    for (const s of SIM_SYMBOLS) expect(SIM_INSTRUMENTS[s].symbol).toBe(s);
  });

  test.each(SIM_SYMBOLS)('%s: tick and tick value are the contract specification\'s (CME)', (s) => {
    const spec = contractSpec(s)!;
    expect(SIM_INSTRUMENTS[s].tick).toBe(spec.tickSize);
    expect(SIM_INSTRUMENTS[s].tickValue).toBe(tickValue(spec));
  });

  test.each([['MES', 'ES'], ['MNQ', 'NQ']] as const)('%s trades like %s: same level and tick, as many quote ticks a second', (micro, emini) => {
    const m = SIM_INSTRUMENTS[micro];
    const e = SIM_INSTRUMENTS[emini];
    expect([m.startPrice, m.tick]).toEqual([e.startPrice, e.tick]);
    expect(m.rthRatePerSec * m.impact).toBeCloseTo(e.rthRatePerSec * e.impact, 12);
    // Same order of trades a second: within a factor of two of the E-mini.
    expect(m.rthRatePerSec / e.rthRatePerSec).toBeGreaterThan(0.5);
    expect(m.rthRatePerSec / e.rthRatePerSec).toBeLessThanOrEqual(1);
  });
});
