// End-to-end latency of the stream: `mia serve` on the ES/NQ simulator in one process, N subscribers in
// another, tick → published (from the frames' stage times) and tick → received (the subscriber's clock,
// the same clock on one host) over a bounded window, for 1, 100 and 1,000 subscribers.
//
// npm run bench:latency [-- --json] [-- --quick] [-- --cases 1,100] [-- --decode full] [-- --kernels inline]
//   [-- --subscriber-processes K]  (default: one process per 250 subscribers, so that at 1,000 the harness's own
//   event loop does not dominate the receive latency; each process's CPU and event-loop delay is reported)
// Needs the built engine (npm run build). Exits 1 when a case's publish or receive p99 passes the original
// system's 500 ms, when a case received nothing, or when the server or subscribers failed.
import { existsSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { killAll } from './child-processes.js';
import { STAGES, type LatencySummary, type Stage } from './protocol.js';
import type { GcFigures } from './gc-tally.js';
import { ServerProcess, type Health, type ServeSettings } from './server-process.js';
import { SubscriberGroup, type GroupWindow } from './subscriber-group.js';

/** The original system's end-to-end target. */
const TARGET_US = 500_000;
const SERVE_BASE = { symbols: ['ES', 'NQ'], simRate: 20_000, intervalMs: 100, speed: 1 } as const;
const NORMAL = { warmupMs: 3_000, windowMs: (n: number): number => (n >= 1000 ? 25_000 : 20_000), deadlineMs: 180_000 };
const QUICK = { warmupMs: 1_000, windowMs: (): number => 5_000, deadlineMs: 90_000 };

/** One case as `--json` prints it. */
interface CaseResult {
  name: string;
  subscribers: number;
  tradesPerSec: number;
  publishP50Us: number;
  publishP99Us: number;
  receiveP50Us: number;
  receiveP99Us: number;
  maxUs: number;
  framesPerSec: number;
  drops: number;
  /** Subscriber processes the clients were spread over. */
  subscriberProcesses: number;
  /** Per stage (trade → tape → kernels → frame → published → received): count, p50, p99, p99.9, max in µs. */
  stages: Record<Stage, LatencySummary>;
  /** The server's collections over the window (--trace-gc-nvp): main thread, and the kernel workers summed. */
  gc: { main: GcFigures; workers: GcFigures; snapshots: number; mainBytesPerSnapshot: number };
}

/** What a case measured beyond the JSON line, for the reader and the failure checks. */
interface CaseDetail {
  window: GroupWindow;
  conflated: number;
  closedSlow: number;
  serverExit: number | null;
}

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    cases: { type: 'string', default: '1,100,1000' },
    decode: { type: 'string', default: 'lazy' },
    kernels: { type: 'string', default: 'pool' },
    'subscriber-processes': { type: 'string', default: 'auto' },
  },
});
const SUBSCRIBERS_PER_PROCESS = 250;
const processesArg = values['subscriber-processes'];
const processesFor = (n: number): number => (processesArg === 'auto' ? Math.ceil(n / SUBSCRIBERS_PER_PROCESS) : Number(processesArg));
const json = values.json;
const mode = values.quick ? QUICK : NORMAL;
const cases = values.cases.split(',').map(Number);
const decode = values.decode;
const badProcesses = processesArg !== 'auto' && !(Number.isInteger(Number(processesArg)) && Number(processesArg) >= 1);
if (cases.some((n) => !Number.isInteger(n) || n < 1) || (decode !== 'lazy' && decode !== 'full') || (values.kernels !== 'pool' && values.kernels !== 'inline') || badProcesses) {
  process.stderr.write('usage: npm run bench:latency -- [--json] [--quick] [--cases 1,100,1000] [--decode lazy|full] [--kernels pool|inline] [--subscriber-processes auto|K]\n');
  process.exit(2);
}
const SERVE: ServeSettings = { ...SERVE_BASE, kernels: values.kernels as 'pool' | 'inline' };
const info = (s: string): boolean => (json ? process.stderr : process.stdout).write(s + '\n');

if (!existsSync(fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url)))) {
  process.stderr.write('bench:latency: the engine is not built (dist/ missing): run npm run build first\n');
  process.exit(1);
}

// The whole run is bounded: whatever hangs, children are killed and the run fails.
const deadline = setTimeout(() => {
  process.stderr.write(`bench:latency: still running after ${mode.deadlineMs / 1000} s, giving up\n`);
  killAll();
  process.exit(1);
}, mode.deadlineMs);
deadline.unref();

async function runCase(n: number): Promise<{ result: CaseResult; detail: CaseDetail }> {
  let server: ServerProcess | undefined;
  let subs: SubscriberGroup | undefined;
  let serverExit: number | null = null;
  try {
    server = await ServerProcess.start(SERVE, 30_000);
    const started = await SubscriberGroup.start(server.url, n, processesFor(n), decode as 'lazy' | 'full', 60_000);
    subs = started.group;
    const c = started.connected;
    if (c.failed > 0 || c.unsubscribed > 0) {
      throw new Error(`${c.failed} of ${n} clients did not connect and ${c.unsubscribed} were not subscribed (first error: ${c.firstError ?? 'none'})`);
    }
    await sleep(mode.warmupMs);
    const h0 = await server.health();
    server.gc.mark();
    const t0 = performance.now();
    subs.begin();
    await sleep(mode.windowMs(n));
    const window = subs.end(15_000);
    const h1: Health = await server.health();
    const gc = server.gc.since();
    const snapshots = h1.status.snapshotsTotal - h0.status.snapshotsTotal;
    const seconds = (performance.now() - t0) / 1000;
    const w = await window;
    const symbols = SERVE.symbols.length;
    const result: CaseResult = {
      name: `latency sim ${symbols}x${SERVE.simRate / 1000}k ${n} subscriber${n === 1 ? '' : 's'}${SERVE.kernels === 'inline' ? ' kernels inline' : ''}${values.quick ? ' quick' : ''}`,
      subscribers: n,
      tradesPerSec: Math.round((h1.status.tradesTotal - h0.status.tradesTotal) / seconds / symbols),
      publishP50Us: w.publish.p50Us,
      publishP99Us: w.publish.p99Us,
      receiveP50Us: w.receive.p50Us,
      receiveP99Us: w.receive.p99Us,
      // hdr percentiles are bucket tops: keep max from reading below a p99.
      maxUs: Math.max(w.publish.maxUs, w.receive.maxUs, w.publish.p99Us, w.receive.p99Us),
      framesPerSec: Math.round((w.frames / w.seconds) * 10) / 10,
      // Sequence gaps already include frames conflated away or lost to a slow-consumer close.
      drops: w.missed,
      subscriberProcesses: w.processes.length,
      stages: w.stages,
      gc: { ...gc, snapshots, mainBytesPerSnapshot: snapshots > 0 ? Math.round(gc.main.allocatedBytes / snapshots) : 0 },
    };
    await subs.exit(5_000);
    subs = undefined;
    serverExit = await server.stop(10_000);
    server = undefined;
    return { result, detail: { window: w, conflated: h1.status.framesConflated - h0.status.framesConflated, closedSlow: h1.status.closedSlow - h0.status.closedSlow, serverExit } };
  } finally {
    await subs?.exit(5_000);
    await server?.stop(10_000);
  }
}

const STAGE_NAMES: Record<Stage, string> = {
  tape: 'trade → tape committed',
  kernels: 'tape → kernels done',
  frame: 'kernels → frame built',
  publish: 'frame built → published',
  deliver: 'published → received',
};

function ms(us: number): string {
  return (us / 1000).toFixed(2).padStart(8);
}

function printCase(r: CaseResult, d: CaseDetail): void {
  if (json) process.stdout.write(JSON.stringify(r) + '\n');
  else {
    info(`${r.name.padEnd(40)} ${String(r.tradesPerSec).padStart(7)} ${ms(r.publishP50Us)} ${ms(r.publishP99Us)} ${ms(r.receiveP50Us)} ${ms(r.receiveP99Us)} ${ms(r.maxUs)} ${r.framesPerSec.toFixed(1).padStart(9)} ${String(r.drops).padStart(6)}`);
  }
  const w = d.window;
  const ratio = (us: number): string => `${((us / TARGET_US) * 100).toFixed(3)} % of the 500 ms target`;
  process.stderr.write(
    `  ${r.name}: publish p99 ${ratio(r.publishP99Us)}, receive p99 ${ratio(r.receiveP99Us)}; ` +
      `server conflated ${d.conflated}, closed slow ${d.closedSlow}; clients open at end ${w.openAtEnd}/${w.clients}, ` +
      `out of order ${w.outOfOrder}, client errors ${w.errors}, negative ${w.negative}; server exit code ${d.serverExit}; ` +
      `${w.processes.length} subscriber process(es), CPU % of a core / event-loop delay p99 ms: ` +
      `${w.processes.map((p) => `${(p.cpuShare * 100).toFixed(0)} / ${(p.loopDelayP99Us / 1000).toFixed(2)}`).join(', ')}\n`,
  );
  // Per stage, so a p99 can be placed (the server's stages come from the frames' own stage times).
  for (const st of STAGES) {
    const x = r.stages[st];
    process.stderr.write(`    stage ${STAGE_NAMES[st].padEnd(28)} p50 ${ms(x.p50Us)} p99 ${ms(x.p99Us)} p99.9 ${ms(x.p999Us)} max ${ms(x.maxUs)} ms (n ${x.count})\n`);
  }
  const g = (x: GcFigures): string => `${x.scavenges} scavenges, ${x.fullCollections} full, pauses ${x.pauseMs.toFixed(1)} ms (max ${x.maxPauseMs.toFixed(2)}), ` +
    `${(x.allocatedBytes / 1e6).toFixed(1)} MB allocated`;
  process.stderr.write(`    gc main thread: ${g(r.gc.main)}; ${r.gc.snapshots} snapshots, ${r.gc.mainBytesPerSnapshot} bytes a snapshot\n`);
  process.stderr.write(`    gc kernel workers: ${g(r.gc.workers)}\n`);
}

info(`# ${new Date().toISOString()} ${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, Node ${process.version}; ` +
  `mia serve --source sim --symbols ${SERVE.symbols.join(',')} --speed ${SERVE.speed} --sim-rate ${SERVE.simRate} --interval-ms ${SERVE.intervalMs} --kernels ${SERVE.kernels}; decode ${decode}`);
if (!json) {
  info(`${'case'.padEnd(40)} ${'trd/s'.padStart(7)} ${'pub p50'.padStart(8)} ${'pub p99'.padStart(8)} ${'rcv p50'.padStart(8)} ${'rcv p99'.padStart(8)} ${'max'.padStart(8)} ${'frames/s'.padStart(9)} ${'drops'.padStart(6)}`);
  info(`${''.padEnd(40)} ${'/symbol'.padStart(7)} ${'ms'.padStart(8)} ${'ms'.padStart(8)} ${'ms'.padStart(8)} ${'ms'.padStart(8)} ${'ms'.padStart(8)}`);
}

let failed = false;
for (const n of cases) {
  try {
    const { result, detail } = await runCase(n);
    printCase(result, detail);
    if (detail.window.frames === 0) {
      process.stderr.write(`bench:latency: ${result.name} received no frames\n`);
      failed = true;
    }
    if (detail.window.errors > 0) {
      process.stderr.write(`bench:latency: ${result.name}: ${detail.window.errors} client errors while measuring (first: ${detail.window.firstError})\n`);
      failed = true;
    }
    if (result.publishP99Us > TARGET_US || result.receiveP99Us > TARGET_US) {
      process.stderr.write(`bench:latency: ${result.name} p99 is over the 500 ms target\n`);
      failed = true;
    }
  } catch (e) {
    process.stderr.write(`bench:latency: ${n} subscriber case failed: ${e instanceof Error ? e.message : String(e)}\n`);
    failed = true;
  }
}
clearTimeout(deadline);
process.exit(failed ? 1 : 0);
