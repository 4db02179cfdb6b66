// The backtest's output folder and files: a path that cannot be created fails at once with a coded error (the
// built CLI, as users run it, under a timeout so a hang fails instead of stalling the suite), a write that fails
// later names its file, and trades.parquet holds Parquet nanosecond timestamps equal to the CSV's times
// (read back with DuckDB). Trades from the real ESH4 file (Databento, ../shared/data).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeBacktestOutputs } from '../../src/backtest/backtest-output.js';
import { verifyOutputFolder } from '../../src/common/atomic-output.js';
import { runBacktest, type BacktestOptions, type BacktestResult } from '../../src/backtest/backtest-runner.js';
import { DEFAULT_BATTLE_NAVALE_CONFIG } from '../../src/signals/battle-navale.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const input = dataFile('cme-esh4-mbo/esh4_20231225_trades.csv');
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'mia-backtest-out-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** A regular file in the scratch folder, made now (tests run shuffled: each makes its own). */
async function regularFile(name: string): Promise<string> {
  const file = join(scratch, name);
  await writeFile(file, '');
  return file;
}

/** Runs `node bin/mia.js ARGS`, killed after 20 s (a hang then shows as a null exit code, not a stuck test). */
function mia(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = execFile(process.execPath, ['bin/mia.js', ...args], { cwd: root, timeout: 20_000 }, (_e, _out, stderr) => {
      resolve({ code: p.exitCode, stderr });
    });
  });
}

/** Nanoseconds since the epoch of a CSV time, `2023-12-25T23:00:00.123456789Z` or `…00.123Z`. */
function isoToNs(iso: string): bigint {
  const [whole, frac = ''] = iso.replace(/Z$/, '').split('.');
  return BigInt(Date.parse(`${whole}Z`)) * 1_000_000n + BigInt(frac.padEnd(9, '0'));
}

describe.skipIf(!HAVE_DATA)('mia backtest --out that cannot be created', () => {
  const cases: Array<[string, () => Promise<string>]> = [
    // procfs answers ENOENT under /proc: Node's recursive mkdir retried it for ever.
    ...(existsSync('/proc/self') ? [['/proc/x, a folder procfs will not hold', async () => '/proc/x'] as [string, () => Promise<string>]] : []),
    ['a folder under a regular file', async () => join(await regularFile('a-file'), 'sub')],
  ];

  test.each(cases)('%s: one coded line on stderr, exit 1 (mia train as well)', async (_name, out) => {
    const r = await mia(['backtest', '--input', input, '--out', await out(), '--no-progress']);
    const t = await mia(['train', '--input', input, '--out', await out(), '--no-progress']);
    expect(t.code).toBe(1);
    expect(t.stderr).toMatch(/^[^\n]*\(MIA_ERR_OUTPUT_UNWRITABLE\)\n$/);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/\(MIA_ERR_OUTPUT_UNWRITABLE\)$/);
  }, 30_000);

  test('the folder is checked before the input is read', async () => {
    const r = await mia(['backtest', '--input', join(scratch, 'no-such-input.csv'), '--out', join(await regularFile('another-file'), 'sub'), '--no-progress']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\(MIA_ERR_OUTPUT_UNWRITABLE\)\n$/);
  }, 30_000);
});

describe.skipIf(!HAVE_DATA)('backtest files on the ESH4 trades (Databento)', () => {
  const bn = DEFAULT_BATTLE_NAVALE_CONFIG;
  // The brackets and thresholds of test/backtest/backtest-real-data.test.ts: trades happen in the quiet hour.
  const options: BacktestOptions = {
    input, startingBalance: 25_000, winProbability: 0.5,
    risk: { stop: { kind: 'ticks', ticks: 2 }, target: { kind: 'ticks', ticks: 3 } },
    signals: { battleNavale: { ...bn, longThreshold: 0.1, shortThreshold: -0.1, minConfidence: 0.5 } },
  };
  let result: BacktestResult;
  beforeAll(async () => {
    result = await runBacktest(options);
  });

  test('trades.parquet stores entry, exit and signal times as Parquet nanosecond timestamps equal to the CSV times', async () => {
    const out = join(scratch, 'parquet');
    const files = await writeBacktestOutputs(out, options, result, null);
    expect(files.parquet).toBe(join(out, 'trades.parquet'));
    // The files and their completion marker, nothing else (no write check, no staging folder beside it).
    expect((await readdir(out)).sort()).toEqual(['_COMPLETE', 'metrics.json', 'trades.csv', 'trades.parquet']);
    expect((await verifyOutputFolder(out)).ok).toBe(true);
    expect((await readdir(scratch)).filter((n) => n.startsWith('.mia-'))).toEqual([]);
    const csv = (await readFile(files.trades, 'utf8')).trim().split('\n');
    const header = csv[0]!.split(',');
    const rows = csv.slice(1).map((l) => l.split(','));
    expect(rows.length).toBeGreaterThan(2);

    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const path = `'${files.parquet!.replace(/'/g, "''")}'`;
      const types = Object.fromEntries((await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${path})`)).getRowObjectsJson()
        .map((r) => [r.column_name as string, r.column_type as string]));
      const times = ['entry_time', 'exit_time', 'signal_time'];
      for (const c of times) expect(types[c], c).toBe('TIMESTAMP_NS');
      expect(types).toMatchObject({ trade_id: 'BIGINT', symbol: 'VARCHAR', entry_price: 'DOUBLE', qty: 'BIGINT' });
      // In the file itself, not only as DuckDB reads it: INT64 with the NANOS unit (DuckDB writes no zone flag).
      const schema = (await conn.runAndReadAll(`SELECT name, type, logical_type FROM parquet_schema(${path})`)).getRowObjectsJson();
      for (const c of times) {
        const s = schema.find((r) => r.name === c)!;
        expect(s.type).toBe('INT64');
        expect(String(s.logical_type)).toMatch(/TimestampType\(.*NANOS=NanoSeconds/);
      }
      const read = (await conn.runAndReadAll(
        `SELECT ${times.map((c) => `CAST(epoch_ns(${c}) AS VARCHAR) AS ${c}`).join(', ')} FROM read_parquet(${path}) ORDER BY trade_id`,
      )).getRowObjectsJson();
      expect(read).toHaveLength(rows.length);
      const byId = [...result.trades].sort((a, b) => a.tradeId - b.tradeId);
      read.forEach((r, i) => {
        for (const c of times) expect(BigInt(r[c] as string), `${c} of row ${i + 1}`).toBe(isoToNs(rows[i]![header.indexOf(c)]!));
        expect(BigInt(r.entry_time as string)).toBe(byId[i]!.trip.entryNs);
        expect(BigInt(r.exit_time as string)).toBe(byId[i]!.trip.exitNs);
      });
      // The tape has sub-millisecond times: the file keeps them.
      expect(read.some((r) => BigInt(r.entry_time as string) % 1_000_000n !== 0n)).toBe(true);
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });

  test('a folder holding anything but a previous output is refused, named, and left as it was', async () => {
    const out = join(scratch, 'blocked');
    // A folder where metrics.json should go, and a file of the user's: neither is an output of mia backtest.
    await mkdir(join(out, 'metrics.json'), { recursive: true });
    await writeFile(join(out, 'notes.txt'), 'mine');
    const failed = writeBacktestOutputs(out, options, result, null);
    await expect(failed).rejects.toMatchObject({ code: 'MIA_ERR_OUTPUT_UNWRITABLE', details: { file: out } });
    await expect(failed).rejects.toThrow(/not an output of mia backtest \(metrics\.json, notes\.txt\)/);
    expect((await readdir(out)).sort()).toEqual(['metrics.json', 'notes.txt']);
  });

  test('a previous output is replaced whole by the next run', async () => {
    const out = join(scratch, 'replaced');
    await writeBacktestOutputs(out, options, result, null);
    const before = await readFile(join(out, 'metrics.json'), 'utf8');
    const other = { ...result, trades: result.trades.slice(0, 1) };
    await writeBacktestOutputs(out, options, other, null);
    expect(await readFile(join(out, 'metrics.json'), 'utf8')).toBe(before); // metrics hold the run's result, not its trades list
    expect((await readFile(join(out, 'trades.csv'), 'utf8')).trim().split('\n')).toHaveLength(2);
    expect((await verifyOutputFolder(out)).ok).toBe(true);
  });
});
