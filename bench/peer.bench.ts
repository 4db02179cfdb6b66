// Side by side with the closest peer on npm: trading-signals' cumulative VWAP, fed one trade per candle
// (typical price = the trade price), is exactly a session VWAP. The peer computes VWAP alone; the WASM
// pass computes VWAP and σ bands plus bars on five timeframes, footprint, profile and delta over the same
// trades. Before timing, both must give the same VWAP for the first session.
import { Bench } from 'tinybench';
import { VWAP } from 'trading-signals';
import { InlineExecutor } from '../src/kernels/executor.js';
import { BarReader } from '../src/kernels/bar-reader.js';
import { sessionStartNs, nextSessionStartNs } from '../src/model/session.js';
import { BENCH_CONFIG, freshState, simulatedTapes } from './fixtures.js';
import { collect, print } from './report.js';

const json = process.argv.includes('--json');
const M = 1_000_000;
const tapes = simulatedTapes(['ES'], M);
const exec = new InlineExecutor(tapes.memory);
const v = new DataView(tapes.memory.buffer);
const tape = tapes.plan.regions[0]!.tape;
const candles = Array.from({ length: M }, (_, i) => {
  const p = v.getFloat64(tape + i * 24 + 8, true);
  return { high: p, low: p, close: p, volume: v.getUint32(tape + i * 24 + 16, true) };
});

// Agreement on the first session: the peer over its trades vs the kernel's session VWAP at its last bar.
{
  const t0 = v.getBigInt64(tape, true);
  const end = nextSessionStartNs(t0, BENCH_CONFIG.session);
  let n = 0;
  while (n < M && v.getBigInt64(tape + n * 24, true) < end) n++;
  const peer = new VWAP();
  for (let i = 0; i < n; i++) peer.update(candles[i]!, false);
  const s = freshState(tapes, 0, n);
  exec.runSync(s.region.state);
  exec.flushSync(s.region.state);
  let ours = Number.NaN;
  new BarReader(s).drain((b) => {
    if (b.timeframeSec === 60 && sessionStartNs(b.tsNs, BENCH_CONFIG.session) === sessionStartNs(t0, BENCH_CONFIG.session)) ours = b.vwap;
  });
  const theirs = peer.getResult()!;
  if (!(Math.abs(ours - theirs) < 1e-9 * theirs)) throw new Error(`VWAP disagrees: ours ${ours}, trading-signals ${theirs}`);
  if (!json) process.stdout.write(`first session (${n} trades): VWAP ${ours} = trading-signals ${theirs}\n`);
}

let sink = 0;
const bench = new Bench({ iterations: 10, warmupIterations: 2, time: 0 });
bench
  .add('peer trading-signals vwap 1M', () => {
    const peer = new VWAP();
    for (let i = 0; i < M; i++) peer.update(candles[i]!, false);
    sink += peer.getResult() ?? 0;
  })
  .add('full pass wasm main 1M (vwap and all features)', () => {
    const s = freshState(tapes, 0, M);
    exec.runSync(s.region.state);
    exec.flushSync(s.region.state);
    sink += s.cursor;
  });
await bench.run();
print(collect(bench, { 'peer trading-signals vwap 1M': M, 'full pass wasm main 1M (vwap and all features)': M }), json);
if (sink < 0) process.stdout.write(String(sink));
