// The CI performance gate (issue 15): short runs of the kernel, replay, backtest and latency benchmarks,
// judged by ratios of figures measured in the same run (they survive a slower or busier machine: both sides
// move) against the bounds in bench/gate.json, plus the original system's 500 ms snapshot target as an
// absolute ceiling. Prints every figure and each stage's p99, so every CI log carries them.
//
// Usage: npm run bench:gate [-- --trades 2000000]; needs `npm run build` and the real ESH4 trades
// (MIA_DATA_DIR, default ../shared/data). Exits 1 when a bound fails twice in a row (one re-run of the suite
// absorbs a noisy moment), 2 on a usage error.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { CaseResult } from './report.js';

interface Bound {
  min?: number;
  max?: number;
}
interface GateFile {
  ratios: Record<string, Bound>;
  ceilingUs: number;
}
interface LatencyCase {
  name: string;
  publishP50Us: number;
  publishP99Us: number;
  receiveP99Us: number;
  maxUs: number;
}

const dir = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const trades = args.includes('--trades') ? Number(args[args.indexOf('--trades') + 1]) : 2_000_000;
if (!Number.isInteger(trades) || trades < 100_000) {
  process.stderr.write('usage: npm run bench:gate [-- --trades N]  (N ≥ 100000)\n');
  process.exit(2);
}
const gate = JSON.parse(readFileSync(`${dir}gate.json`, 'utf8')) as GateFile;
const label = trades % 1_000_000 === 0 ? `${trades / 1_000_000}M` : String(trades);

/** Runs a suite with --json and returns its JSON lines; a failing suite fails the gate with its output. */
function suite<T>(argv: string[]): T[] {
  const r = spawnSync(process.execPath, ['--import', 'tsx', ...argv, '--json'], { cwd: `${dir}..`, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`bench:gate: ${argv.join(' ')} exited ${r.status}${r.signal ? ` (${r.signal})` : ''}`);
  return r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as T);
}

function ops(cases: CaseResult[], name: string): number {
  const c = cases.find((x) => x.name === name);
  if (!c) throw new Error(`bench:gate: case "${name}" missing from the suite's output`);
  return c.opsPerSec;
}

/** The ratios one suite run gives, by the names of gate.json. */
type Measure = () => Record<string, number>;

const measures: [string, Measure][] = [
  ['kernels', () => {
    const c = suite<CaseResult>(['bench/full-pass.bench.ts', '--quick']);
    return { 'kernel wasm / ts port': ops(c, 'full pass wasm main 1M') / ops(c, 'full pass ts port 1M') };
  }],
  ['replay and backtest', () => {
    const c = suite<CaseResult>(['bench/e2e.bench.ts', '--trades', String(trades)]);
    const kernel = ops(c, `kernel pass esh4 ${label}`);
    for (const x of c) process.stdout.write(`  ${x.name.padEnd(28)} ${(x.opsPerSec / 1e6).toFixed(2).padStart(7)} M trades/s (median ${(x.medianNs / 1e6).toFixed(0)} ms)\n`);
    return {
      'replay dbn / kernel pass': ops(c, `replay e2e dbn ${label}`) / kernel,
      'replay csv / kernel pass': ops(c, `replay e2e csv ${label}`) / kernel,
      'backtest dbn / kernel pass': ops(c, `backtest e2e dbn ${label}`) / kernel,
    };
  }],
  ['latency', () => {
    const [c] = suite<LatencyCase>(['bench/latency/run.ts', '--quick', '--cases', '1']);
    // Its stage lines (p50, p99, p99.9, max per stage) are on stderr, which this run passes through to the log.
    if (!c) throw new Error('bench:gate: the latency run printed no case');
    const worst = Math.max(c.publishP99Us, c.receiveP99Us, c.maxUs);
    if (worst > gate.ceilingUs) throw new Error(`bench:gate: a snapshot took ${worst} µs, over the ${gate.ceilingUs / 1000} ms ceiling`);
    return { 'publish p99 / p50': c.publishP99Us / Math.max(1, c.publishP50Us) };
  }],
];

function judge(name: string, value: number): string | undefined {
  const b = gate.ratios[name];
  if (!b) throw new Error(`bench:gate: no bound for "${name}" in bench/gate.json`);
  if (b.min !== undefined && !(value >= b.min)) return `${value.toFixed(4)} is below its floor ${b.min}`;
  if (b.max !== undefined && !(value <= b.max)) return `${value.toFixed(4)} is above its ceiling ${b.max}`;
  return undefined;
}

process.stdout.write(`# bench:gate ${new Date().toISOString()} ${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, Node ${process.version}, ${label} trades\n`);
let failed = 0;
for (const [what, measure] of measures) {
  for (let attempt = 1; ; attempt++) {
    let failures: string[];
    try {
      const ratios = measure();
      failures = [];
      for (const [name, value] of Object.entries(ratios)) {
        const why = judge(name, value);
        process.stdout.write(`${why ? 'FAIL' : 'ok  '} ${name.padEnd(28)} ${value.toFixed(4)}${why ? ` — ${why}` : ''}\n`);
        if (why) failures.push(`${name}: ${why}`);
      }
    } catch (e) {
      failures = [e instanceof Error ? e.message : String(e)];
      process.stdout.write(`FAIL ${what}: ${failures[0]}\n`);
    }
    if (failures.length === 0) break;
    if (attempt === 2) {
      failed += failures.length;
      break;
    }
    process.stdout.write(`bench:gate: ${what} failed once, measuring again\n`);
  }
}
process.stdout.write(failed ? `bench:gate: ${failed} bound(s) failed twice\n` : 'bench:gate: every bound holds\n');
process.exit(failed ? 1 : 0);
