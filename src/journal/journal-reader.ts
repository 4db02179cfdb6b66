import { existsSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { ErrorCode, MiaError } from '../common/errors.js';
import { TIME_COLUMN, type RowTable } from './journal-schema.js';
import { sqlText } from './journal-store.js';

/** Export formats of `mia journal export`. */
export const EXPORT_FORMATS = ['json', 'csv', 'parquet'] as const;

/** One of the export formats. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** A journal opened by `mia journal`. */
export interface JournalConnection {
  conn: DuckDBConnection;
  close(): void;
}

/**
 * Opens the journal at `path`; `readOnly` for export and query (a query cannot change it). DuckDB lets one
 * process write a file: while `mia serve` runs on it, this is MIA_ERR_JOURNAL_OPEN naming the lock.
 */
export async function openJournal(path: string, readOnly: boolean): Promise<JournalConnection> {
  if (!existsSync(path)) throw new MiaError(ErrorCode.JOURNAL_OPEN, `${path}: no journal there (mia serve and mia backtest --journal write one)`, { file: path });
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, { threads: '1', ...(readOnly ? { access_mode: 'READ_ONLY' } : {}) });
  } catch (e) {
    throw new MiaError(ErrorCode.JOURNAL_OPEN, `${path}: cannot open the journal (${(e as Error).message})`, { file: path });
  }
  const conn = await instance.connect();
  return {
    conn,
    close: () => {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/** Runs `sql`; a DuckDB failure is MIA_ERR_JOURNAL_QUERY with DuckDB's reason. */
export async function run(conn: DuckDBConnection, sql: string): Promise<void> {
  try {
    await conn.run(sql);
  } catch (e) {
    throw new MiaError(ErrorCode.JOURNAL_QUERY, (e as Error).message);
  }
}

/** The rows of `sql` as JSON-ready objects and the column names (`mia journal query`). */
export async function queryRows(conn: DuckDBConnection, sql: string): Promise<{ columns: string[]; rows: Record<string, unknown>[] }> {
  try {
    const r = await conn.runAndReadAll(sql);
    return { columns: r.columnNames(), rows: r.getRowObjectsJson() };
  } catch (e) {
    throw new MiaError(ErrorCode.JOURNAL_QUERY, (e as Error).message);
  }
}

/** The WHERE clause of a time range on a table's time column (ms since the epoch, `to` excluded). */
export function timeRange(table: RowTable, fromMs: number | undefined, toMs: number | undefined): string {
  const col = TIME_COLUMN[table];
  const parts: string[] = [];
  // epoch_ns reads TIMESTAMP and TIMESTAMP_NS alike: the bounds need no cast to the column's precision.
  if (fromMs !== undefined) parts.push(`epoch_ns(${col}) >= ${BigInt(Math.round(fromMs)) * 1_000_000n}`);
  if (toMs !== undefined) parts.push(`epoch_ns(${col}) < ${BigInt(Math.round(toMs)) * 1_000_000n}`);
  return parts.length > 0 ? `WHERE ${parts.join(' AND ')}` : '';
}

/** COPY options of a format: NDJSON, CSV with a header, Parquet with zstd. */
export function copyOptions(format: ExportFormat): string {
  return format === 'parquet' ? '(FORMAT parquet, COMPRESSION zstd)' : format === 'csv' ? '(FORMAT csv, HEADER true)' : '(FORMAT json)';
}

/**
 * Writes a table's rows in [from, to) to `out` in `format`, in session and time order; returns the row count.
 * DuckDB writes the file itself (COPY), so a large export streams without holding the rows in memory here. `shownAs`
 * is the path errors name (the destination, when `out` is the staging file of an all-or-nothing write).
 */
export async function exportTable(conn: DuckDBConnection, table: RowTable, fromMs: number | undefined, toMs: number | undefined,
  format: ExportFormat, out: string, shownAs = out): Promise<number> {
  const select = `SELECT * FROM ${table} ${timeRange(table, fromMs, toMs)} ORDER BY session_id, ${TIME_COLUMN[table]}`;
  try {
    const r = await conn.runAndReadAll(`COPY (${select}) TO ${sqlText(out)} ${copyOptions(format)}`);
    return Number(r.getRows()[0]?.[0] ?? 0);
  } catch (e) {
    throw new MiaError(ErrorCode.JOURNAL_QUERY, `${shownAs}: cannot export ${table} (${(e as Error).message.replaceAll(out, shownAs)})`, { file: shownAs });
  }
}
