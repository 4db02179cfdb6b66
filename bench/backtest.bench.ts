// Backtest throughput end to end over a replay of 1 M simulated ES trades (about 7 hours of a simulated
// Monday): trade file → ReplaySource → SnapshotEngine (inline kernels) → frames read in place → SignalEngine
// → RiskEngine → SimBroker matching every trade; each iteration is a whole `runBacktest` (file opened and
// read, engine built). The same trades as a Databento DBN v2 file (MBO trade
// records) and as CSV; baselines: reading each file alone, and the broker alone with a bracket always
// working. Target (issue 5): ≥ 5 M trades/s end to end.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { MarketSimulator } from '../src/adapters/sim/market-simulator.js';
import { runBacktest, type BacktestOptions } from '../src/backtest/backtest-runner.js';
import { openTradeSource } from '../src/data/open-trade-source.js';
import { SimBroker } from '../src/execution/sim-broker.js';
import { TradeBatch } from '../src/model/trade-batch.js';
import { joinNs } from '../src/model/time.js';
import { DEFAULT_BATTLE_NAVALE_CONFIG } from '../src/signals/battle-navale.js';
import { MBO_BYTES, metadataV2, writeMbo } from '../test/fixtures/dbn-writer.js';
import { collect, print } from './report.js';

const json = process.argv.includes('--json');
const M = 1_000_000;
const SIDES = 'NBA';

// Setup, outside the timed functions: the simulated trades as DBN and CSV files, and in memory for the broker.
const dir = await mkdtemp(join(tmpdir(), 'mia-bench-backtest-'));
const csvFile = join(dir, 'esh4-sim-trades.csv');
const dbnFile = join(dir, 'esh4-sim-trades.dbn');
const batches: TradeBatch[] = [];
{
  const sim = new MarketSimulator({ symbol: 'ES', seed: 20240304, trades: M, batchSize: 65536 });
  const lines: string[] = ['ts_event_ns,price,size,aggressor_side'];
  const records = Buffer.alloc(MBO_BYTES * M);
  let k = 0;
  for (;;) {
    const b = new TradeBatch(65536);
    if (sim.fill(b) === 0) break;
    batches.push(b);
    for (let i = 0; i < b.length; i++, k++) {
      const ts = joinNs(b.tsHi[i]!, b.tsLo[i]!);
      lines.push(`${ts},${b.price[i]!.toFixed(2)},${b.size[i]},${SIDES[b.side[i]!]}`);
      writeMbo(records, k * MBO_BYTES, ts, b.price[i]!, b.size[i]!, 'T', SIDES[b.side[i]!]!);
    }
  }
  await writeFile(csvFile, lines.join('\n') + '\n');
  await writeFile(dbnFile, Buffer.concat([metadataV2('ESH4'), records.subarray(0, k * MBO_BYTES)]));
}

const quiet = (input: string): BacktestOptions => ({ input, startingBalance: 25_000, winProbability: 0.5 });
// The default thresholds trade rarely on the simulated market; lower ones keep a bracket working more often.
const active = (input: string): BacktestOptions => ({
  ...quiet(input), risk: { stop: { kind: 'ticks', ticks: 4 }, target: { kind: 'ticks', ticks: 6 } },
  signals: { battleNavale: { ...DEFAULT_BATTLE_NAVALE_CONFIG, longThreshold: 0.1, shortThreshold: -0.1, minConfidence: 0.5 } },
  broker: { slippageTicks: 1, commissionPerContract: 2.25, latencyNs: 500_000 },
});

let sink = 0;
for (const f of [dbnFile, csvFile]) {
  const r = await runBacktest(active(f));
  if (r.tradesRead !== M) throw new Error(`backtest of ${f} read ${r.tradesRead} of ${M} trades`);
  if (!json) process.stderr.write(`${f.slice(-3)} active: ${r.metrics.trades} trades, ${r.snapshots} snapshots, ${r.bars} bars\n`);
}

const cases: Record<string, () => Promise<void> | void> = {
  'backtest dbn 1M': async () => void (sink += (await runBacktest(quiet(dbnFile))).tradesRead),
  'backtest dbn 1M (brackets working)': async () => void (sink += (await runBacktest(active(dbnFile))).tradesRead),
  'backtest csv 1M': async () => void (sink += (await runBacktest(quiet(csvFile))).tradesRead),
  'read only dbn 1M': async () => {
    for await (const b of (await openTradeSource(dbnFile)).batches()) sink += b.length;
  },
  'read only csv 1M': async () => {
    for await (const b of (await openTradeSource(csvFile)).batches()) sink += b.length;
  },
  'sim broker only 1M (bracket always working)': () => {
    const broker = new SimBroker({ slippageTicks: 1 });
    for (const b of batches) {
      for (let i = 0; i < b.length; i += 4096) {
        if (broker.openOrders === 0) {
          const p = b.price[i]!;
          broker.submitBracket({ symbol: 'ES', side: 'buy', qty: 1, entry: { type: 'market' }, stopPrice: p - 1, targetPrice: p + 1.5 });
        }
        broker.onTrades('ES', b, i, Math.min(b.length, i + 4096));
      }
    }
    sink += broker.openOrders;
  },
};
const bench = new Bench({ iterations: 5, time: 0, warmupIterations: 1, warmupTime: 0 });
for (const [name, fn] of Object.entries(cases)) bench.add(name, fn);
await bench.run();
await rm(dir, { recursive: true, force: true });
if (sink < 0) process.stdout.write('\n');
print(collect(bench, Object.fromEntries(Object.keys(cases).map((n) => [n, M]))), json);
