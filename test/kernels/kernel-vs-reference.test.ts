// Property tests: the WASM kernels equal the plain-TS reference on random trade tapes, for every
// timeframe layout, value-area method, session anchor and chunking of the same tape.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DEFAULT_FEATURE_CONFIG, type FeatureConfig } from '../../src/model/bar-features.js';
import { classifyByTickRule, computeBarFeatures, type ReferenceTrade } from '../../src/kernels/reference/feature-reference.js';
import { expectSameBars } from './compare.js';
import { runKernels, type TestTrade } from './harness.js';

// 2024-03-10 20:00 UTC: the tape crosses the Globex open (22:00 UTC that day, DST) and a UTC midnight.
const START = 1710100800000000000n;

const tradeArb = fc.record({
  gapMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 400_000 })),
  move: fc.integer({ min: -2, max: 2 }),
  size: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 400 })),
  side: fc.constantFrom<0 | 1 | 2>(0, 1, 1, 2, 2),
});

function tape(steps: { gapMs: number; move: number; size: number; side: 0 | 1 | 2 }[], tick = 0.25): TestTrade[] {
  let ts = START;
  let row = 20000;
  return steps.map((s) => {
    ts += BigInt(s.gapMs) * 1_000_000n + BigInt(s.gapMs % 7);
    row += s.move;
    return { tsNs: ts, price: row * tick, size: s.size, side: s.side };
  });
}

const configArb = fc.record({
  timeframesSec: fc.constantFrom([60], [60, 300, 900, 3600, 14400], [30, 60, 300], [300, 900], [7, 21]),
  valueAreaShare: fc.constantFrom(0.7, 0.5, 0.9, 1),
  valueAreaMethod: fc.constantFrom<'cbot2' | 'greedy1'>('cbot2', 'greedy1'),
  imbalanceRatio: fc.constantFrom(1.5, 3),
  imbalanceMinVolume: fc.constantFrom(0, 5, 30),
  stackedLevels: fc.constantFrom(2, 3),
  session: fc.constantFrom<'globex' | 'utc' | 'rth'>('globex', 'utc', 'rth'),
});

function reference(trades: ReferenceTrade[], config: FeatureConfig, tf: number) {
  return computeBarFeatures(trades, { ...config, timeframeSec: tf, withLevels: true });
}

describe('WASM kernels against the TS reference', () => {
  test('property: every bar of every timeframe equals the reference', () => {
    fc.assert(fc.property(fc.array(tradeArb, { minLength: 1, maxLength: 400 }), configArb, (steps, c) => {
      const trades = tape(steps);
      const config: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG, ...c };
      const got = runKernels(trades, config, { footprint: true });
      for (const tf of config.timeframesSec) expectSameBars(got.get(tf)!, reference(trades, config, tf), `${tf}s`);
    }), { numRuns: 150 });
  });

  test('property: any chunking of the tape gives the bars of one full pass (streaming = replay)', () => {
    fc.assert(fc.property(
      fc.array(tradeArb, { minLength: 2, maxLength: 300 }),
      fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 30 }),
      configArb,
      (steps, cuts, c) => {
        const trades = tape(steps);
        const config: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG, ...c };
        const chunks: number[] = [];
        let left = trades.length;
        for (const n of cuts) {
          if (left <= 0) break;
          chunks.push(Math.min(n, left));
          left -= n;
        }
        if (left > 0) chunks.push(left);
        const whole = runKernels(trades, config, { footprint: true, ringBars: 1024 });
        const parts = runKernels(trades, config, { footprint: true, chunks, ringBars: 2, footprintLevels: 512 });
        for (const tf of config.timeframesSec) expect(parts.get(tf)).toEqual(whole.get(tf));
      },
    ), { numRuns: 100 });
  });

  test('property: side-less trades classified on the tape equal the reference tick rule, with inferredShare', () => {
    fc.assert(fc.property(fc.array(tradeArb, { minLength: 1, maxLength: 300 }), (steps) => {
      const trades = tape(steps).map((t) => ({ ...t, side: 0 as const }));
      const config: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG, timeframesSec: [60, 300] };
      const got = runKernels(trades, config, { inferSides: true });
      const classified = classifyByTickRule(trades);
      for (const tf of config.timeframesSec) {
        expectSameBars(got.get(tf)!, computeBarFeatures(classified, { ...config, timeframeSec: tf }), `${tf}s`);
      }
    }), { numRuns: 60 });
  });

  test('property: fractional sizes at 8 decimals and a fine tick', () => {
    fc.assert(fc.property(fc.array(tradeArb, { minLength: 1, maxLength: 200 }), (steps) => {
      const trades = tape(steps, 0.05).map((t) => ({ ...t, size: t.size * 2761 }));
      const config: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG, tickSize: 0.05, sizeDecimals: 8, imbalanceMinVolume: 0.0001, session: 'utc' };
      const got = runKernels(trades, config, { footprint: true });
      for (const tf of config.timeframesSec) expectSameBars(got.get(tf)!, reference(trades, config, tf), `${tf}s`);
    }), { numRuns: 40 });
  });

  test('property: a grid only as wide as the tape\'s range follows a trending market (re-centred at any trade, a bar\'s first included)', () => {
    const trendArb = fc.array(fc.record({ gapMs: fc.integer({ min: 0, max: 90_000 }), move: fc.integer({ min: -1, max: 3 }),
      size: fc.integer({ min: 1, max: 50 }), side: fc.constantFrom<0 | 1 | 2>(0, 1, 2) }), { minLength: 2, maxLength: 400 });
    fc.assert(fc.property(trendArb, configArb, fc.constantFrom(0.25, 0.1, 0.01), (steps, c, tick) => {
      const trades = tape(steps, tick);
      const rows = trades.map((t) => Math.round(t.price / tick));
      // Every open bar and session range lies inside the whole tape's range, so this many rows always fit;
      // the grid starts centred on the first price, so a trend past half of it must move the grid.
      const gridRows = Math.max(...rows) - Math.min(...rows) + 1;
      const config: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG, ...c, tickSize: tick };
      const got = runKernels(trades, config, { gridRows, footprint: true });
      for (const tf of config.timeframesSec) expectSameBars(got.get(tf)!, reference(trades, config, tf), `${tf}s`);
    }), { numRuns: 80 });
  });

  test('prices of rows are the decimal prices: row 1058994 at tick 0.1 is 105899.4, not 105899.40000000001', () => {
    const config: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG, tickSize: 0.1, session: 'utc', timeframesSec: [60], valueAreaShare: 1 };
    const trades: TestTrade[] = [
      { tsNs: START, price: 105899.4, size: 3, side: 1 },
      { tsNs: START + 1n, price: 105899.3, size: 1, side: 2 },
      { tsNs: START + 2n, price: 105899.5, size: 1, side: 2 },
    ];
    const [bar] = runKernels(trades, config, { footprint: true }).get(60)!;
    expect([bar!.poc, bar!.val, bar!.vah]).toEqual([105899.4, 105899.3, 105899.5]);
    expect(bar!.levels!.map((l) => l.price)).toEqual([105899.3, 105899.4, 105899.5]);
  });

  test('a price move wider than the grid is re-centred between sessions and refused within one', () => {
    const config: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG, session: 'utc' };
    const day = 86_400_000_000_000n;
    // Day 1 near 5000, day 2 near 9000: 16,000 rows apart, more than a 4,096-row grid, in different sessions.
    const trades: TestTrade[] = [
      { tsNs: START, price: 5000, size: 1, side: 1 },
      { tsNs: START + day, price: 9000, size: 2, side: 2 },
      { tsNs: START + day + 1n, price: 9000.25, size: 2, side: 1 },
    ];
    const got = runKernels(trades, config, { gridRows: 4096, footprint: true });
    expectSameBars(got.get(60)!, reference(trades, config, 60));
    const within = [trades[0]!, { tsNs: START + 1n, price: 9000, size: 1, side: 1 as const }];
    expect(() => runKernels(within, config, { gridRows: 4096 })).toThrow(/does not fit the 4096-row profile grid.*raise --grid-rows to at least 16001/);
  });
});
