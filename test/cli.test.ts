// The `mia` command as users run it: built JS (bin/mia.js), real files, exit codes and one-line errors.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { dataFile, HAVE_DATA } from './real-data/data-dir.js';

function mia(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/mia.js', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const lines = (s: string): Record<string, unknown>[] => s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe.skipIf(!HAVE_DATA)('mia features on the ESH4 files (acceptance)', () => {
  test('the trades CSV prints 60 one-minute bars; volumes sum to 9,892 and deltas to +796; the DBN file prints the same', () => {
    const csv = mia('features', '--input', dataFile('cme-esh4-mbo/esh4_20231225_trades.csv'), '--timeframe', '1m');
    expect(csv.status).toBe(0);
    const bars = lines(csv.stdout);
    expect(bars).toHaveLength(60);
    expect(bars.reduce((a, b) => a + (b.volume as number), 0)).toBe(9892);
    expect(bars.reduce((a, b) => a + (b.delta as number), 0)).toBe(796);
    expect(bars[0]).toMatchObject({ ts: '2023-12-25T23:00:00.000Z', open: 4800.25 });
    for (const k of ['ts', 'open', 'high', 'low', 'close', 'volume', 'trades', 'buyVolume', 'sellVolume', 'delta', 'cumDelta', 'barVwap', 'vwap', 'poc', 'vah', 'val']) {
      expect(bars[0]).toHaveProperty(k);
    }
    const dbn = mia('features', '--input', dataFile('cme-esh4-mbo/esh4-glbx-mdp3-20231225.mbo.dbn.zst'), '--timeframe', '1m');
    expect(dbn.status).toBe(0);
    expect(dbn.stdout).toBe(csv.stdout);
  });

  test('--footprint adds levels whose bid and ask sum to the bar', () => {
    const r = mia('features', '--input', dataFile('cme-esh4-mbo/esh4_20231225_trades.csv'), '--timeframe', '5m', '--footprint');
    const bars = lines(r.stdout) as { levels: { bid: number; ask: number }[]; buyVolume: number; sellVolume: number }[];
    expect(bars).toHaveLength(12);
    for (const b of bars) {
      expect(b.levels.reduce((a, l) => a + l.ask, 0)).toBe(b.buyVolume);
      expect(b.levels.reduce((a, l) => a + l.bid, 0)).toBe(b.sellVolume);
    }
  });
});

describe.skipIf(!HAVE_DATA)('mia features on the Kraken XBT/USDT trades (a market far from ES prices, trending through the day)', () => {
  test('--tick-size 0.1 prints a bar for every minute that traded, with Kraken\'s volume and taker-side delta, at decimal prices', () => {
    const raw = JSON.parse(readFileSync(dataFile('kraken-xbtusdt/kraken_xbtusdt_http_trades.json'), 'utf8')) as
      { result: { XBTUSDT: [string, string, number, 'b' | 's'][] } };
    const trades = raw.result.XBTUSDT;
    // Kraken's REST shape (price, volume, time in float seconds, taker side b/s) as the CSV the engine reads.
    const dir = mkdtempSync(join(tmpdir(), 'mia-kraken-'));
    const file = join(dir, 'xbtusdt.csv');
    writeFileSync(file, 'ts,price,size,side\n' + trades.map(([p, v, t, side]) => `${Math.round(t * 1e6) * 1000},${p},${v},${side === 'b' ? 'B' : 'S'}`).join('\n') + '\n');
    // Expected from Kraken's own rows: per minute, volume and buy − sell in units of 1e-8 (Kraken's 8 decimals).
    const unit = (v: string): number => Math.round(Number(v) * 1e8);
    const minutes = new Map<number, { volume: number; delta: number; trades: number }>();
    for (const [, v, t, side] of trades) {
      const m = Math.floor(t / 60) * 60_000;
      const e = minutes.get(m) ?? { volume: 0, delta: 0, trades: 0 };
      e.volume += unit(v);
      e.delta += side === 'b' ? unit(v) : -unit(v);
      e.trades++;
      minutes.set(m, e);
    }
    const r = mia('features', '--input', file, '--tick-size', '0.1', '--timeframe', '1m');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const bars = lines(r.stdout) as { ts: string; volume: number; delta: number; trades: number; poc: number; vah: number; val: number }[];
    expect(bars.map((b) => Date.parse(b.ts))).toEqual([...minutes.keys()]);
    for (const b of bars) {
      const e = minutes.get(Date.parse(b.ts))!;
      expect([Math.round(b.volume * 1e8), Math.round(b.delta * 1e8), b.trades], b.ts).toEqual([e.volume, e.delta, e.trades]);
      // A row's price is the decimal (105899.4), never the binary product row × 0.1 (105899.40000000001).
      for (const p of [b.poc, b.vah, b.val]) expect(String(p), b.ts).toMatch(/^\d+(\.\d)?$/);
    }
  });
});

describe('mia features errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mia-cli-'));
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, 'ts_event_ns,price,size,side\n1703545200000000000,4800.25,3,B\n1703545200000000001,4800.50,two,A\n1703545200000000002,4800.50,1,A\n');

  test('a malformed row: one line naming file and row, exit code 1', () => {
    const r = mia('features', '--input', bad);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${bad}: row 3: size "two"`);
    expect(r.stderr).toContain('MIA_ERR_BAD_SIZE');
  });

  test('--skip-bad skips and reports the count at the end', () => {
    const r = mia('features', '--input', bad, '--skip-bad');
    expect(r.status).toBe(0);
    expect(lines(r.stdout)[0]).toMatchObject({ volume: 4, buyVolume: 3, sellVolume: 1 });
    expect(r.stderr).toContain('skipped 1 bad rows (MIA_ERR_BAD_SIZE: 1)');
  });

  test('a missing file and a bad argument are coded errors, not stack traces', () => {
    const missing = mia('features', '--input', join(dir, 'nope.csv'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('MIA_ERR_INPUT_UNREADABLE');
    const arg = mia('features', '--input', bad, '--value-area-method', 'median');
    expect(arg.status).toBe(1);
    expect(arg.stderr).toContain('MIA_ERR_BAD_ARGUMENT');
  });
});

test('mia run: the simulated engine streams ES and NQ bars and stops cleanly', () => {
  const r = mia('run', '--duration-sec', '3', '--speed', '120');
  expect(r.status).toBe(0);
  const bars = lines(r.stdout);
  expect(new Set(bars.map((b) => b.symbol))).toEqual(new Set(['ES', 'NQ']));
  expect(bars.some((b) => b.timeframe === '1m' && (b.volume as number) > 0)).toBe(true);
  expect(r.stderr).toContain('Engine stopped');
});

describe('mia usage errors: the usage, then one coded line, exit code 2', () => {
  const last = (s: string): string => s.trim().split('\n').at(-1)!;

  test('an unknown command prints the command list and a suggestion', () => {
    const r = mia('fetures');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage: mia [options] [command]');
    expect(last(r.stderr)).toBe('mia: unknown command "fetures"; did you mean features? (MIA_ERR_BAD_ARGUMENT)');
  });

  test('an unknown option prints that command\'s usage, even when it hides a required option', () => {
    const r = mia('features', '--inptu', 'x.csv');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Usage: mia features [options]');
    expect(last(r.stderr)).toBe('mia: unknown option "--inptu"; did you mean --input? (MIA_ERR_BAD_ARGUMENT)');
  });

  test('mia alone prints the command list', () => {
    const r = mia();
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Commands:');
    expect(last(r.stderr)).toBe('mia: no command given (MIA_ERR_BAD_ARGUMENT)');
  });

  test('--help is not an error: exit 0, help on stdout, with the exit codes', () => {
    const top = mia('--help');
    expect(top.status).toBe(0);
    expect(top.stdout).toContain('Exit codes:');
    expect(top.stderr).toBe('');
    const features = mia('features', '--help');
    expect(features.status).toBe(0);
    expect(features.stdout).toContain('--tick-size <price>');
  });
});

describe('mia features, serve and train on a file named after an ES contract (no symbol column)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mia-cli-es-'));
  const es = join(dir, 'esh4_fixture.csv');
  writeFileSync(es, 'ts_event_ns,price,size,side\n1703545200000000000,4800.25,3,B\n1703545260000000000,4800.50,1,A\n1703545320000000000,4800.75,2,B\n');
  const crypto = join(dir, 'xbtusdt.csv');
  writeFileSync(crypto, 'ts,price,size,side\n1703545200000000000,42000.1,0.5,B\n1703545260000000000,42000.3,0.25,S\n');
  const tickRefused = /^mia: --tick-size 0\.[13] does not fit "esh4_fixture" \(ES\): ES moves in ticks of 0\.25, .* \(MIA_ERR_BAD_ARGUMENT\)\n$/;

  test('--tick-size off the ES tick is refused by features, serve --source replay and train; 0.5 is a coarser row and runs', () => {
    const features = mia('features', '--input', es, '--tick-size', '0.1');
    expect(features.status).toBe(1);
    expect(features.stderr).toMatch(tickRefused);
    const serve = mia('serve', '--source', 'replay', '--input', es, '--tick-size', '0.3', '--port', '0', '--threads', '1');
    expect(serve.status).toBe(1);
    expect(serve.stderr.trim().split('\n').at(-1) + '\n').toMatch(tickRefused);
    const train = mia('train', '--input', es, '--out', join(dir, 'models'), '--tick-size', '0.1', '--no-progress');
    expect(train.status).toBe(1);
    expect(train.stderr).toMatch(tickRefused);
    const coarse = mia('features', '--input', es, '--tick-size', '0.5');
    expect(coarse.stderr).toBe('');
    expect(coarse.status).toBe(0);
  });

  test('an instrument without a contract spec takes any tick size', () => {
    const r = mia('features', '--input', crypto, '--tick-size', '0.1');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  test('--symbol must be the name the file is known by: ESH4 runs, NQ is UNKNOWN_SYMBOL', () => {
    expect(mia('features', '--input', es, '--symbol', 'ESH4').status).toBe(0);
    const r = mia('features', '--input', es, '--symbol', 'NQ');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`mia: ${es}: the file has no symbol column, so it holds one instrument, known by its file name as "ESH4"; ` +
      '--symbol "NQ" is not that name (leave --symbol out, or give "ESH4") (MIA_ERR_UNKNOWN_SYMBOL)\n');
  });

  test('a header without a price column: one line naming the file, the columns found and the ones needed', () => {
    const bad = join(dir, 'no-price.csv');
    writeFileSync(bad, 'ts,qty,side\n1703545200000000000,1,B\n');
    const r = mia('features', '--input', bad);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`mia: ${bad}: the header has no price column (found: ts, qty, side); a trade file needs a timestamp`);
    expect(r.stderr).toContain('(MIA_ERR_BAD_HEADER)');
  });
});

test('scripts/tws-test-server.ts --help: its options and stdin commands on stdout, exit 0', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/tws-test-server.ts', '--help'], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('Usage: tws-test-server [options]');
  for (const s of ['--port <n>', '--rate <n>', 'drop', 'refuse [s]', 'noticks [n]']) expect(r.stdout).toContain(s);
});
