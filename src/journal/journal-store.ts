import {
  DOUBLE, DuckDBInstance, DuckDBTimestampNanosecondsValue, DuckDBTimestampValue, LIST, VARCHAR,
  type DuckDBAppender, type DuckDBConnection,
} from '@duckdb/node-api';
import { ErrorCode, MiaError } from '../common/errors.js';
import type { LostSession, SessionStart, TableBatch } from './journal-protocol.js';
import { COLUMNS, ROW_TABLES, schemaDdl, SCHEMA_VERSION, TIME_COLUMN, type Cell, type ColumnType, type RowTable } from './journal-schema.js';

const DOUBLE_LIST = LIST(DOUBLE);
const VARCHAR_LIST = LIST(VARCHAR);

/** Quotes a string as a SQL literal. */
export function sqlText(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * The journal's database: one DuckDB file, opened by one writer (DuckDB locks the file). It creates the schema
 * if missing, starts a new session row, finds the sessions that never stopped (their process was killed) and
 * says what they lost, and appends row batches with one Appender per table; `commit` flushes them. It runs in the journal worker (workers/journal-worker.ts), off the engine's thread: every
 * call here blocks its caller.
 */
export class JournalStore {
  private readonly instance: DuckDBInstance;
  private readonly conn: DuckDBConnection;
  private readonly appenders = new Map<RowTable, DuckDBAppender>();
  readonly sessionId: number;
  readonly lost: LostSession[];

  private constructor(instance: DuckDBInstance, conn: DuckDBConnection, sessionId: number, lost: LostSession[]) {
    this.instance = instance;
    this.conn = conn;
    this.sessionId = sessionId;
    this.lost = lost;
  }

  /** Opens (or creates) the journal at `path` and starts a session; MIA_ERR_JOURNAL_OPEN when it cannot. */
  static async open(path: string, session: SessionStart): Promise<JournalStore> {
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, { threads: '1' });
    } catch (e) {
      throw new MiaError(ErrorCode.JOURNAL_OPEN, `${path}: cannot open the journal (${(e as Error).message})`, { file: path });
    }
    const conn = await instance.connect();
    try {
      for (const ddl of schemaDdl()) await conn.run(ddl);
      await conn.run(`INSERT INTO journal_meta VALUES ('schema_version', ${sqlText(SCHEMA_VERSION)}) ON CONFLICT DO NOTHING`);
      const lost = await lostSessions(conn);
      const id = Number((await conn.runAndReadAll('SELECT coalesce(max(session_id), 0) + 1 FROM sessions')).getRows()[0]![0]);
      const hashes = `[${session.modelHashes.map(sqlText).join(', ')}]::VARCHAR[]`;
      await conn.run(
        `INSERT INTO sessions (session_id, command, started_at, config, version, model_hashes, pid, snapshot_ms, previous_session_id, previous_lost)
         VALUES (${id}, ${sqlText(session.command)}, make_timestamp(${Math.round(session.startedMs * 1000)}::BIGINT), ${sqlText(session.config)}::JSON,
         ${sqlText(session.version)}, ${hashes}, ${session.pid}, ${session.snapshotMs}, ${lost.length > 0 ? lost.at(-1)!.sessionId : 'NULL'},
         ${lost.length > 0 ? `${sqlText(JSON.stringify(lost))}::JSON` : 'NULL'})`,
      );
      // The sessions that never stopped are now known to have stopped uncleanly.
      if (lost.length > 0) await conn.run(`UPDATE sessions SET clean_stop = false WHERE session_id IN (${lost.map((l) => l.sessionId).join(',')})`);
      await conn.run('CHECKPOINT');
      return new JournalStore(instance, conn, id, lost);
    } catch (e) {
      conn.closeSync();
      instance.closeSync();
      throw new MiaError(ErrorCode.JOURNAL_OPEN, `${path}: cannot write the journal (${(e as Error).message})`, { file: path });
    }
  }

  /** Appends every row of `batches` (not yet committed: see `commit`); returns the number of rows. MIA_ERR_JOURNAL_WRITE on failure. */
  async append(batches: readonly TableBatch[]): Promise<number> {
    let n = 0;
    try {
      for (const b of batches) {
        const a = await this.appender(b.table);
        const cols = COLUMNS[b.table];
        for (const row of b.rows) {
          a.appendInteger(this.sessionId);
          for (let i = 0; i < cols.length; i++) appendCell(a, cols[i]!.type, row[i] ?? null);
          a.endRow();
          n++;
        }
      }
    } catch (e) {
      throw new MiaError(ErrorCode.JOURNAL_WRITE, `cannot write the journal (${(e as Error).message})`);
    }
    return n;
  }

  /** Commits what was appended: once a flush returns, its rows are in DuckDB's write-ahead log. */
  commit(): void {
    try {
      for (const a of this.appenders.values()) a.flushSync();
    } catch (e) {
      throw new MiaError(ErrorCode.JOURNAL_WRITE, `cannot write the journal (${(e as Error).message})`);
    }
  }

  /** Ends the session: stopped_at, clean_stop, the run's summary; checkpoints and closes the file. */
  async stop(stoppedMs: number, summary: string | null): Promise<void> {
    this.commit();
    for (const a of this.appenders.values()) a.closeSync();
    this.appenders.clear();
    await this.conn.run(
      `UPDATE sessions SET stopped_at = make_timestamp(${Math.round(stoppedMs * 1000)}::BIGINT), clean_stop = true,
       summary = ${summary === null ? 'NULL' : `${sqlText(summary)}::JSON`} WHERE session_id = ${this.sessionId}`,
    );
    await this.conn.run('CHECKPOINT');
    this.conn.closeSync();
    this.instance.closeSync();
  }

  private async appender(table: RowTable): Promise<DuckDBAppender> {
    let a = this.appenders.get(table);
    if (!a) {
      a = await this.conn.createAppender(table);
      this.appenders.set(table, a);
    }
    return a;
  }
}

function appendCell(a: DuckDBAppender, type: ColumnType, v: Cell): void {
  if (v === null || (typeof v === 'number' && Number.isNaN(v) && type !== 'DOUBLE')) {
    a.appendNull();
    return;
  }
  switch (type) {
    case 'INTEGER': a.appendInteger(v as number); return;
    case 'BIGINT': a.appendBigInt(BigInt(v as number | bigint)); return;
    case 'UBIGINT': a.appendUBigInt(BigInt(v as number | bigint)); return;
    case 'DOUBLE': a.appendDouble(v as number); return;
    case 'BOOLEAN': a.appendBoolean(v as boolean); return;
    case 'VARCHAR': case 'JSON': a.appendVarchar(v as string); return;
    case 'TIMESTAMP': a.appendTimestamp(new DuckDBTimestampValue(BigInt(Math.round((v as number) * 1000)))); return;
    case 'TIMESTAMP_NS': a.appendTimestampNanoseconds(new DuckDBTimestampNanosecondsValue(BigInt(v as number | bigint))); return;
    case 'DOUBLE[]': a.appendList(v as number[], DOUBLE_LIST); return;
    case 'VARCHAR[]': a.appendList(v as string[], VARCHAR_LIST); return;
  }
}

/**
 * The sessions that never wrote stopped_at (their process died): what they journaled, and what their fills
 * left open. Orders, fills and risk events were committed before they were reported, so what such a session
 * lost is its last unflushed decisions, bars and snapshots (under a second) and its open positions.
 */
async function lostSessions(conn: DuckDBConnection): Promise<LostSession[]> {
  const open = (await conn.runAndReadAll(
    'SELECT session_id, command, strftime(started_at, \'%Y-%m-%dT%H:%M:%S.%gZ\') FROM sessions WHERE stopped_at IS NULL AND clean_stop IS NULL ORDER BY session_id',
  )).getRows();
  const out: LostSession[] = [];
  for (const [id, command, startedAt] of open) {
    const sid = Number(id);
    const lastRow: Record<string, string | null> = {};
    const rows: Record<string, number> = {};
    for (const t of ROW_TABLES) {
      const col = TIME_COLUMN[t];
      const r = (await conn.runAndReadAll(`SELECT count(*), CAST(max(${col}) AS VARCHAR) FROM ${t} WHERE session_id = ${sid}`)).getRows()[0]!;
      rows[t] = Number(r[0]);
      lastRow[t] = r[1] === null ? null : String(r[1]);
    }
    const positions = (await conn.runAndReadAll(
      `SELECT symbol, arg_max(position, rowid) AS qty FROM fills WHERE session_id = ${sid} GROUP BY symbol HAVING qty <> 0 ORDER BY symbol`,
    )).getRows().map(([symbol, qty]) => ({ symbol: String(symbol), qty: Number(qty) }));
    out.push({
      sessionId: sid, command: String(command), startedAt: String(startedAt), lastRow, rows, openPositions: positions,
      unclosedEntries: positions.length,
    });
  }
  return out;
}
