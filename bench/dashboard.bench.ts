// The dashboard in Chromium under a live stream for ten wall minutes: render time per render (`__mia.stats()`,
// p50/p99/max), JS heap after forced GCs (start, end, slope), long tasks and the renderer's main-thread time.
// Not a tinybench suite: the thing measured is a browser page fed by `mia serve`, sampled as it runs.
//
//   npm run bench -- --only dashboard [--json] [--minutes 10] [--case sim|esh4|cap]
//
// Cases: `sim`, `mia serve --source sim --speed 60` (ES and NQ at the simulator's default rates, ten market
// hours from the Monday 09:30 ET open, across the close and the next Globex open; the page shows ES 1m); `esh4`,
// the real ESH4 hour replayed at --speed 6 (the hour in ten minutes; the page's subscription starts it); `cap`,
// the simulator at --speed 300 (3,000 1m bars in ten minutes), past the page's 2,000-bar cap, where the heap
// must stop growing: its heap after GC is printed minute by minute.
import os from 'node:os';
import { dataFile, HAVE_DATA } from '../test/real-data/data-dir.js';
import { ESH4_FILE, getJson, launchChromium, openDashboard, Servers, waitReady } from '../test/web/browser-harness.js';
import { heapSlopePerMin, PageProbe, prepareProbe, quantile, type ProbeResult } from './web/page-probe.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const opt = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const minutes = Number(opt('--minutes') ?? 10);
const only = opt('--case');
if (!(minutes > 0)) throw new Error(`--minutes must be a positive number, got ${opt('--minutes')}`);

/** Seconds of stream the page gets before the window opens (history load, JIT warm-up). */
const WARMUP_SEC = 15;
const POLL_MS = 2000;
const HEAP_EVERY_MS = 60_000;

interface Case {
  name: string;
  args: string[];
  /** A replay ends the window when it finishes. */
  replay: boolean;
}

const cases: Case[] = [
  { name: 'sim ES+NQ --speed 60, page ES 1m', args: ['--source', 'sim', '--speed', '60'], replay: false },
  { name: 'cap: sim ES+NQ --speed 300, page ES 1m, past the 2,000-bar cap', args: ['--source', 'sim', '--speed', '300'], replay: false },
  ...(HAVE_DATA ? [{ name: 'ESH4 replay --speed 6, page ES 1m', args: ['--source', 'replay', '--input', dataFile(ESH4_FILE), '--speed', '6', '--wait-subscribers', '1'], replay: true }] : []),
].filter((c) => (only ? c.name.toLowerCase().startsWith(only.toLowerCase()) : !c.name.startsWith('cap')));
if (!HAVE_DATA && !json) process.stderr.write('dashboard bench: the ESH4 case needs MIA_DATA_DIR; running the sim case only\n');

/** One case's result as --json prints it. */
interface DashboardResult {
  name: string;
  seconds: number;
  snapshots: number;
  snapshotsPerSec: number;
  renders: number;
  rendersUnread: number;
  renderP50Ms: number;
  renderP99Ms: number;
  renderMaxMs: number;
  heapStartMiB: number;
  heapEndMiB: number;
  heapMaxMiB: number;
  heapGrowthMiB: number;
  heapSlopeMiBPerMin: number;
  /** Heap after GC at each sample (the window's start, then every minute, then its end). */
  heapSeriesMiB: number[];
  longTasks: number;
  longTaskTotalMs: number;
  longTaskMaxMs: number;
  mainThreadPct: number;
  scriptPct: number;
  layoutPct: number;
  candles: number;
  framesConflated: number;
  closedSlow: number;
  pageErrors: number;
}

interface HealthCounters {
  status: { sourceState: string; framesConflated: number; closedSlow: number };
}

const MiB = 1024 * 1024;
const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function summarise(name: string, r: ProbeResult, extra: Pick<DashboardResult, 'candles' | 'framesConflated' | 'closedSlow' | 'pageErrors'>): DashboardResult {
  const used = r.heap.map((h) => h.usedBytes);
  const lt = r.longTasks.map((t) => t.duration);
  return {
    name,
    seconds: round(r.seconds, 1),
    snapshots: r.snapshots,
    snapshotsPerSec: round(r.snapshots / r.seconds, 1),
    renders: r.renders,
    rendersUnread: r.rendersUnread,
    renderP50Ms: round(quantile(r.renderMs, 0.5), 3),
    renderP99Ms: round(quantile(r.renderMs, 0.99), 3),
    renderMaxMs: round(Math.max(...r.renderMs), 3),
    heapStartMiB: round(used[0]! / MiB),
    heapEndMiB: round(used.at(-1)! / MiB),
    heapMaxMiB: round(Math.max(...used) / MiB),
    heapGrowthMiB: round((used.at(-1)! - used[0]!) / MiB),
    heapSlopeMiBPerMin: round(heapSlopePerMin(r.heap) / MiB, 3),
    heapSeriesMiB: used.map((u) => round(u / MiB)),
    longTasks: lt.length,
    longTaskTotalMs: round(lt.reduce((a, b) => a + b, 0), 0),
    longTaskMaxMs: round(Math.max(0, ...lt), 0),
    mainThreadPct: round((100 * r.mainThreadSec) / r.seconds, 1),
    scriptPct: round((100 * r.scriptSec) / r.seconds, 1),
    layoutPct: round((100 * r.layoutSec) / r.seconds, 1),
    ...extra,
  };
}

async function runCase(c: Case, servers: Servers, browser: Awaited<ReturnType<typeof launchChromium>>): Promise<DashboardResult> {
  const s = await servers.start(c.args);
  try {
    const { page, errors } = await openDashboard(browser, s.port, '', prepareProbe);
    const probe = await PageProbe.attach(page);
    await waitReady(page, 60_000);
    await sleep(WARMUP_SEC * 1000);
    await probe.start();
    const t0 = Date.now();
    let nextHeap = t0 + HEAP_EVERY_MS;
    for (;;) {
      await sleep(POLL_MS);
      await probe.poll();
      const now = Date.now();
      if (now - t0 >= minutes * 60_000) break;
      if (c.replay && (await getJson<HealthCounters>(s.port, '/health')).status.sourceState === 'finished') break;
      if (now >= nextHeap) {
        await probe.heapSample();
        nextHeap += HEAP_EVERY_MS;
      }
      if (!json) process.stderr.write(`\r${c.name}: ${Math.round((now - t0) / 1000)} s of ${minutes * 60}`);
    }
    const r = await probe.finish();
    if (!json) process.stderr.write('\n');
    const health = await getJson<HealthCounters>(s.port, '/health');
    const candles = await page.evaluate(() => window.__mia.candles().length);
    await page.close();
    return summarise(c.name, r, { candles, framesConflated: health.status.framesConflated, closedSlow: health.status.closedSlow, pageErrors: errors.length });
  } finally {
    await servers.stopAll();
  }
}

function printTable(results: DashboardResult[], chromium: string): void {
  process.stdout.write(`${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, Node ${process.version}, Chromium ${chromium}\n`);
  for (const r of results) {
    process.stdout.write([
      `${r.name} (${r.seconds} s)`,
      `  snapshots ${r.snapshots} (${r.snapshotsPerSec}/s), renders ${r.renders}, render p50 ${r.renderP50Ms} ms, p99 ${r.renderP99Ms} ms, max ${r.renderMaxMs} ms`,
      `  heap after GC ${r.heapStartMiB} → ${r.heapEndMiB} MiB (growth ${r.heapGrowthMiB} MiB, slope ${r.heapSlopeMiBPerMin} MiB/min, max ${r.heapMaxMiB}); by minute ${r.heapSeriesMiB.join(' ')}`,
      `  long tasks ${r.longTasks} (total ${r.longTaskTotalMs} ms, max ${r.longTaskMaxMs} ms); main thread ${r.mainThreadPct} % (script ${r.scriptPct} %, style and layout ${r.layoutPct} %)`,
      `  candles ${r.candles}, frames conflated ${r.framesConflated}, closed slow ${r.closedSlow}, page errors ${r.pageErrors}`,
      '',
    ].join('\n'));
  }
}

const servers = new Servers();
const browser = await launchChromium();
try {
  const results: DashboardResult[] = [];
  for (const c of cases) results.push(await runCase(c, servers, browser));
  if (json) for (const r of results) process.stdout.write(`${JSON.stringify(r)}\n`);
  else printTable(results, browser.version());
} finally {
  await browser.close();
  await servers.stopAll();
}
