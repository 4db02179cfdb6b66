import { expect } from 'vitest';
import type { BarFeatures } from '../../src/model/bar-features.js';

const EXACT: (keyof BarFeatures)[] = [
  'tsNs', 'timeframeSec', 'open', 'high', 'low', 'close', 'volume', 'trades', 'buyVolume', 'sellVolume', 'delta',
  'cumDelta', 'cumDeltaHigh', 'cumDeltaLow', 'poc', 'vah', 'val', 'buyImbalances', 'sellImbalances', 'stackedBuy',
  'stackedSell',
];
// Sums of products and their ratios: the kernel adds in a different order (folded base bars, an anchor
// price for σ), so these agree to rounding, not to the bit.
const CLOSE: (keyof BarFeatures)[] = ['barVwap', 'vwap', 'vwapSigma', 'vaCoverage', 'inferredShare'];

function near(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * Asserts two bar lists are equal field by field, naming the first differing bar and field. Volume nodes are
 * compared unless `nodes` is false (bars in progress carry none: the kernel finds them at the close).
 */
export function expectSameBars(actual: BarFeatures[], expected: BarFeatures[], label = '', nodes = true): void {
  expect(actual.length, `${label} bar count`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    for (const k of EXACT) expect(a[k], `${label} bar ${i} (${e.tsNs}) ${String(k)}`).toEqual(e[k]);
    if (nodes) expect([a.hvn, a.lvn], `${label} bar ${i} (${e.tsNs}) hvn, lvn`).toEqual([e.hvn, e.lvn]);
    for (const k of CLOSE) {
      const av = a[k] as number;
      const ev = e[k] as number;
      if (!near(av, ev)) expect(av, `${label} bar ${i} (${e.tsNs}) ${String(k)}`).toBe(ev);
    }
    if (e.levels) expect(a.levels, `${label} bar ${i} levels`).toEqual(e.levels);
  }
}
