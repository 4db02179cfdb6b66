import { existsSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ErrorCode, MiaError } from '../common/errors.js';
import { copyOptions, openJournal, run } from './journal-reader.js';
import { EXPORT_TABLES, TIME_COLUMN } from './journal-schema.js';
import { sqlText } from './journal-store.js';

/** What an archive moved. */
export interface ArchiveResult {
  /** Files written, one per table and UTC day. */
  files: Array<{ table: string; day: string; rows: number; file: string }>;
  rows: number;
  bytesBefore: number;
  bytesAfter: number;
}

/**
 * Moves every row older than `cutoffMs` (its table's time column) to day-partitioned Parquet under `outDir`
 * (`<table>/date=<YYYY-MM-DD>/part-<n>.parquet`, Hive layout: `read_parquet('DIR/trades/*\/*.parquet',
 * hive_partitioning = true)` reads them back), deletes them from the journal, then rewrites the file so it
 * shrinks (DuckDB reuses freed blocks but never gives them back: a copy of the database does). Each day's
 * Parquet is written before its rows are deleted, in one transaction per day: a failure loses nothing.
 * `progress` is called after each file.
 */
export async function archiveJournal(path: string, cutoffMs: number, outDir: string, progress: (line: string) => void): Promise<ArchiveResult> {
  const bytesBefore = await size(path);
  const j = await openJournal(path, false);
  const files: ArchiveResult['files'] = [];
  const stamp = Date.now();
  const cutoffNs = BigInt(Math.round(cutoffMs)) * 1_000_000n;
  try {
    for (const table of EXPORT_TABLES) {
      const col = TIME_COLUMN[table];
      const old = `epoch_ns(${col}) < ${cutoffNs}`;
      const days = (await j.conn.runAndReadAll(`SELECT DISTINCT strftime(${col}, '%Y-%m-%d') AS day FROM ${table} WHERE ${old} ORDER BY day`))
        .getRows().map((r) => String(r[0]));
      for (const day of days) {
        const dir = join(outDir, table, `date=${day}`);
        await mkdir(dir, { recursive: true }).catch((e: unknown) => {
          throw new MiaError(ErrorCode.JOURNAL_QUERY, `${dir}: cannot create the archive folder (${(e as Error).message})`, { file: dir });
        });
        let file = join(dir, `part-${stamp}.parquet`);
        for (let n = 1; existsSync(file); n++) file = join(dir, `part-${stamp}-${n}.parquet`);
        const where = `WHERE ${old} AND strftime(${col}, '%Y-%m-%d') = ${sqlText(day)}`;
        await run(j.conn, 'BEGIN TRANSACTION');
        try {
          const r = await j.conn.runAndReadAll(`COPY (SELECT * FROM ${table} ${where} ORDER BY session_id, ${col}) TO ${sqlText(file)} ${copyOptions('parquet')}`);
          const rows = Number(r.getRows()[0]?.[0] ?? 0);
          await j.conn.run(`DELETE FROM ${table} ${where}`);
          await j.conn.run('COMMIT');
          files.push({ table, day, rows, file });
          progress(`${table} ${day}: ${rows.toLocaleString('en-US')} rows to ${file}`);
        } catch (e) {
          await j.conn.run('ROLLBACK').catch(() => undefined);
          await rm(file, { force: true });
          throw new MiaError(ErrorCode.JOURNAL_QUERY, `${table} ${day}: cannot archive (${(e as Error).message})`, { file });
        }
      }
    }
    await run(j.conn, 'CHECKPOINT');
  } finally {
    j.close();
  }
  if (files.length > 0) await compact(path);
  return { files, rows: files.reduce((s, f) => s + f.rows, 0), bytesBefore, bytesAfter: await size(path) };
}

/** Rewrites the database into a fresh file and puts it in place (the only way a DuckDB file shrinks). */
async function compact(path: string): Promise<void> {
  const tmp = `${path}.compact-${process.pid}`;
  await rm(tmp, { force: true });
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await instance.connect();
  try {
    await conn.run(`ATTACH ${sqlText(path)} AS j`);
    await conn.run(`ATTACH ${sqlText(tmp)} AS n`);
    await conn.run('COPY FROM DATABASE j TO n');
    await conn.run('DETACH j');
    await conn.run('DETACH n');
  } catch (e) {
    await rm(tmp, { force: true });
    throw new MiaError(ErrorCode.JOURNAL_QUERY, `${path}: cannot compact the journal (${(e as Error).message}); the rows were archived`, { file: path });
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  await rename(tmp, path);
  await rm(`${path}.wal`, { force: true });
}

async function size(path: string): Promise<number> {
  return (await stat(path)).size;
}
