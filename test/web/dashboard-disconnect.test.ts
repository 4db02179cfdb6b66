// The dashboard's health banner on a live IB source: `mia serve --source ib` against the TWS test server
// (scripts/tws-test-server.ts, as test/ib/serve-ib.test.ts runs it). Stopping the test server is a gateway gone
// away: the engine flags Disconnected at once and the banner shows it; a server back on the same port is a
// gateway restart: the engine reconnects, backfills the gap, and the banner clears.
import type { ChildProcess } from 'node:child_process';
import { startTwsScript, stopTwsScript } from '../ib/tws-script.js';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { freePort, HAVE_BROWSER, launchChromium, openDashboard, Servers, waitReady } from './browser-harness.js';

const servers = new Servers();
const tws: ChildProcess[] = [];
let browser: Browser;

beforeAll(async () => {
  if (HAVE_BROWSER) browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await servers.stopAll();
  for (const p of tws) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

/** What the banner shows: the page's list and the element's own state and text. */
function banner(page: Page) {
  return page.evaluate(() => {
    const el = document.getElementById('health-banner')!;
    return { flags: window.__mia.banner(), visible: !el.hidden && el.getBoundingClientRect().height > 0, text: el.textContent ?? '' };
  });
}

describe.skipIf(!HAVE_BROWSER)('the dashboard\'s health banner on mia serve --source ib, in Chromium', () => {
  test('the TWS test server stopped: the banner shows Disconnected; started again on its port: Disconnected clears from the banner', async () => {
    const port = await freePort();
    let server = await startTwsScript(port, { track: tws });
    const s = await servers.start(['--source', 'ib', '--ib-port', String(port), '--ib-client-id', '5', '--symbols', 'ES,NQ', '--interval-ms', '50']);
    const { page, errors } = await openDashboard(browser, s.port);
    await waitReady(page);
    // Connected and backfilled: no health flag. IB reports no aggressor, so the page's banner keeps its
    // SidesInferred line (web/src/health-view.ts BANNER_FLAGS); that line is the banner's resting state here.
    const resting = { flags: ['SidesInferred'], visible: true };
    await vi.waitFor(async () => expect(await banner(page)).toMatchObject(resting), { timeout: 30_000, interval: 100 });

    await stopTwsScript(server);
    await vi.waitFor(async () => {
      const b = await banner(page);
      expect(b.flags).toContain('Disconnected');
      expect(b.visible).toBe(true);
      expect(b.text).toContain('Disconnected');
    }, { timeout: 30_000, interval: 100 });

    server = await startTwsScript(port, { track: tws });
    // Reconnected and the gap backfilled: Disconnected (and Gap) gone, the banner back to its resting state.
    await vi.waitFor(async () => {
      const b = await banner(page);
      expect(b).toMatchObject(resting);
      expect(b.text).not.toContain('Disconnected');
    }, { timeout: 45_000, interval: 100 });
    expect(errors).toEqual([]);
    await page.close();
    await stopTwsScript(server);
  }, 120_000);
});
