// Incremental update: k new trades appended to a warm session (500 k trades already processed), then
// the kernels consume them and build the live view of every timeframe (open bar merged with its folded
// base bars, footprint profile, imbalances) and the session profile with VWAP bands and HVN/LVN.
import { Bench } from 'tinybench';
import { instantiateKernels } from '../src/kernels/kernel-module.js';
import { KernelRunner } from '../src/kernels/kernel-runner.js';
import * as L from '../src/kernels/layout.js';
import { freshState, simulatedTapes } from './fixtures.js';
import { collect, print } from './report.js';

const json = process.argv.includes('--json');
const WARM = 500_000;
const tapes = simulatedTapes(['ES'], 2_000_000);
const kernels = instantiateKernels(tapes.memory);
const runner = new KernelRunner(kernels, tapes.memory);
const region = tapes.plan.regions[0]!;

let state = freshState(tapes, 0, WARM);
let committed = WARM;
let sink = 0;

/** Starts over on a warm session when the tape runs out, outside the timed function. */
function ensureRoom(k: number): void {
  if (committed + k <= region.tapeCapacity) return;
  state = freshState(tapes, 0, WARM);
  runner.run(state.region.state);
  committed = WARM;
}

function update(k: number): void {
  committed += k;
  Atomics.store(state.i32, (region.state + L.S_COMMITTED) >> 2, committed);
  runner.run(region.state);
  kernels.snapshot(region.state, region.snapshot);
  sink += state.view.getInt32(region.snapshot + L.SP_N_HVN, true);
}

runner.run(region.state);
const bench = new Bench({ iterations: 300, warmupIterations: 20, time: 0 });
for (const k of [100, 1000, 10000]) {
  const name = `incremental wasm ${k >= 1000 ? `${k / 1000}k` : k}`;
  bench.add(name, () => update(k), { beforeEach: () => ensureRoom(k) });
}
await bench.run();
print(collect(bench, { 'incremental wasm 100': 100, 'incremental wasm 1k': 1000, 'incremental wasm 10k': 10000 }), json);
if (sink < 0) process.stdout.write(String(sink));
