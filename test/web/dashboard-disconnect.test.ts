// The dashboard's health banner on a live IB source: `mia serve --source ib` against the TWS test server
// (scripts/tws-test-server.ts, as test/ib/serve-ib.test.ts runs it). Stopping the test server is a gateway gone
// away: the engine flags Disconnected at once and the banner shows it; a server back on the same port is a
// gateway restart: the engine reconnects, backfills the gap, and the banner clears.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { freePort, HAVE_BROWSER, launchChromium, openDashboard, Servers, waitReady } from './browser-harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
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

/** Starts the TWS test-server script on `port`; resolves once it listens. */
async function startTws(port: number): Promise<ChildProcess> {
  const p = spawn(process.execPath, ['--import', 'tsx', 'scripts/tws-test-server.ts', '--port', String(port), '--rate', '20'], { cwd: root, stdio: ['pipe', 'ignore', 'pipe'] });
  tws.push(p);
  await new Promise<void>((resolve, reject) => {
    let err = '';
    p.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('TWS test server on')) resolve();
    });
    p.on('exit', (c) => reject(new Error(`tws-test-server exited ${c}: ${err}`)));
  });
  return p;
}

/** Stops the test server as an operator would (SIGINT: it closes its sockets and exits). */
async function stopTws(p: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => p.once('exit', resolve));
  p.kill('SIGINT');
  await exited;
}

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
    let server = await startTws(port);
    const s = await servers.start(['--source', 'ib', '--ib-port', String(port), '--ib-client-id', '5', '--symbols', 'ES,NQ', '--interval-ms', '50']);
    const { page, errors } = await openDashboard(browser, s.port);
    await waitReady(page);
    // Connected and backfilled: no health flag. IB reports no aggressor, so the page's banner keeps its
    // SidesInferred line (web/src/health-view.ts BANNER_FLAGS); that line is the banner's resting state here.
    const resting = { flags: ['SidesInferred'], visible: true };
    await vi.waitFor(async () => expect(await banner(page)).toMatchObject(resting), { timeout: 30_000, interval: 100 });

    await stopTws(server);
    await vi.waitFor(async () => {
      const b = await banner(page);
      expect(b.flags).toContain('Disconnected');
      expect(b.visible).toBe(true);
      expect(b.text).toContain('Disconnected');
    }, { timeout: 30_000, interval: 100 });

    server = await startTws(port);
    // Reconnected and the gap backfilled: Disconnected (and Gap) gone, the banner back to its resting state.
    await vi.waitFor(async () => {
      const b = await banner(page);
      expect(b).toMatchObject(resting);
      expect(b.text).not.toContain('Disconnected');
    }, { timeout: 45_000, interval: 100 });
    expect(errors).toEqual([]);
    await page.close();
    await stopTws(server);
  }, 120_000);
});
