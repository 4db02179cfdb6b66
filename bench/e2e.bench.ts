// End to end at real density (issue 15): the real ESH4 trades (one hour, 2,973 trades, ~50 per 1m bar) repeated
// hour after hour to 20 M trades, written as a Databento DBN v2 file and as CSV, then run through the built
// command line in a child process, as a user runs it:
//   replay e2e dbn 20M     `mia features --timeframe 1m,5m,15m,1h,4h` on the DBN file, NDJSON to /dev/null
//   replay e2e csv 20M     the same on the CSV file
//   backtest e2e dbn 20M   `mia backtest` on the DBN file (signals, risk, simulated broker, outputs written)
//   kernel pass esh4 20M   the same trades already on a tape in shared memory, the WASM kernels' full pass
//                          (5 timeframes) inline in this process: what the end-to-end cases are measured against
// Each e2e iteration is a whole process (start-up included, as the user pays it). Ops = trades. The files are
// generated on the fly into a temporary folder (about 1.1 GB each at 20 M) and removed; none is committed.
// Usage: npm run bench -- --only e2e [--json] [--trades 5000000]; needs `npm run build` (bin/mia.js runs dist/).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { openTradeSource } from '../src/data/open-trade-source.js';
import { InlineExecutor } from '../src/kernels/executor.js';
import { MemoryPlan } from '../src/kernels/memory-plan.js';
import { SymbolState } from '../src/kernels/symbol-state.js';
import { TapeWriter } from '../src/kernels/tape-writer.js';
import * as L from '../src/kernels/layout.js';
import { HAVE_DATA } from '../test/real-data/data-dir.js';
import { writeRepeatedEsh4 } from './esh4-repeated.js';
import { BENCH_CONFIG } from './fixtures.js';
import { collect, print } from './report.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const trades = args.includes('--trades') ? Number(args[args.indexOf('--trades') + 1]) : 20_000_000;
if (!Number.isInteger(trades) || trades < 1) throw new Error('--trades must be a positive whole number');
if (!HAVE_DATA) {
  process.stderr.write('e2e bench: needs the real ESH4 trades (MIA_DATA_DIR, default ../shared/data)\n');
  process.exit(1);
}
const label = trades % 1_000_000 === 0 ? `${trades / 1_000_000}M` : String(trades);
const mia = fileURLToPath(new URL('../bin/mia.js', import.meta.url));
const dir = await mkdtemp(join(tmpdir(), 'mia-bench-e2e-'));
const dbnFile = join(dir, 'esh4-repeated.dbn');
const csvFile = join(dir, 'esh4-repeated.csv');
{
  const started = Date.now();
  await writeRepeatedEsh4({ dbn: dbnFile, csv: csvFile }, trades);
  if (!json) process.stderr.write(`e2e bench: ${trades} trades (${label}) written as DBN and CSV in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

/** Runs `mia <argv>` to completion; its stdout is discarded, a failure throws with its stderr. */
function run(argv: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [mia, ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => void (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`mia ${argv.join(' ')} exited ${code}: ${err.slice(-2000)}`))));
  });
}

// The kernel pass over the very same trades: the tape filled once from the DBN file (not timed), then
// each iteration resets the kernel state and runs every trade through the five timeframes.
const plan = new MemoryPlan({ symbols: 1, timeframes: 5, tapeCapacity: trades, gridRows: 1 << 14, ringBars: 4096, footprintLevels: 1 << 16 });
const memory = plan.allocate();
{
  const writer = new TapeWriter(new SymbolState(memory, plan.regions[0]!, BENCH_CONFIG, { ringMode: 'live', footprint: false }), memory, false);
  for await (const b of (await openTradeSource(dbnFile)).batches()) writer.append(b);
  if (writer.length !== trades) throw new Error(`kernel pass: the tape holds ${writer.length} of ${trades} trades`);
}
const exec = new InlineExecutor(memory);
let barsSeen = 0;
function kernelPass(): void {
  const state = new SymbolState(memory, plan.regions[0]!, BENCH_CONFIG, { ringMode: 'live', footprint: false });
  Atomics.store(state.i32, (state.region.state + L.S_COMMITTED) >> 2, trades);
  exec.runSync(state.region.state);
  exec.flushSync(state.region.state);
  barsSeen += Number(new DataView(memory.buffer).getBigInt64(state.block(0) + L.T_RING_WRITE, true));
}

const features = (input: string): string[] => ['features', '--input', input, '--timeframe', '1m,5m,15m,1h,4h', '--no-progress'];
let out = 0;
const cases: Record<string, () => Promise<void>> = {
  [`replay e2e dbn ${label}`]: () => run(features(dbnFile)),
  [`replay e2e csv ${label}`]: () => run(features(csvFile)),
  [`backtest e2e dbn ${label}`]: () => run(['backtest', '--input', dbnFile, '--out', join(dir, `backtest-${out++}`)]),
  [`kernel pass esh4 ${label}`]: async () => kernelPass(),
};
const bench = new Bench({ iterations: 3, time: 0, warmupIterations: 0, warmupTime: 0 });
for (const [name, fn] of Object.entries(cases)) bench.add(name, fn);
try {
  await bench.run();
} finally {
  await rm(dir, { recursive: true, force: true });
}
if (barsSeen === 0) throw new Error('kernel pass closed no bars');
print(collect(bench, Object.fromEntries(Object.keys(cases).map((name) => [name, trades]))), json);
