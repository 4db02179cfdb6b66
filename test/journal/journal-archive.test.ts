// `mia journal archive`: rows older than the age move to day-partitioned Parquet (read back equal to what was
// journaled), leave the journal, and the file shrinks; newer rows and the sessions stay.
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, test } from 'vitest';
import { verifyArchive } from '../../src/journal/archive-folder.js';
import { alertRow } from '../../src/journal/journal-rows.js';
import { JournalWriter } from '../../src/journal/journal-writer.js';
import { mia, rows } from './journal-harness.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('mia journal archive', () => {
  test('moves rows older than 30 days to <table>/date=<day>/ Parquet, deletes them and compacts the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mia-journal-archive-'));
    dirs.push(dir);
    const path = join(dir, 'j.duckdb');
    const w = await JournalWriter.open(path, { command: 'serve', startedMs: Date.now(), config: '{}', version: 'test', modelHashes: [], pid: 1, snapshotMs: 1000 },
      { maxQueueRows: 1_000_000 }, pino({ level: 'silent' }));
    // 30,000 alerts on two old days (25 and 26 December 2023, UTC), 10 from the last hour.
    const old = Date.UTC(2023, 11, 25, 12);
    for (let i = 0; i < 30_000; i++) {
      w.add('alerts', alertRow({ tsMs: old + i * 4_000, rule: 'p99', state: 'raised', severity: 'warning', message: `tick to published p99 over the limit, sample ${i}`, value: i, symbol: 'ES' }));
    }
    const recent = Date.now() - 3_600_000;
    for (let i = 0; i < 10; i++) w.add('alerts', alertRow({ tsMs: recent + i, rule: 'p99', state: 'resolved', severity: 'info', message: 'ok', value: i, symbol: null }));
    await w.close();
    const before = (await stat(path)).size;
    const days = await rows(path, "SELECT strftime(ts, '%Y-%m-%d') AS day, count(*) AS n FROM alerts WHERE ts < TIMESTAMP '2024-01-01' GROUP BY ALL ORDER BY day");
    expect(days.map((d) => d.day)).toEqual(['2023-12-25', '2023-12-26']);

    const out = join(dir, 'archive');
    const r = await mia(['journal', 'archive', '--journal', path, '--older-than', '30d', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/alerts 2023-12-25: /);
    expect((await readdir(join(out, 'alerts'))).sort()).toEqual(['date=2023-12-25', 'date=2023-12-26']);
    const q = (x: string): string => `'${x.replace(/'/g, "''")}'`;
    const archived = await rows(path, `SELECT date::VARCHAR AS day, count(*) AS n, sum(value) AS s FROM read_parquet(${q(join(out, 'alerts', '*', '*.parquet'))}, hive_partitioning = true) GROUP BY ALL ORDER BY day`);
    expect(archived.map((a) => [a.day, a.n])).toEqual(days.map((d) => [d.day, d.n]));
    expect(archived.reduce((s, a) => s + (a.s as number), 0)).toBe((30_000 * 29_999) / 2);
    expect(await rows(path, 'SELECT count(*) AS n, min(ts) >= now()::TIMESTAMP - INTERVAL 2 HOUR AS recent FROM alerts')).toEqual([{ n: 10, recent: true }]);
    expect((await rows(path, 'SELECT count(*) AS n FROM sessions'))[0]!.n).toBe(1);
    expect((await stat(path)).size).toBeLessThan(before);
    // The archive is whole: every part listed in _COMPLETE with its size and sha256, and nothing else.
    expect(await verifyArchive(out)).toBeUndefined();

    // A run killed while compacting leaves its copy and, killed mid-copy, the copy's WAL (pid 999999999: no process
    // has it): the next run removes both (a WAL once stayed for ever).
    await writeFile(`${path}.compact-999999999`, 'x');
    await writeFile(`${path}.compact-999999999.wal`, 'x');
    // Nothing older left: a second archive moves nothing.
    const again = await mia(['journal', 'archive', '--journal', path, '--older-than', '30d', '--out', out]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/archived 0 rows in 0 files/);
    expect((await readdir(dir)).filter((n) => n.includes('.compact-'))).toEqual([]);
    expect(await verifyArchive(out)).toBeUndefined();
  });

  test('--older-than without a unit is a usage error naming the flag; --help documents the command', async () => {
    const r = await mia(['journal', 'archive', '--older-than', '30', '--out', 'x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--older-than .*\(MIA_ERR_BAD_ARGUMENT\)/);
    const help = await mia(['journal', 'archive', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--older-than <age>/);
  });
});
