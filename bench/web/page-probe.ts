// What the dashboard benchmark reads from a page in Chromium: render durations (`__mia.stats()`), JS heap after
// a forced GC (CDP HeapProfiler.collectGarbage, then Runtime.getHeapUsage), long tasks (PerformanceObserver
// 'longtask') and the renderer's main-thread time (CDP Performance.getMetrics).
import type { CDPSession, Page } from 'playwright-core';

/** Long tasks as the page's observer recorded them (page clock, ms). */
interface LongTask {
  start: number;
  duration: number;
}

declare global {
  interface Window {
    __miaLongTasks?: LongTask[];
  }
}

/** One heap reading after a forced GC. */
export interface HeapSample {
  /** Wall seconds since the measurement started. */
  atSec: number;
  usedBytes: number;
}

/** What a probe measured over its window. */
export interface ProbeResult {
  seconds: number;
  snapshots: number;
  renders: number;
  /** Renders whose duration was overwritten in the page's ring before it was read (should be 0). */
  rendersUnread: number;
  renderMs: number[];
  heap: HeapSample[];
  longTasks: LongTask[];
  /** The renderer main thread's busy time (CDP TaskDuration) over the window, seconds. */
  mainThreadSec: number;
  scriptSec: number;
  layoutSec: number;
}

/** Installs the long-task observer; call before the page navigates. */
export async function prepareProbe(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const tasks: { start: number; duration: number }[] = [];
    window.__miaLongTasks = tasks;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) tasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
}

/** Measures a page from `start()` to `finish()`; `poll()` reads new render samples, `heapSample()` forces a GC. */
export class PageProbe {
  private readonly page: Page;
  private readonly cdp: CDPSession;
  private t0 = 0;
  private pageT0 = 0;
  private renders0 = 0;
  private snapshots0 = 0;
  private lastRenders = 0;
  private unread = 0;
  private metrics0: Record<string, number> = {};
  private readonly renderMs: number[] = [];
  private readonly heap: HeapSample[] = [];
  /** Page-clock windows of forced GCs: long tasks inside them are the probe's own. */
  private readonly gcWindows: [number, number][] = [];

  private constructor(page: Page, cdp: CDPSession) {
    this.page = page;
    this.cdp = cdp;
  }

  /** Opens the CDP session of `page`. */
  static async attach(page: Page): Promise<PageProbe> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    return new PageProbe(page, cdp);
  }

  /** Starts the window: first heap reading, counters and CPU metrics zeroed. */
  async start(): Promise<void> {
    const s = await this.page.evaluate(() => ({ stats: window.__mia.stats(), now: performance.now() }));
    this.renders0 = this.lastRenders = s.stats.renders;
    this.snapshots0 = s.stats.snapshots;
    this.pageT0 = s.now;
    this.metrics0 = await this.metrics();
    this.t0 = Date.now();
    await this.heapSample();
  }

  /** Reads the render durations added since the last poll (the page keeps the last 1,000). */
  async poll(): Promise<void> {
    const r = await this.page.evaluate((last) => {
      const s = window.__mia.stats();
      const n = Math.min(s.renders - last, s.renderMs.length);
      return { renders: s.renders, lost: s.renders - last - n, fresh: s.renderMs.slice(s.renderMs.length - n) };
    }, this.lastRenders);
    this.lastRenders = r.renders;
    this.unread += r.lost;
    for (const ms of r.fresh) this.renderMs.push(ms);
  }

  /** Forces a full GC and records the used JS heap. */
  async heapSample(): Promise<void> {
    const before = await this.page.evaluate(() => performance.now());
    await this.cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await this.cdp.send('Runtime.getHeapUsage');
    const after = await this.page.evaluate(() => performance.now());
    this.gcWindows.push([before, after]);
    this.heap.push({ atSec: (Date.now() - this.t0) / 1000, usedBytes: usedSize });
  }

  /** Ends the window: last poll and heap reading, long tasks and CPU time since start. */
  async finish(): Promise<ProbeResult> {
    await this.poll();
    const seconds = (Date.now() - this.t0) / 1000;
    const end = await this.page.evaluate(() => ({ stats: window.__mia.stats(), tasks: window.__miaLongTasks ?? [] }));
    const m = await this.metrics();
    await this.heapSample();
    const own = (t: LongTask): boolean => this.gcWindows.some(([a, b]) => t.start < b && t.start + t.duration > a);
    const d = (k: string): number => (m[k] ?? 0) - (this.metrics0[k] ?? 0);
    return {
      seconds,
      snapshots: end.stats.snapshots - this.snapshots0,
      renders: end.stats.renders - this.renders0,
      rendersUnread: this.unread,
      renderMs: this.renderMs,
      heap: this.heap,
      longTasks: end.tasks.filter((t) => t.start >= this.pageT0 && !own(t)),
      mainThreadSec: d('TaskDuration'),
      scriptSec: d('ScriptDuration'),
      layoutSec: d('LayoutDuration') + d('RecalcStyleDuration'),
    };
  }

  private async metrics(): Promise<Record<string, number>> {
    const { metrics } = await this.cdp.send('Performance.getMetrics');
    return Object.fromEntries(metrics.map((x) => [x.name, x.value]));
  }
}

/** The q-quantile (0 to 1) of `xs` by nearest rank; NaN for none. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/** Least-squares slope of the heap samples, bytes per minute; NaN with fewer than 3 samples. */
export function heapSlopePerMin(heap: readonly HeapSample[]): number {
  if (heap.length < 3) return Number.NaN;
  const n = heap.length;
  const mx = heap.reduce((a, h) => a + h.atSec, 0) / n;
  const my = heap.reduce((a, h) => a + h.usedBytes, 0) / n;
  let num = 0;
  let den = 0;
  for (const h of heap) {
    num += (h.atSec - mx) * (h.usedBytes - my);
    den += (h.atSec - mx) ** 2;
  }
  return (num / den) * 60;
}
