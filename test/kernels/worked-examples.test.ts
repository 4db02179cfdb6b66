// The hand-worked profiles of src/model/value-area.test.ts, built from trades and run through the WASM
// kernels: the kernel must land on the same rows as the worked arithmetic.
import { describe, expect, test } from 'vitest';
import { DEFAULT_FEATURE_CONFIG, type FeatureConfig } from '../../src/model/bar-features.js';
import { runKernels, type TestTrade } from './harness.js';

const T0 = 1703545200000000000n; // 2023-12-25 23:00 UTC

/** One trade per row and side, all inside the first minute. */
function barOf(rows: { price: number; bid?: number; ask?: number; none?: number }[]): TestTrade[] {
  const out: TestTrade[] = [];
  let i = 0n;
  for (const r of rows) {
    if (r.bid) out.push({ tsNs: T0 + i++, price: r.price, size: r.bid, side: 2 });
    if (r.ask) out.push({ tsNs: T0 + i++, price: r.price, size: r.ask, side: 1 });
    if (r.none) out.push({ tsNs: T0 + i++, price: r.price, size: r.none, side: 0 });
  }
  return out;
}

const AMIBROKER = [50, 54, 60, 150, 90, 80, 70].map((v, i) => ({ price: 4800 + i * 0.25, none: v }));

describe('worked examples through the kernels', () => {
  test('AmiBroker profile, greedy1: POC 4800.75, value area 4800.75–4801.50 holding 390 of 554', () => {
    const config: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG, valueAreaMethod: 'greedy1' };
    const [bar] = runKernels(barOf(AMIBROKER), config).get(60)!;
    expect([bar!.poc, bar!.val, bar!.vah, bar!.volume]).toEqual([4800.75, 4800.75, 4801.5, 554]);
    expect(bar!.vaCoverage).toBeCloseTo(390 / 554, 12);
  });

  test('AmiBroker profile, cbot2: value area 4800.25–4801.25 holding 434 of 554', () => {
    const [bar] = runKernels(barOf(AMIBROKER), DEFAULT_FEATURE_CONFIG).get(60)!;
    expect([bar!.poc, bar!.val, bar!.vah]).toEqual([4800.75, 4800.25, 4801.25]);
    expect(bar!.vaCoverage).toBeCloseTo(434 / 554, 12);
  });

  test('ties go up, and a POC tie goes to the middle then the lower row', () => {
    const up = runKernels(barOf([10, 40, 100, 40, 10].map((v, i) => ({ price: 100 + i, none: v }))),
      { ...DEFAULT_FEATURE_CONFIG, tickSize: 1, valueAreaMethod: 'greedy1' }).get(60)![0]!;
    expect([up.val, up.vah]).toEqual([102, 103]);
    const poc = runKernels(barOf([5, 9, 1, 9, 5].map((v, i) => ({ price: 100 + i, none: v }))),
      { ...DEFAULT_FEATURE_CONFIG, tickSize: 1 }).get(60)![0]!;
    expect(poc.poc).toBe(101);
  });

  test('diagonal imbalances: two buy rows stacked once at 2 levels, none stacked at 3', () => {
    // bid 40, 10, 0, 5 and ask 0, 120, 35, 2 on rows 100..103 (ratio 3, minimum 30).
    const rows = [{ price: 100, bid: 40 }, { price: 101, bid: 10, ask: 120 }, { price: 102, ask: 35 }, { price: 103, bid: 5, ask: 2 }];
    const base: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG, tickSize: 1, imbalanceRatio: 3, imbalanceMinVolume: 30 };
    const two = runKernels(barOf(rows), { ...base, stackedLevels: 2 }).get(60)![0]!;
    expect([two.buyImbalances, two.sellImbalances, two.stackedBuy, two.stackedSell]).toEqual([2, 0, 1, 0]);
    expect(runKernels(barOf(rows), { ...base, stackedLevels: 3 }).get(60)![0]!.stackedBuy).toBe(0);
  });

  test('cumulative delta high and low are reached inside the bar, not at its close', () => {
    // +5, −12, +4: cumulative 5, −7, −3 → high 5, low −7, close −3; volume 21, delta −3.
    const trades: TestTrade[] = [
      { tsNs: T0, price: 100, size: 5, side: 1 },
      { tsNs: T0 + 1n, price: 100, size: 12, side: 2 },
      { tsNs: T0 + 2n, price: 100, size: 4, side: 1 },
    ];
    const [bar] = runKernels(trades, { ...DEFAULT_FEATURE_CONFIG, tickSize: 1 }).get(60)!;
    expect([bar!.cumDeltaHigh, bar!.cumDeltaLow, bar!.cumDelta, bar!.delta, bar!.volume]).toEqual([5, -7, -3, -3, 21]);
  });

  test('session VWAP and σ of two trades: 100×1 and 104×3 give 103 and √3', () => {
    // VWAP (100 + 312) / 4 = 103; variance (1×9 + 3×1) / 4 = 3.
    const trades: TestTrade[] = [
      { tsNs: T0, price: 100, size: 1, side: 1 },
      { tsNs: T0 + 1n, price: 104, size: 3, side: 2 },
    ];
    const [bar] = runKernels(trades, { ...DEFAULT_FEATURE_CONFIG, tickSize: 1 }).get(60)!;
    expect(bar!.vwap).toBe(103);
    expect(bar!.vwapSigma).toBeCloseTo(Math.sqrt(3), 12);
  });
});
