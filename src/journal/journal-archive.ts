import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { hashAndSync, running, STAGING, syncPath } from '../common/atomic-output.js';
import { ErrorCode, MiaError } from '../common/errors.js';
import { unwritable } from '../common/make-folder.js';
import { clearPending, committedKey, readArchiveMarker, removePart, settleKilledRun, writeArchiveMarker, writePending } from './archive-folder.js';
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

/** The steps of a run, in order, for {@link ArchiveHooks}. */
export type ArchiveStep = 'staged' | 'pending' | 'moved' | 'committed' | 'marked' | 'compacting';

/** Test seam: `step` is called as each step is done (the killed-run tests end the process there). */
export interface ArchiveHooks {
  step?(name: ArchiveStep): void | Promise<void>;
}

/** One part of the run: its rows' table and day, the WHERE that selects them, its path in the archive. */
interface Part {
  table: string;
  day: string;
  where: string;
  name: string;
  rows: number;
}

/**
 * Moves every row older than `cutoffMs` (its table's time column) to day-partitioned Parquet under `outDir`
 * (`<table>/date=<YYYY-MM-DD>/part-<run>.parquet`, Hive layout: `read_parquet('DIR/trades/*\/*.parquet',
 * hive_partitioning = true)` reads them back), deletes them from the journal, then rewrites the file so it
 * shrinks (DuckDB reuses freed blocks but never gives them back: a copy of the database does).
 *
 * All or nothing, in one journal transaction: the parts are written into a staging folder beside `outDir` and
 * fsynced; the run is written down in `_PENDING`; the parts are renamed into the archive; only then are their rows
 * deleted, and the run recorded in journal_meta, in one commit; then `_COMPLETE` lists them. A run killed before
 * that commit leaves its rows in the journal (the next run removes its parts), one killed after it leaves its parts
 * (the next run adds them to `_COMPLETE`); never a row in both, or in neither. `progress` is called after each part.
 */
export async function archiveJournal(path: string, cutoffMs: number, outDir: string, progress: (line: string) => void, hooks: ArchiveHooks = {}): Promise<ArchiveResult> {
  const bytesBefore = await size(path);
  const journal = resolve(path);
  const out = resolve(outDir);
  const runId = `${Date.now()}-${randomBytes(4).toString('hex')}`;
  // Opened for writing first: DuckDB's lock keeps a second archive of this journal (or mia serve) out meanwhile.
  const j = await openJournal(path, false);
  const staging = join(dirname(out), `${STAGING}${process.pid}-${basename(out)}`);
  let parts: Part[] = [];
  try {
    await settleKilledRun(out, journal, (id) => hasCommitted(j.conn, id), progress);
    await removeStaleCompactions(journal, progress);
    const marker = await readArchiveMarker(out);
    await run(j.conn, 'BEGIN TRANSACTION');
    let committed = false;
    try {
      parts = await stageParts(j.conn, cutoffMs, staging, runId);
      if (parts.length === 0) {
        await run(j.conn, 'ROLLBACK');
        committed = true;
        return { files: [], rows: 0, bytesBefore, bytesAfter: bytesBefore };
      }
      const files = await Promise.all(parts.map(async (p) => ({ name: p.name, ...(await hashAndSync(join(staging, p.name))) })));
      await hooks.step?.('staged');
      await mkdir(out, { recursive: true }).catch((e: unknown) => {
        throw unwritable(out, 'create the archive folder', e);
      });
      await writePending(out, { runId, journal, pid: process.pid, files });
      await hooks.step?.('pending');
      await moveParts(staging, out, parts);
      await hooks.step?.('moved');
      for (const p of parts) await run(j.conn, `DELETE FROM ${p.table} ${p.where}`);
      await run(j.conn, `INSERT INTO journal_meta VALUES (${sqlText(committedKey(runId))}, ${sqlText(JSON.stringify({ out, files: parts.length, rows: parts.reduce((s, p) => s + p.rows, 0) }))})`);
      await run(j.conn, 'COMMIT');
      committed = true;
      await hooks.step?.('committed');
      await writeArchiveMarker(out, [...marker.files, ...files]);
      await hooks.step?.('marked');
      await clearPending(out);
    } catch (e) {
      if (!committed) {
        await j.conn.run('ROLLBACK').catch(() => undefined);
        await undoParts(out, parts);
      }
      throw e instanceof MiaError ? e : new MiaError(ErrorCode.JOURNAL_QUERY, `${out}: cannot archive (${(e as Error).message})`, { file: out });
    }
    for (const p of parts) progress(`${p.table} ${p.day}: ${p.rows.toLocaleString('en-US')} rows to ${join(out, p.name)}`);
    await run(j.conn, 'CHECKPOINT');
  } finally {
    j.close();
    await rm(staging, { recursive: true, force: true });
  }
  await compact(path, hooks);
  const files = parts.map((p) => ({ table: p.table, day: p.day, rows: p.rows, file: join(out, p.name) }));
  return { files, rows: parts.reduce((s, p) => s + p.rows, 0), bytesBefore, bytesAfter: await size(path) };
}

/** Writes one Parquet part per table and UTC day of the rows older than the cutoff into `staging`. */
async function stageParts(conn: DuckDBConnection, cutoffMs: number, staging: string, runId: string): Promise<Part[]> {
  const cutoffNs = BigInt(Math.round(cutoffMs)) * 1_000_000n;
  const parts: Part[] = [];
  await rm(staging, { recursive: true, force: true });
  for (const table of EXPORT_TABLES) {
    const col = TIME_COLUMN[table];
    const old = `epoch_ns(${col}) < ${cutoffNs}`;
    const days = (await conn.runAndReadAll(`SELECT DISTINCT strftime(${col}, '%Y-%m-%d') AS day FROM ${table} WHERE ${old} ORDER BY day`))
      .getRows().map((r) => String(r[0]));
    for (const day of days) {
      const name = `${table}/date=${day}/part-${runId}.parquet`;
      const file = join(staging, name);
      await mkdir(dirname(file), { recursive: true }).catch((e: unknown) => {
        throw unwritable(staging, 'create the staging folder', e);
      });
      const where = `WHERE ${old} AND strftime(${col}, '%Y-%m-%d') = ${sqlText(day)}`;
      try {
        const r = await conn.runAndReadAll(`COPY (SELECT * FROM ${table} ${where} ORDER BY session_id, ${col}) TO ${sqlText(file)} ${copyOptions('parquet')}`);
        parts.push({ table, day, where, name, rows: Number(r.getRows()[0]?.[0] ?? 0) });
      } catch (e) {
        throw new MiaError(ErrorCode.JOURNAL_QUERY, `${table} ${day}: cannot archive (${(e as Error).message})`, { file });
      }
    }
  }
  return parts;
}

/** Renames each staged part into the archive, fsyncing each folder it enters. */
async function moveParts(staging: string, out: string, parts: Part[]): Promise<void> {
  const folders = new Set<string>();
  for (const p of parts) {
    const to = join(out, p.name);
    await mkdir(dirname(to), { recursive: true });
    await rename(join(staging, p.name), to);
    folders.add(dirname(to));
  }
  for (const f of folders) await syncPath(f);
  await syncPath(out);
}

/** A run that failed before its commit: its parts leave the archive (their rows are still in the journal). */
async function undoParts(out: string, parts: Part[]): Promise<void> {
  for (const p of parts) await removePart(out, p.name).catch(() => undefined);
  await clearPending(out).catch(() => undefined);
}

/** Whether run `runId` committed: its record is in journal_meta. */
async function hasCommitted(conn: DuckDBConnection, runId: string): Promise<boolean> {
  const r = await conn.runAndReadAll(`SELECT count(*) FROM journal_meta WHERE key = ${sqlText(committedKey(runId))}`);
  return Number(r.getRows()[0]![0]) > 0;
}

/**
 * The compaction copies of killed runs beside the journal (`<journal>.compact-<pid>`, and its `.wal` when the kill
 * came mid-copy): the journal is whole without them.
 */
async function removeStaleCompactions(journal: string, notice: (line: string) => void): Promise<void> {
  const prefix = `${basename(journal)}.compact-`;
  for (const e of await readdir(dirname(journal))) {
    const pid = /^(\d+)(\.wal)?$/.exec(e.slice(prefix.length))?.[1];
    if (!e.startsWith(prefix) || pid === undefined || running(Number(pid))) continue;
    await rm(join(dirname(journal), e), { force: true });
    notice(`removed ${join(dirname(journal), e)}, the compaction copy of an interrupted archive run`);
  }
}

/** Rewrites the database into a fresh file and puts it in place (the only way a DuckDB file shrinks). */
async function compact(path: string, hooks: ArchiveHooks): Promise<void> {
  const tmp = `${path}.compact-${process.pid}`;
  await rm(tmp, { force: true });
  await rm(`${tmp}.wal`, { force: true });
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
    await rm(`${tmp}.wal`, { force: true });
    throw new MiaError(ErrorCode.JOURNAL_QUERY, `${path}: cannot compact the journal (${(e as Error).message}); the rows were archived`, { file: path });
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  await syncPath(tmp);
  await hooks.step?.('compacting');
  // One rename: the journal is the old file or the compacted one, never a part of either.
  await rename(tmp, path);
  await syncPath(dirname(path));
  await rm(`${path}.wal`, { force: true });
}

async function size(path: string): Promise<number> {
  return (await stat(path)).size;
}
