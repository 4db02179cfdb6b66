// DBN decode alone (issue 15, "DBN decode alone"): the real ESH4 trades (one hour, 2,973 MBO trade records)
// repeated hour after hour to N trades (default 5 M, `--trades N`), written as a plain Databento DBN v2 file in
// a temporary folder (removed at the end; nothing committed), then read to the end into a symbol's tape in
// shared memory, no kernels run:
//   dbn decode batches → tape   DbnTradeReader.batches() (decode in JS into a TradeBatch), then TapeWriter.append
//   dbn decode in place → tape  DbnTradeReader.fillTape(): the kernels' decoder (asm/dbn-trades.ts) writes Trade
//                               structs straight from the file bytes read into the shared memory
// Both read the file through the same window (1 MiB chunks, from the page cache after the first iteration).
// The tape holds every trade (no rewinds). Ops = trades.
// Usage: npm run bench -- --only dbn-decode [--json] [--trades 1000000]; needs `npm run asbuild`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { DbnTradeReader } from '../src/data/dbn/dbn-trade-reader.js';
import { MemoryPlan, DEFAULT_PLAN } from '../src/kernels/memory-plan.js';
import { SymbolState } from '../src/kernels/symbol-state.js';
import { inputRegionBytes, TapeIntake } from '../src/kernels/tape-intake.js';
import { TapeWriter } from '../src/kernels/tape-writer.js';
import { HAVE_DATA } from '../test/real-data/data-dir.js';
import { writeRepeatedEsh4 } from './esh4-repeated.js';
import { BENCH_CONFIG } from './fixtures.js';
import { collect, print } from './report.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const trades = args.includes('--trades') ? Number(args[args.indexOf('--trades') + 1]) : 5_000_000;
if (!Number.isInteger(trades) || trades < 1) throw new Error('--trades must be a positive whole number');
if (!HAVE_DATA) {
  process.stderr.write('dbn-decode bench: needs the real ESH4 trades (MIA_DATA_DIR, default ../shared/data)\n');
  process.exit(1);
}
const label = trades % 1_000_000 === 0 ? `${trades / 1_000_000}M` : String(trades);
const dir = await mkdtemp(join(tmpdir(), 'mia-bench-dbn-'));
const file = join(dir, 'esh4-repeated.dbn');
await writeRepeatedEsh4({ dbn: file }, trades);

const reader = await DbnTradeReader.open(file);
const plan = new MemoryPlan({
  ...DEFAULT_PLAN, tapeCapacity: trades, symbols: 1, timeframes: 1, inputBytes: inputRegionBytes(reader.tapeInputBytes),
});
const memory = plan.allocate();
const config = { ...BENCH_CONFIG, timeframesSec: [60] };

/** A fresh, empty tape on the same memory (its pages touched by the first iteration, as a reused tape's are). */
function writer(): TapeWriter {
  return new TapeWriter(new SymbolState(memory, plan.regions[0]!, config, { ringMode: 'replay', footprint: false }), memory, false);
}

let taken = 0;
const BATCHES = `dbn decode batches → tape ${label}`;
const IN_PLACE = `dbn decode in place → tape ${label}`;
const bench = new Bench({ iterations: 5, warmupIterations: 1, time: 0 });
bench.add(BATCHES, async () => {
  const w = writer();
  for await (const batch of reader.batches()) w.append(batch);
  taken = w.length;
});
bench.add(IN_PLACE, async () => {
  const w = writer();
  for await (const n of reader.fillTape(new TapeIntake(w, memory, plan.input))) void n;
  taken = w.length;
});
try {
  await bench.run();
} finally {
  await rm(dir, { recursive: true, force: true });
}
if (taken !== trades) throw new Error(`read ${taken} trades, wrote ${trades}`);
print(collect(bench, { [BATCHES]: trades, [IN_PLACE]: trades }), json);
