// The streaming indicators against TA-Lib 0.4's outputs on its own 252-bar regression set
// (../shared/data/indicator-refs, provenance in its README). Every bar is compared, warm-up nulls included.
import { describe, expect, test } from 'vitest';
import { Atr } from '../../src/signals/indicators/atr.js';
import { Ema } from '../../src/signals/indicators/ema.js';
import { Rsi } from '../../src/signals/indicators/rsi.js';
import { Sma } from '../../src/signals/indicators/sma.js';
import { TrueRange } from '../../src/signals/indicators/true-range.js';
import { HAVE_DATA } from '../real-data/data-dir.js';
import { loadTalib252, type TalibRow } from './talib-reference.js';

function expectSeries(name: string, got: Array<number | null>, want: Array<number | null>): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    const g = got[i];
    if (w === null || w === undefined) {
      expect(g, `${name} bar ${i}`).toBeNull();
    } else {
      expect(g, `${name} bar ${i}`).not.toBeNull();
      // The reference file prints 15 significant digits.
      expect(Math.abs(g! - w), `${name} bar ${i}`).toBeLessThan(1e-9 * Math.max(1, Math.abs(w)));
    }
  }
}

describe.skipIf(!HAVE_DATA)('TA-Lib 0.4 regression set (talib_regtest_252)', () => {
  const rows: TalibRow[] = HAVE_DATA ? loadTalib252() : [];

  test('the set has 252 bars', () => {
    expect(rows).toHaveLength(252);
  });

  test('SMA(20) equals TA-Lib on every bar', () => {
    const ind = new Sma(20);
    expectSeries('SMA20', rows.map((r) => ind.update(r.close)), rows.map((r) => r.sma20));
  });

  test('EMA(10), seeded by the SMA of the first 10 closes, equals TA-Lib on every bar', () => {
    const ind = new Ema(10);
    expectSeries('EMA10', rows.map((r) => ind.update(r.close)), rows.map((r) => r.ema10));
  });

  test('Wilder RSI(14) equals TA-Lib on every bar', () => {
    const ind = new Rsi(14);
    expectSeries('RSI14', rows.map((r) => ind.update(r.close)), rows.map((r) => r.rsi14));
  });

  test('TRANGE equals TA-Lib on every bar', () => {
    const ind = new TrueRange();
    expectSeries('TRANGE', rows.map((r) => ind.update(r.high, r.low, r.close)), rows.map((r) => r.trange));
  });

  test('Wilder ATR(14) equals TA-Lib on every bar', () => {
    const ind = new Atr(14);
    expectSeries('ATR14', rows.map((r) => ind.update(r.high, r.low, r.close)), rows.map((r) => r.atr14));
  });

  test('spot values of ta_regtest agree within its 0.01 tolerance (expected_spot_values.json)', () => {
    const rsi = new Rsi(14);
    const ema = new Ema(10);
    const atr = new Atr(14);
    const r = rows.map((b) => [rsi.update(b.close), ema.update(b.close), atr.update(b.high, b.low, b.close)]);
    const near = (got: number | null | undefined, want: number): void => {
      expect(Math.abs(got! - want)).toBeLessThan(0.01);
    };
    near(r[14]![0], 49.14);
    near(r[15]![0], 52.32);
    near(r[251]![0], 49.63);
    near(r[9]![1], 93.22);
    near(r[29]![1], 86.46);
    near(r[251]![1], 108.97);
    near(r[14]![2], 3.578);
    near(r[27]![2], 3.394);
    near(r[251]![2], 3.26);
  });
});
