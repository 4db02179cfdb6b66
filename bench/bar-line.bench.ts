// The output half of `mia features` alone: one closed bar's NDJSON line into the output chunk, by the bar
// encoder and by its definition JSON.stringify(barJson(bar)) through the same writer. The bars are the real ESH4
// hour's (five timeframes, 78 bars), repeated an hour apart to 7,800 a run. Ops are BARS here, not trades:
// opsPerSec is bars/s.
import { Writable } from 'node:stream';
import { Bench } from 'tinybench';
import { BarLineEncoder } from '../src/cli/bar-line-encoder.js';
import { ChunkedLineWriter } from '../src/cli/chunked-line-writer.js';
import { openTradeSource } from '../src/data/open-trade-source.js';
import { type BarFeatures, DEFAULT_FEATURE_CONFIG } from '../src/model/bar-features.js';
import { barJson } from '../src/model/bar-json.js';
import { runFeaturePass } from '../src/replay/feature-pass.js';
import { dataFile, HAVE_DATA } from '../test/real-data/data-dir.js';
import { collect } from './report.js';

const json = process.argv.includes('--json');
if (!HAVE_DATA) {
  process.stderr.write('bar-line bench: needs the real ESH4 trades (MIA_DATA_DIR, default ../shared/data)\n');
  process.exit(1);
}
const HOUR_NS = 3_600_000_000_000n;
const COPIES = 100;

async function realBars(footprint: boolean): Promise<BarFeatures[]> {
  const hour: BarFeatures[] = [];
  const source = await openTradeSource(dataFile('cme-esh4-mbo/esh4_20231225_trades.csv'));
  await runFeaturePass(source, { ...DEFAULT_FEATURE_CONFIG }, (b) => hour.push(b), { footprint });
  return Array.from({ length: COPIES }, (_, k) => hour.map((b) => ({ ...b, tsNs: b.tsNs + BigInt(k) * HOUR_NS }))).flat();
}

const sink = new Writable({ write: (_c, _e, done) => done() });
const cases: Record<string, number> = {};
const bench = new Bench({ iterations: 60, warmupIterations: 10, time: 0 });
for (const footprint of [false, true]) {
  const bars = await realBars(footprint);
  const tag = footprint ? ' --footprint' : '';
  const encoder = new BarLineEncoder();
  bench.add(`bar line encoder${tag}`, async () => {
    const w = new ChunkedLineWriter(sink);
    for (const b of bars) encoder.encode(w, b);
    await w.end();
  });
  bench.add(`bar line JSON.stringify(barJson)${tag}`, async () => {
    const w = new ChunkedLineWriter(sink);
    for (const b of bars) w.line(JSON.stringify(barJson(b)));
    await w.end();
  });
  cases[`bar line encoder${tag}`] = bars.length;
  cases[`bar line JSON.stringify(barJson)${tag}`] = bars.length;
}
await bench.run();
for (const c of collect(bench, cases)) {
  process.stdout.write(json ? `${JSON.stringify(c)}\n` : `${c.name.padEnd(44)} median ${(c.medianNs / 1e6).toFixed(3)} ms  ${(c.opsPerSec / 1e6).toFixed(2)} M bars/s\n`);
}
