// The dashboard's health banner shows the engine's active alerts, in Chromium: `mia serve` replays the real ESH4
// hour with a latency rule forced to fire (a p99 limit of 1 ns over a 15 s window); the page's own subscription
// starts the replay, the alert is raised, the banner lists it; once the window holds no snapshot (the replay is
// over) the alert resolves and leaves the banner.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';
import { ESH4_FILE, HAVE_BROWSER, launchChromium, openDashboard, Servers, waitReady } from './browser-harness.js';

const servers = new Servers();
let browser: Browser;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mia-dashboard-alerts-'));
  if (HAVE_DATA && HAVE_BROWSER) browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await servers.stopAll();
  await rm(dir, { recursive: true, force: true });
});

/** The banner as the page reports it and as it is drawn. */
function banner(page: Page) {
  return page.evaluate(() => {
    const el = document.getElementById('health-banner')!;
    return { alerts: window.__mia.bannerAlerts(), all: window.__mia.alerts(), visible: !el.hidden && el.getBoundingClientRect().height > 0, text: el.textContent ?? '' };
  });
}

describe.skipIf(!HAVE_DATA || !HAVE_BROWSER)('the dashboard\'s banner shows active alerts, in Chromium', () => {
  test('a latency alert raised during the ESH4 replay is in the banner; resolved, it leaves', async () => {
    const rules = join(dir, 'alerts.json');
    await writeFile(rules, JSON.stringify({ evaluateMs: 200, rules: { latency: { p99Ms: 0.000001, forMs: 0, windowMs: 15_000, clearMs: 0 } } }));
    const s = await servers.start(['--source', 'replay', '--input', dataFile(ESH4_FILE), '--speed', 'max', '--wait-subscribers', '1', '--alerts', rules]);
    const { page, errors } = await openDashboard(browser, s.port);
    await waitReady(page);
    await vi.waitFor(async () => {
      const b = await banner(page);
      expect(b.alerts).toEqual(['latency']);
      expect(b.visible).toBe(true);
      expect(b.text).toContain('Alert warning: tick → published p99');
    }, { timeout: 30_000, interval: 100 });
    await vi.waitFor(async () => {
      const b = await banner(page);
      expect(b.alerts).toEqual([]);
      expect(b.all).toEqual([]);
      expect(b.text).not.toContain('Alert');
    }, { timeout: 45_000, interval: 200 });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
