// Writes docs/img/dashboard.png, the README's picture of the dashboard: the real ESH4 hour replayed by
// `mia serve`, the page in Chromium at 1600×1000 once the hour is over. Run by hand, never by the tests (CI
// never writes into the repository):
//
//   npm run build && node --import tsx test/web/capture-screenshot.ts
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';
import { ESH4_FILE, launchChromium, openDashboard, replayFinished, Servers, waitReady } from './browser-harness.js';

const out = fileURLToPath(new URL('../../docs/img/dashboard.png', import.meta.url));
if (!HAVE_DATA) throw new Error('the ESH4 file is needed: set MIA_DATA_DIR');

const servers = new Servers();
const browser = await launchChromium();
try {
  const s = await servers.start(['--source', 'replay', '--input', dataFile(ESH4_FILE), '--speed', 'max', '--wait-subscribers', '1']);
  const { page, errors } = await openDashboard(browser, s.port);
  await waitReady(page);
  await replayFinished(s.port);
  await page.waitForFunction(() => window.__mia.candles().length === 60, undefined, { timeout: 30_000 });
  // The health view polls /health every 3 s: wait for a poll after the end so it shows the finished replay.
  await page.waitForTimeout(3500);
  if (errors.length > 0) throw new Error(`the page threw: ${errors.join('\n')}`);
  mkdirSync(fileURLToPath(new URL('../../docs/img/', import.meta.url)), { recursive: true });
  await page.screenshot({ path: out, fullPage: true });
  process.stdout.write(`wrote ${out}\n`);
} finally {
  await browser.close();
  await servers.stopAll();
}
