// A dashboard opened in the middle of a paced replay: it loads the bars closed so far from GET /bars, follows the
// rest live, and at the end shows every bar of the hour once, no gap and no duplicate at the history/live seam.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { Browser } from 'playwright-core';
import type { BarMessage } from '../../src/protocol/messages.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';
import { connect, until } from '../stream/serve-harness.js';
import {
  barTime, candlesOf, ESH4_FILE, features, HAVE_BROWSER, launchChromium, openDashboard, replayFinished, Servers, waitReady,
} from './browser-harness.js';

const servers = new Servers();
let browser: Browser;

beforeAll(async () => {
  if (HAVE_DATA && HAVE_BROWSER) browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await servers.stopAll();
});

describe.skipIf(!HAVE_DATA || !HAVE_BROWSER)('the dashboard opened mid-replay, in Chromium', () => {
  test('opened after 10 of 60 bars closed (--speed 150), it ends with every 1m bar once, equal to mia features', async () => {
    const file = dataFile(ESH4_FILE);
    const reference = features(file, '1m');
    expect(reference).toHaveLength(60);
    // 150 file seconds a wall second: a bar closes every 400 ms, the hour takes 24 s (room for a slow page load
    // on a loaded CI machine before the hour is over).
    const s = await servers.start(['--source', 'replay', '--input', file, '--speed', '150', '--wait-subscribers', '1']);
    // A client of its own starts the replay and counts closed bars, so the page arrives mid-hour.
    const pacer = await connect(s.port, 'json', ['status', 'bar.ES.1m']);
    const closed = (): number => pacer.messages.filter((m): m is BarMessage => m.type === 'bar').length;
    await until(() => closed() >= 10);

    const { page, errors } = await openDashboard(browser, s.port);
    await waitReady(page);
    // History and stream both contribute: the page was ready before the hour was over.
    const atReady = await page.evaluate(() => window.__mia.candles().length);
    const closedAtReady = closed();
    expect(atReady).toBeGreaterThanOrEqual(10);
    expect(closedAtReady).toBeLessThan(60);

    await replayFinished(s.port);
    await vi.waitFor(async () => {
      const { candles, volumes } = await page.evaluate(() => ({ candles: window.__mia.candles(), volumes: window.__mia.volumes() }));
      expect(candles).toEqual(candlesOf(reference));
      expect(volumes).toEqual(reference.map((b) => ({ time: barTime(b), value: b.volume })));
    }, { timeout: 30_000, interval: 100 });
    expect(errors).toEqual([]);
    pacer.ws.close();
    await page.close();
  }, 120_000);
});
