// The live view (snapshot kernel) against the reference: after any prefix of a tape, each timeframe's bar
// in progress equals the reference's last bar over that prefix, and the session profile, VWAP, HVN and LVN
// equal the reference's session profile.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BarReader } from '../../src/kernels/bar-reader.js';
import { instantiateKernels } from '../../src/kernels/kernel-module.js';
import { KernelRunner } from '../../src/kernels/kernel-runner.js';
import { MemoryPlan } from '../../src/kernels/memory-plan.js';
import { readLiveView } from '../../src/kernels/snapshot-reader.js';
import { SymbolState } from '../../src/kernels/symbol-state.js';
import { TapeWriter } from '../../src/kernels/tape-writer.js';
import { planTimeframes } from '../../src/kernels/timeframes.js';
import { computeBarFeatures, computeSessionProfile } from '../../src/kernels/reference/feature-reference.js';
import { DEFAULT_FEATURE_CONFIG, type FeatureConfig } from '../../src/model/bar-features.js';
import { TradeBatch } from '../../src/model/trade-batch.js';
import { splitNs } from '../../src/model/time.js';
import { expectSameBars } from './compare.js';
import type { TestTrade } from './harness.js';

const START = 1710100800000000000n;

function liveAfter(trades: TestTrade[], config: FeatureConfig, hvnHalfWidth = 1) {
  const plan = new MemoryPlan({ symbols: 1, timeframes: planTimeframes(config.timeframesSec).length, tapeCapacity: trades.length, gridRows: 4096, ringBars: 4096, footprintLevels: 16 });
  const memory = plan.allocate();
  const state = new SymbolState(memory, plan.regions[0]!, config, { ringMode: 'live', footprint: false, hvnHalfWidth });
  const batch = new TradeBatch(trades.length);
  trades.forEach((t, i) => batch.push(...splitNs(t.tsNs), t.price, t.size, t.side, i));
  new TapeWriter(state, memory, false).append(batch);
  const kernels = instantiateKernels(memory);
  expect(new KernelRunner(kernels, memory).run(state.region.state)).toBe('ok');
  new BarReader(state).drain(() => undefined);
  return readLiveView(kernels, state);
}

const step = fc.record({
  gapMs: fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 900_000 })),
  move: fc.integer({ min: -2, max: 2 }),
  size: fc.integer({ min: 1, max: 60 }),
  side: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
});

describe('live view (snapshot kernel)', () => {
  test('property: bars in progress and the session profile equal the reference after any prefix', () => {
    fc.assert(fc.property(fc.array(step, { minLength: 1, maxLength: 300 }), fc.constantFrom<'globex' | 'utc'>('globex', 'utc'),
      fc.constantFrom<'cbot2' | 'greedy1'>('cbot2', 'greedy1'),
      // The smoothing half-width: the default, none, wider, and wider than most tapes' price range.
      fc.constantFrom(1, 1, 0, 2, 5, 40), (steps, session, valueAreaMethod, hvnHalfWidth) => {
        let ts = START;
        let row = 20000;
        const trades: TestTrade[] = steps.map((s) => {
          ts += BigInt(s.gapMs) * 1_000_000n;
          row += s.move;
          return { tsNs: ts, price: row * 0.25, size: s.size, side: s.side };
        });
        const config: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG, session, valueAreaMethod, timeframesSec: [60, 300, 3600, 14400] };
        const live = liveAfter(trades, config, hvnHalfWidth);
        for (const tf of config.timeframesSec) {
          const ref = computeBarFeatures(trades, { ...config, timeframeSec: tf });
          expectSameBars([live.bars.get(tf)!], [ref.at(-1)!], `${tf}s in progress`, false);
        }
        const p = computeSessionProfile(trades, { ...config, hvnHalfWidth });
        const s = live.session!;
        expect([s.poc, s.vah, s.val, s.volume]).toEqual([p.poc, p.vah, p.val, p.total]);
        expect(s.vaCoverage).toBeCloseTo(p.vaCoverage, 12);
        expect(s.hvn).toEqual(p.hvn.slice(0, 16));
        expect(s.lvn).toEqual(p.lvn.slice(0, 16));
        const last = computeBarFeatures(trades, { ...config, timeframeSec: 60 }).at(-1)!;
        expect(s.vwap).toBeCloseTo(last.vwap, 9);
        expect(s.cumDelta).toBe(last.cumDelta);
      }), { numRuns: 200 });
  });
});
