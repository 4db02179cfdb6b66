// Full feature pass (bars × 5 timeframes + footprint + profile + VWAP + delta) over simulated trades:
// WASM on the main thread, WASM in the piscina pool (ES and NQ tapes on two workers), the plain-TS port of
// the same algorithm, and the obviously-correct TS reference the property tests use.
import { Bench } from 'tinybench';
import { InlineExecutor } from '../src/kernels/executor.js';
import { KernelPool } from '../src/pool/kernel-pool.js';
import { BarReader } from '../src/kernels/bar-reader.js';
import { computeBarFeatures } from '../src/kernels/reference/feature-reference.js';
import * as L from '../src/kernels/layout.js';
import { BENCH_CONFIG, freshState, simulatedTapes } from './fixtures.js';
import { collect, print } from './report.js';
import { tsFeaturePass } from './ts-port/ts-feature-pass.js';

const json = process.argv.includes('--json');
// --quick (the CI performance gate): the two 1M cases whose ratio the gate holds, nothing else.
const quick = process.argv.includes('--quick');
const M = 1_000_000;
const es1 = simulatedTapes(['ES'], M);
const both = simulatedTapes(['ES', 'NQ'], quick ? 1 : 5 * M);
const es10 = simulatedTapes(['ES'], quick ? 1 : 10 * M);

/** Runs a whole tape through the kernels inline and returns the bar count (consumed by the caller). */
function wasmPass(t: typeof es1, i: number, exec: InlineExecutor): number {
  const s = freshState(t, i, t.plan.options.tapeCapacity);
  exec.runSync(s.region.state);
  exec.flushSync(s.region.state);
  return Number(new DataView(t.memory.buffer).getBigInt64(s.block(0) + L.T_RING_WRITE, true));
}

const exec1 = new InlineExecutor(es1.memory);
const exec10 = new InlineExecutor(es10.memory);
const pool = new KernelPool(both.memory, { threads: 2 });
await pool.warm();

// Same data, same totals: the TS port must agree with the kernels before its time means anything.
{
  const s = freshState(es1, 0, M);
  exec1.runSync(s.region.state);
  exec1.flushSync(s.region.state);
  let vol = 0;
  let bars = 0;
  new BarReader(s).drain((b) => {
    if (b.timeframeSec === 60) vol += b.volume;
    bars++;
  });
  const ts = tsFeaturePass(es1.memory, es1.plan.regions[0]!.tape, M, BENCH_CONFIG.timeframesSec, 0.25, 1 << 14);
  if (Math.abs(ts.volume / 5 - vol) > 0 || ts.bars !== bars) {
    throw new Error(`TS port disagrees with the kernels: ${ts.bars} bars/${ts.volume / 5} vs ${bars}/${vol}`);
  }
}

// The reference needs trades as objects: build them once, outside the timed function.
const refTrades = quick ? [] : (() => {
  const v = new DataView(es1.memory.buffer);
  const tape = es1.plan.regions[0]!.tape;
  return Array.from({ length: M }, (_, i) => ({
    tsNs: v.getBigInt64(tape + i * 24, true),
    price: v.getFloat64(tape + i * 24 + 8, true),
    size: v.getUint32(tape + i * 24 + 16, true),
    side: v.getUint8(tape + i * 24 + 20) as 0 | 1 | 2,
  }));
})();

let sink = 0;
const bench = new Bench({ iterations: 10, warmupIterations: 2, time: 0 });
bench.add('full pass wasm main 1M', () => void (sink += wasmPass(es1, 0, exec1)));
if (!quick) bench
  .add('full pass wasm main 10M', () => void (sink += wasmPass(es10, 0, exec10)))
  .add('full pass wasm pool 10M', async () => {
    const states = [freshState(both, 0, 5 * M), freshState(both, 1, 5 * M)];
    await Promise.all(states.map(async (s) => {
      await pool.run(s.region.state);
      await pool.flush(s.region.state);
    }));
    sink += states.length;
  })
  .add('full pass ts reference 1M', () => {
    for (const tf of BENCH_CONFIG.timeframesSec) sink += computeBarFeatures(refTrades, { ...BENCH_CONFIG, timeframeSec: tf }).length;
  }, { iterations: 3 } as never);
bench.add('full pass ts port 1M', () => void (sink += tsFeaturePass(es1.memory, es1.plan.regions[0]!.tape, M, BENCH_CONFIG.timeframesSec, 0.25, 1 << 14).bars));
await bench.run();
await pool.close();
print(collect(bench, quick ? { 'full pass wasm main 1M': M, 'full pass ts port 1M': M } : {
  'full pass wasm main 1M': M,
  'full pass wasm main 10M': 10 * M,
  'full pass wasm pool 10M': 10 * M,
  'full pass ts port 1M': M,
  'full pass ts reference 1M': M,
}), json);
if (sink < 0) process.stdout.write(String(sink));
