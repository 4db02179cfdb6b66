// Screenshots of every view of the dashboard on the real ESH4 hour, written to a temporary folder and decoded:
// none is blank, and the charts hold the colours of what they draw (candles, VWAP, POC, value area). The same
// checks fail on a solid image and on the charts of a page that has no data yet. MIA_KEEP_SCREENSHOTS=1 keeps
// the folder (its path is printed) to look at; otherwise it is removed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { COLORS } from '../../web/src/config.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';
import { ESH4_FILE, HAVE_BROWSER, launchChromium, openDashboard, replayFinished, Servers, waitReady } from './browser-harness.js';
import { decodePng, ink, pixelsOf, type Pixels } from './png.js';

const servers = new Servers();
const dir = mkdtempSync(join(tmpdir(), 'mia-dashboard-'));
let browser: Browser;

beforeAll(async () => {
  if (HAVE_DATA && HAVE_BROWSER) browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await servers.stopAll();
  if (process.env.MIA_KEEP_SCREENSHOTS === '1') process.stderr.write(`dashboard screenshots kept in ${dir}\n`);
  else rmSync(dir, { recursive: true, force: true });
});

type ColourName = keyof typeof COLORS;

/** The views, and for the charts the colours of the marks they draw (solid fills, so exact pixels). */
const VIEWS: Record<string, ColourName[]> = {
  'view-price': ['up', 'down', 'vwap', 'poc'],
  'view-footprint': ['up', 'down'],
  'view-profile': ['poc', 'valueArea'],
  'view-decisions': [],
  'view-risk': [],
  'view-health': [],
};

/** Pixels a mark needs to count as drawn: a few candle bodies or a level line across a chart. */
const MARK_PIXELS = 100;

/** Not blank: more than a handful of colours, and at least 1 % of the pixels off the background. */
function blank(p: Pixels): boolean {
  const i = ink(p);
  return i.colours < 16 || i.inked < 0.01;
}

/** The marks of `colours` with fewer than MARK_PIXELS pixels in the image. */
function missingMarks(p: Pixels, colours: ColourName[]): ColourName[] {
  return colours.filter((c) => pixelsOf(p, COLORS[c]) < MARK_PIXELS);
}

/** Screenshots the element `#id` to DIR/PREFIX-ID.png and decodes the file written. */
async function shoot(page: Page, id: string, prefix: string): Promise<Pixels> {
  const path = join(dir, `${prefix}-${id}.png`);
  await page.locator(`#${id}`).screenshot({ path });
  return decodePng(readFileSync(path));
}

describe.skipIf(!HAVE_DATA || !HAVE_BROWSER)('screenshots of the dashboard\'s views, in Chromium', () => {
  const file = dataFile(ESH4_FILE);

  test('the check fails on a solid image and on the charts of a page with no data yet', async () => {
    const page = await browser.newPage();
    await page.setContent(`<div id="solid" style="width:400px;height:300px;background:${COLORS.background}"></div>`);
    const solid = await shoot(page, 'solid', 'control');
    expect(ink(solid)).toMatchObject({ colours: 1, inked: 0 });
    expect(blank(solid)).toBe(true);
    await page.close();

    // Two subscribers needed: the page alone never starts the replay, so its charts stay empty.
    const s = await servers.start(['--source', 'replay', '--input', file, '--speed', 'max', '--wait-subscribers', '2']);
    const { page: empty } = await openDashboard(browser, s.port);
    await empty.waitForSelector('#view-price canvas');
    await empty.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(await empty.evaluate(() => window.__mia.ready())).toBe(false);
    for (const [id, colours] of Object.entries(VIEWS)) {
      if (colours.length === 0) continue;
      const p = await shoot(empty, id, 'empty');
      expect(missingMarks(p, colours), id).toEqual(colours);
    }
    await empty.close();
  });

  test('every view of the ESH4 hour is drawn: none blank, the charts with their candles, VWAP, POC and value area', async () => {
    const s = await servers.start(['--source', 'replay', '--input', file, '--speed', 'max', '--wait-subscribers', '1']);
    const { page, errors } = await openDashboard(browser, s.port);
    await waitReady(page);
    await replayFinished(s.port);
    await vi.waitFor(async () => expect(await page.evaluate(() => window.__mia.candles().length)).toBe(60), { timeout: 30_000, interval: 100 });
    // Let the last render reach the screen.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const found: Record<string, { blank: boolean; missing: ColourName[] }> = {};
    for (const [id, colours] of Object.entries(VIEWS)) {
      const p = await shoot(page, id, 'esh4');
      expect(p.width * p.height, id).toBeGreaterThan(100 * 100);
      found[id] = { blank: blank(p), missing: missingMarks(p, colours) };
    }
    expect(found).toEqual(Object.fromEntries(Object.keys(VIEWS).map((id) => [id, { blank: false, missing: [] }])));
    const full = join(dir, 'esh4-page.png');
    await page.screenshot({ path: full, fullPage: true });
    expect(blank(decodePng(readFileSync(full)))).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });
});
