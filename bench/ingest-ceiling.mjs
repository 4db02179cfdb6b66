// Ingest ceiling of `mia serve` for one symbol (issue 15's table): the simulator asked for 100 M trades/s, more than
// any engine keeps up with; trades/s from GET /health between 3 s and 13 s after the server listens, and the
// process's CPU over the same 10 s (all threads, from /proc) as cores used. Journal off: its writer is not the point.
// Usage: node bench/ingest-ceiling.mjs [--kernels pool|inline]  (needs `npm run build`; Linux, for /proc)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const extra = process.argv.slice(2);
const child = spawn(process.execPath, ['bin/mia.js', 'serve', '--source', 'sim', '--symbols', 'ES', '--sim-rate', '100000000', '--port', '0', ...extra],
  { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MIA_JOURNAL: 'off' } });
try {
  const port = await new Promise((resolve, reject) => {
    createInterface({ input: child.stderr }).on('line', (l) => {
      if (l.includes('Stream server listening')) resolve(JSON.parse(l).port);
    });
    child.on('exit', (code) => reject(new Error(`mia serve exited ${code} before listening`)));
  });
  /** CPU ticks (user + system, all threads) of the server so far; 100 a second per core. */
  const ticks = () => readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ').slice(11, 13).reduce((a, b) => a + Number(b), 0);
  const trades = async () => (await (await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(5000) })).json()).status.tradesTotal;
  await new Promise((r) => setTimeout(r, 3000));
  const t0 = performance.now(), n0 = await trades(), c0 = ticks();
  await new Promise((r) => setTimeout(r, 10000));
  const t1 = performance.now(), n1 = await trades(), c1 = ticks();
  const s = (t1 - t0) / 1000;
  process.stdout.write(JSON.stringify({ name: `ingest ceiling sim ES${extra.length ? ' ' + extra.join(' ') : ''}`, tradesPerSec: Math.round((n1 - n0) / s), cores: +((c1 - c0) / 100 / s).toFixed(2) }) + '\n');
} finally {
  child.kill('SIGTERM');
}
