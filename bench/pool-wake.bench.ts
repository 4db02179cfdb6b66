// What a thread hop costs on the snapshot path: a piscina task round trip that does no work (the kernel
// returns at once for the reserved zero page), after the workers idled 0, 1 or 100 ms. On a VM, an idle vCPU
// is slow to wake: this is why the engine keeps its workers busy and offers --kernels inline. Ops = tasks.
import { setTimeout as sleep } from 'node:timers/promises';
import { Bench } from 'tinybench';
import { MemoryPlan, DEFAULT_PLAN } from '../src/kernels/memory-plan.js';
import { KernelPool } from '../src/pool/kernel-pool.js';
import { collect, print } from './report.js';

const json = process.argv.includes('--json');
const memory = new MemoryPlan({ ...DEFAULT_PLAN, symbols: 1, timeframes: 5 }).allocate();
const pool = new KernelPool(memory, { threads: 2 });
await pool.warm();

const bench = new Bench({ iterations: 100, warmupIterations: 5, time: 0 });
for (const idleMs of [0, 1, 100]) {
  bench.add(`pool round trip after ${idleMs} ms idle`, async () => {
    await pool.run(0);
  }, idleMs > 0 ? { beforeEach: () => sleep(idleMs) } : {});
}
await bench.run();
await pool.close();
print(collect(bench, {}), json);
