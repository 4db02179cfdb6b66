// The browser tests' harness: Debian's Chromium driven by playwright-core, `mia serve` as a child process (the
// built CLI, as test/stream/serve-harness.ts starts it), the dashboard page it serves, and the references the
// page is held to (`mia features`, GET /snapshot, GET /health).
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { serve, type Served } from '../stream/serve-harness.js';

export { freePort } from '../stream/serve-harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Chromium's flags for a headless run as root in a container: no sandbox, no GPU, nothing fetched in the background. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

/** The first `chromium` (Debian's name) or `chromium-browser` on PATH, or undefined. */
function chromiumOnPath(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const path = join(dir, name);
      try {
        accessSync(path, constants.X_OK);
        return path;
      } catch {
        // Not here: the next directory.
      }
    }
  }
  return undefined;
}

/** The Chromium the tests drive. */
export const CHROMIUM = chromiumOnPath();

/**
 * Where `CI` is set (the convention of hosted CI services) a missing browser fails the browser tests; elsewhere
 * they are skipped and say so, as the real-data tests do without their data. .ci/run installs Chromium and
 * checks that it starts before the tests, so there they always run.
 */
export const BROWSER_REQUIRED = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';

/** True when the browser tests can run. */
export const HAVE_BROWSER = CHROMIUM !== undefined;

if (!HAVE_BROWSER) {
  const why = 'no chromium on PATH (Debian: apt-get install -y --no-install-recommends chromium)';
  if (BROWSER_REQUIRED) throw new Error(`browser tests cannot run in CI: ${why}; .ci/run installs it before the tests`);
  process.stderr.write(`browser tests skipped: ${why}\n`);
}

/** Launches the Chromium on PATH, headless. */
export function launchChromium(): Promise<Browser> {
  if (!CHROMIUM) throw new Error('no chromium on PATH');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A candle as `__mia.candles()` reports it: time is the bar's open in UTC seconds. */
export interface Candle {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
}

/** A footprint row as `__mia.footprint(time)` reports it. */
export interface FootprintRow {
  price: number;
  bid: number;
  ask: number;
}

/**
 * The page's test contract, `window.__mia` (implemented by web/src/test-api.ts), written out here from the
 * contract rather than imported, so the tests read the page as any outside client would.
 */
export interface MiaPageApi {
  ready(): boolean;
  selection(): { symbol: string; timeframe: string };
  select(symbol: string, timeframe: string): Promise<void>;
  candles(): Candle[];
  volumes(): { time: number; value: number }[];
  deltas(): { time: number; value: number }[];
  sessionLevels(): { poc: number; vah: number; val: number; vwap: number } | null;
  footprint(time: number): FootprintRow[] | undefined;
  banner(): string[];
  /** Keys of the alerts the banner shows, and every active alert the page holds (web/src/test-api.ts). */
  bannerAlerts(): string[];
  alerts(): { key: string; rule: string; severity: string; message: string }[];
  decisions(): unknown[];
  risk(): unknown;
  stats(): { snapshots: number; renders: number; renderMs: number[] };
}

declare global {
  interface Window {
    __mia: MiaPageApi;
  }
}

/** A page on the dashboard, with the uncaught errors it threw. */
export interface DashboardPage {
  page: Page;
  /** Uncaught exceptions and unhandled rejections in the page. */
  errors: string[];
}

/** The viewport of the tests and the committed screenshot: a laptop screen. */
export const VIEWPORT = { width: 1600, height: 1000 };

/**
 * Opens the dashboard at http://127.0.0.1:PORT/ (optionally `?query`) in a new page, after `init` (scripts to
 * install before the page's own); fails at once when the server has no built dashboard (its 503 page) rather
 * than waiting for a page that will never be ready.
 */
export async function openDashboard(browser: Browser, port: number, query = '', init?: (page: Page) => Promise<void>): Promise<DashboardPage> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  await init?.(page);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.stack ?? e.message));
  const res = await page.goto(`http://127.0.0.1:${port}/${query ? `?${query}` : ''}`);
  if (res?.status() !== 200) {
    throw new Error(`GET / answered ${res?.status()}: ${(await res?.text())?.slice(0, 300)} (is web/dist built? npm run build:web)`);
  }
  return { page, errors };
}

/** Waits until `__mia.ready()`: connected, history loaded, a snapshot of the selection rendered. */
export async function waitReady(page: Page, timeoutMs = 30_000): Promise<void> {
  await page.waitForFunction(() => typeof window.__mia?.ready === 'function' && window.__mia.ready(), undefined, { timeout: timeoutMs, polling: 50 });
}

/** GET a JSON route of the server. */
export async function getJson<T>(port: number, path: string): Promise<T> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`);
  if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

/** Resolves once /health says the replay source has finished. */
export async function replayFinished(port: number, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const h = await getJson<{ status: { sourceState: string } }>(port, '/health');
    if (h.status.sourceState === 'finished') return;
    if (Date.now() > end) throw new Error(`replay not finished after ${timeoutMs} ms: sourceState ${h.status.sourceState}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One line of `mia features --footprint`: the fields the tests compare. */
export interface FeatureBar {
  ts: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  delta: number;
  poc: number;
  levels?: { price: number; bid: number; ask: number; bidTrades: number; askTrades: number }[];
}

/** The reference: `mia features --input FILE --timeframe TF --footprint`, one bar a line. */
export function features(file: string, timeframe: string): FeatureBar[] {
  return execFileSync(process.execPath, ['bin/mia.js', 'features', '--input', file, '--timeframe', timeframe, '--footprint'], { cwd: root, maxBuffer: 256 << 20 })
    .toString().trim().split('\n').map((l) => JSON.parse(l) as FeatureBar);
}

/** A feature bar's open time in UTC seconds, the chart's time. */
export const barTime = (b: FeatureBar): number => Date.parse(b.ts) / 1000;

/** The candles a chart of these bars shows. */
export const candlesOf = (bars: FeatureBar[]): Candle[] => bars.map((b) => ({ time: barTime(b), open: b.open, high: b.high, low: b.low, close: b.close }));

/** A bar's footprint rows, price ascending, as the page reports them. */
export const footprintOf = (b: FeatureBar): FootprintRow[] =>
  (b.levels ?? []).map((l) => ({ price: l.price, bid: l.bid, ask: l.ask })).sort((x, y) => x.price - y.price);


/** The servers a test file starts, stopped together in afterAll (SIGTERM, then SIGKILL after 10 s). */
export class Servers {
  private readonly running: Served[] = [];

  /** `mia serve ARGS --port 0`, tracked for stopAll. */
  async start(args: string[]): Promise<Served> {
    const s = await serve(args);
    this.running.push(s);
    return s;
  }

  /** Stops every server started; resolves when all have exited. */
  async stopAll(): Promise<void> {
    await Promise.all(this.running.splice(0).map(async (s) => {
      if (s.proc.exitCode !== null || s.proc.signalCode !== null) return;
      const kill = setTimeout(() => s.proc.kill('SIGKILL'), 10_000);
      s.proc.kill('SIGTERM');
      await s.exited;
      clearTimeout(kill);
    }));
  }
}

/** The real ESH4 hour (Databento MBO, 25 Dec 2023 23:00–24:00 UTC; provenance in ../shared/data/README.md). */
export const ESH4_FILE = 'cme-esh4-mbo/esh4-glbx-mdp3-20231225.mbo.dbn.zst';
