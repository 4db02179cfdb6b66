// What a trader sees on the dashboard, in Chromium, on the real ESH4 hour replayed by `mia serve` and started by
// the page's own subscription: the candles, volumes, deltas and footprint cells are what `mia features
// --footprint` prints for the file, and the session levels shown are the server's last snapshot.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { DecisionMessage, RiskMessage, SnapshotMessage } from '../../src/protocol/messages.js';
import { connect, until } from '../stream/serve-harness.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';
import {
  barTime, candlesOf, ESH4_FILE, features, footprintOf, getJson, HAVE_BROWSER, launchChromium, openDashboard,
  replayFinished, Servers, waitReady, type FeatureBar,
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

/** The page's bars of the selection, read through __mia. */
function shown(page: Page) {
  return page.evaluate(() => ({
    selection: window.__mia.selection(),
    candles: window.__mia.candles(),
    volumes: window.__mia.volumes(),
    deltas: window.__mia.deltas(),
  }));
}

/** Asserts the page shows exactly `reference` (candles, volumes, deltas) for `timeframe`, retrying until it does. */
async function expectBars(page: Page, timeframe: string, reference: FeatureBar[]): Promise<void> {
  await vi.waitFor(async () => {
    expect(await shown(page)).toEqual({
      selection: { symbol: 'ES', timeframe },
      candles: candlesOf(reference),
      volumes: reference.map((b) => ({ time: barTime(b), value: b.volume })),
      deltas: reference.map((b) => ({ time: barTime(b), value: b.delta })),
    });
  }, { timeout: 30_000, interval: 100 });
}

/** Every bar's footprint rows, bid and ask per price, equal the reference's levels. */
async function expectFootprints(page: Page, reference: FeatureBar[]): Promise<void> {
  const times = reference.map(barTime);
  const rows = await page.evaluate((ts) => ts.map((t) => window.__mia.footprint(t)?.slice().sort((a, b) => a.price - b.price)), times);
  expect(rows).toEqual(reference.map(footprintOf));
  // The file's bars have footprints: the comparison is not of empty lists.
  expect(Math.min(...rows.map((r) => r?.length ?? 0))).toBeGreaterThan(0);
}

/** The session levels shown equal the session fields of the 1m frame of GET /snapshot/ES, once both are final. */
async function expectSessionLevels(page: Page, port: number): Promise<void> {
  const snapshot = await getJson<SnapshotMessage>(port, '/snapshot/ES');
  const { poc, vah, val, vwap } = snapshot.frames.find((f) => f.timeframe === '1m')!.session;
  expect(poc).toBeGreaterThan(0);
  await vi.waitFor(async () => {
    expect(await page.evaluate(() => window.__mia.sessionLevels())).toEqual({ poc, vah, val, vwap });
  }, { timeout: 15_000, interval: 100 });
}

/** The symbol selector's options: value → whether it can be chosen. */
function symbolOptions(page: Page): Promise<Record<string, boolean>> {
  return page.evaluate(() => Object.fromEntries(Array.from(document.querySelectorAll<HTMLOptionElement>('#symbol-select option')).map((o) => [o.value, !o.disabled])));
}

describe.skipIf(!HAVE_DATA || !HAVE_BROWSER)('the dashboard on the real ESH4 hour, in Chromium', () => {
  const file = dataFile(ESH4_FILE);

  test('ES 1m: 60 candles, volumes, deltas and every bar\'s footprint equal mia features; POC, VAH, VAL, VWAP equal /snapshot/ES', async () => {
    const reference = features(file, '1m');
    expect(reference).toHaveLength(60);
    const s = await servers.start(['--source', 'replay', '--input', file, '--speed', 'max', '--wait-subscribers', '1']);
    const { page, errors } = await openDashboard(browser, s.port);
    // The replay waits for a subscriber: the page's subscription is what starts it.
    await waitReady(page);
    await replayFinished(s.port);
    await expectBars(page, '1m', reference);
    await expectFootprints(page, reference);
    await expectSessionLevels(page, s.port);
    // The health panel's data quality is /health's score (polled every 3 s): every second clean, every side reported.
    const health = await getJson<{ symbols: { symbol: string; dataQuality: { score: number | null } }[] }>(s.port, '/health');
    const es = health.symbols.find((x) => x.symbol === 'ES')!.dataQuality.score!;
    expect(es).toBe(1);
    await vi.waitFor(async () => {
      expect(await page.locator('[data-health="quality"]').textContent()).toContain(`ES ${(es * 100).toFixed(1)} %`);
    }, { timeout: 10_000, interval: 200 });
    const stats = await page.evaluate(() => window.__mia.stats());
    expect(stats.snapshots).toBeGreaterThan(0);
    expect(stats.renders).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('ES 5m after select(\'ES\', \'5m\'): 12 candles, volumes, deltas and footprints equal mia features --timeframe 5m', async () => {
    const reference = features(file, '5m');
    expect(reference).toHaveLength(12);
    const s = await servers.start(['--source', 'replay', '--input', file, '--speed', 'max', '--wait-subscribers', '1']);
    const { page, errors } = await openDashboard(browser, s.port);
    await waitReady(page);
    await page.evaluate(() => window.__mia.select('ES', '5m'));
    expect(await page.evaluate(() => window.__mia.ready())).toBe(true);
    await replayFinished(s.port);
    await expectBars(page, '5m', reference);
    await expectFootprints(page, reference);
    await expectSessionLevels(page, s.port);
    // The selectors follow the selection; only what the engine publishes can be chosen.
    expect(await page.locator('#timeframe-select').inputValue()).toBe('5m');
    expect(await page.locator('#symbol-select').inputValue()).toBe('ES');
    expect(await symbolOptions(page)).toEqual({ ES: true, NQ: false, MES: false, MNQ: false });
    expect(errors).toEqual([]);
    await page.close();
  });

  test('a symbol the selector does not list (a replay published as XES): added once the engine names it, and its bars shown', async () => {
    const reference = features(file, '1m');
    const s = await servers.start(['--source', 'replay', '--input', file, '--symbols', 'XES', '--speed', 'max', '--wait-subscribers', '1']);
    const { page, errors } = await openDashboard(browser, s.port);
    await vi.waitFor(async () => {
      expect(await symbolOptions(page)).toEqual({ ES: false, NQ: false, MES: false, MNQ: false, XES: true });
    }, { timeout: 30_000, interval: 100 });
    await replayFinished(s.port);
    await page.evaluate(() => window.__mia.select('XES', '1m'));
    await vi.waitFor(async () => {
      expect(await page.evaluate(() => window.__mia.candles())).toEqual(candlesOf(reference));
    }, { timeout: 30_000, interval: 100 });
    expect(await page.locator('#symbol-select').inputValue()).toBe('XES');
    expect(errors).toEqual([]);
    await page.close();
  });

  test('decisions and risk: the last decision a bot received (timeframe directions, smart money) and the limits given to mia serve', async () => {
    // Two subscribers start the replay: a bot (the reference) and the page.
    const s = await servers.start(['--source', 'replay', '--input', file, '--speed', 'max', '--wait-subscribers', '2', '--daily-loss-limit', '750', '--max-position', '3']);
    const bot = await connect(s.port, 'binary', ['signal.ES', 'risk']);
    const { page, errors } = await openDashboard(browser, s.port);
    await waitReady(page);
    await replayFinished(s.port);
    const decisions = (): DecisionMessage[] => bot.messages.filter((m): m is DecisionMessage => m.type === 'signal');
    await until(() => decisions().length > 0 && bot.messages.some((m) => m.type === 'risk'));
    const last = decisions().at(-1)!;
    // An hour of 1m bars warms the 1m direction (EMA 21, ATR 14) but not the 5m one (12 bars): both cases are shown.
    expect(last.directions['1m']).not.toBeNull();
    expect(last.directions['5m']).toBeNull();
    const two = (v: number | null): string => (v === null ? 'warm-up' : (Math.abs(v) < 0.005 ? 0 : v).toFixed(2));
    await vi.waitFor(async () => {
      const cells = await page.evaluate(() => Object.fromEntries(Array.from(document.querySelectorAll<HTMLElement>('[data-direction]')).map((c) => [c.dataset.direction, c.textContent])));
      expect(cells).toEqual(Object.fromEntries(Object.entries(last.directions).map(([tf, v]) => [tf, two(v)])));
    }, { timeout: 15_000, interval: 100 });
    expect(last.smartMoney.score).not.toBeNull();
    const gauges = await page.evaluate(() => Object.fromEntries(Array.from(document.querySelectorAll<HTMLElement>('[data-smart-money]')).map((g) => [g.dataset.smartMoney, g.querySelector('.gauge-value')!.textContent])));
    const unknown = (k: string): string => (k === 'book' ? 'no quote' : 'warm-up');
    expect(gauges).toEqual(Object.fromEntries(Object.entries(last.smartMoney).map(([k, v]) => [k, v === null ? unknown(k) : two(v)])));
    const risk = bot.messages.filter((m): m is RiskMessage => m.type === 'risk').at(-1)!;
    expect(risk.limits).toEqual({ dailyLoss: 750, maxConsecutiveLosses: 5, maxPosition: 3, minBalance: 1000 });
    expect(await page.locator('#view-risk .risk-limits').textContent()).toBe('limits: daily loss $750.00, 5 losses in a row, 3 contracts per symbol, balance above $1,000.00');
    bot.ws.close();
    expect(errors).toEqual([]);
    await page.close();
  });
});
