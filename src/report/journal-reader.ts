import { existsSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ErrorCode, MiaError } from '../common/errors.js';
import { msToNs, type UnixNanos } from '../model/time.js';
import type { ReportBar, ReportInput, ReportPeriod, ReportSession, ReportTrade, TradeSide } from './report-input.js';
import { periodBoundsMs, tradeDayOfNs } from './report-period.js';
import { NEAR_TARGET_BAR_TIMEFRAME } from './report-rules.js';

/**
 * Reads what a report needs from a journal (a DuckDB database written by `mia serve` / `mia backtest
 * --journal`), read-only and on one thread, through the column contract of issue 13: sessions and trades are
 * required, decisions (only `ts`) and bars are read when present. Times come out of SQL as epoch nanoseconds
 * (`epoch_ns`), so TIMESTAMP and TIMESTAMP_NS columns read alike and no Date object rounds them.
 */

/** The columns read of each table; a journal lacking one of a required table's is refused, naming it. */
const REQUIRED: Readonly<Record<'sessions' | 'trades', readonly string[]>> = {
  sessions: ['session_id', 'command', 'started_at', 'stopped_at', 'config', 'version', 'model_hashes', 'clean_stop'],
  trades: ['session_id', 'trade_id', 'symbol', 'side', 'qty', 'entry_ts', 'entry_price', 'exit_ts', 'exit_price', 'exit_reason', 'pnl_usd',
    'stop_price', 'target_price', 'tick_size', 'score', 'confidence', 'ml_mean', 'confluence_score', 'd_1m', 'd_5m', 'd_15m', 'd_1h', 'd_4h',
    'p_trend_up', 'p_trend_down', 'p_range', 'p_vol_low', 'p_vol_normal', 'p_vol_high'],
};
const OPTIONAL: Readonly<Record<'decisions' | 'bars', readonly string[]>> = {
  decisions: ['ts'],
  bars: ['session_id', 'symbol', 'timeframe', 'ts', 'open', 'high', 'low', 'close', 'volume'],
};

/** How many trade dates with trades outside the period an empty report names (the nearest ones). */
const OTHER_DAYS_SHOWN = 10;

/** JOURNAL_UNREADABLE for `path` with the reason. */
function unreadableJournal(path: string, reason: string): MiaError {
  return new MiaError(ErrorCode.JOURNAL_UNREADABLE, `${path}: ${reason}`, { file: path });
}

type Row = Record<string, unknown>;

async function rows(conn: DuckDBConnection, sql: string, values: Record<string, bigint | string> = {}): Promise<Row[]> {
  const reader = await conn.runAndReadAll(sql, values);
  return reader.getRowObjectsJS() as Row[];
}

const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : (v as number));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
const ns = (v: unknown): UnixNanos => v as bigint;

/** The tables of the journal and their columns. */
async function tableColumns(conn: DuckDBConnection): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const r of await rows(conn, "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main'")) {
    const t = String(r.table_name);
    out.set(t, (out.get(t) ?? new Set()).add(String(r.column_name)));
  }
  return out;
}

/** True when the table is there with every column; throws when a required table or column is missing. */
function hasTable(path: string, tables: Map<string, Set<string>>, table: string, columns: readonly string[], required: boolean): boolean {
  const have = tables.get(table);
  if (!have) {
    if (!required) return false;
    throw unreadableJournal(path, `the journal has no "${table}" table (is it a MIA journal? tables found: ${[...tables.keys()].sort().join(', ') || 'none'})`);
  }
  const missing = columns.filter((c) => !have.has(c));
  if (missing.length > 0) throw unreadableJournal(path, `the journal's "${table}" table lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  return true;
}

function tradeOf(r: Row): ReportTrade {
  return {
    sessionId: num(r.session_id), tradeId: num(r.trade_id), symbol: String(r.symbol), side: String(r.side) as TradeSide, qty: num(r.qty),
    entryNs: ns(r.entry_ns), entryPrice: num(r.entry_price), exitNs: ns(r.exit_ns), exitPrice: num(r.exit_price), exitReason: String(r.exit_reason),
    pnlUsd: num(r.pnl_usd), stopPrice: num(r.stop_price), targetPrice: num(r.target_price), tickSize: num(r.tick_size), score: num(r.score),
    confidence: num(r.confidence), mlMean: numOrNull(r.ml_mean), confluenceScore: numOrNull(r.confluence_score),
    directions: { d1m: numOrNull(r.d_1m), d5m: numOrNull(r.d_5m), d15m: numOrNull(r.d_15m), d1h: numOrNull(r.d_1h), d4h: numOrNull(r.d_4h) },
    regime: { pTrendUp: numOrNull(r.p_trend_up), pTrendDown: numOrNull(r.p_trend_down), pRange: numOrNull(r.p_range),
      pVolLow: numOrNull(r.p_vol_low), pVolNormal: numOrNull(r.p_vol_normal), pVolHigh: numOrNull(r.p_vol_high) },
    ...(typeof r.strategy_id === 'string' ? { strategy: r.strategy_id } : {}),
  };
}

/** The starting balance of a session's config: `balance` or `startingBalance`, a positive number. */
function configBalance(config: unknown): number | null {
  if (typeof config !== 'string') return null;
  let doc: unknown;
  try {
    doc = JSON.parse(config);
  } catch {
    return null; // a config that is not JSON says nothing about the balance; the report names where its balance came from
  }
  if (typeof doc !== 'object' || doc === null) return null;
  const o = doc as Record<string, unknown>;
  const b = o.balance ?? o.startingBalance;
  return typeof b === 'number' && b > 0 ? b : null;
}

/** Sessions that ran during [fromNs, toNs): a session without a stop time runs until the next one starts. */
async function readSessions(conn: DuckDBConnection, fromNs: bigint, toNs: bigint): Promise<ReportSession[]> {
  const all = (await rows(conn, `SELECT session_id::BIGINT AS session_id, command, epoch_ns(started_at) AS started_ns, epoch_ns(stopped_at) AS stopped_ns,
      config::VARCHAR AS config, version, model_hashes, clean_stop FROM sessions ORDER BY started_at, session_id`))
    .map((r): ReportSession => ({
      sessionId: num(r.session_id), command: String(r.command ?? ''), startedNs: ns(r.started_ns), stoppedNs: r.stopped_ns === null ? null : ns(r.stopped_ns),
      version: String(r.version ?? ''), modelHashes: Array.isArray(r.model_hashes) ? r.model_hashes.map(String) : [], cleanStop: r.clean_stop === true,
      balance: configBalance(r.config),
    }));
  return all.filter((s, i) => {
    const end = s.stoppedNs ?? all[i + 1]?.startedNs ?? null;
    return s.startedNs < toNs && (end === null || end >= fromNs);
  }).sort((a, b) => a.sessionId - b.sessionId);
}

const TRADE_SELECT = `SELECT session_id::BIGINT AS session_id, trade_id::BIGINT AS trade_id, symbol, side, qty::BIGINT AS qty,
  epoch_ns(entry_ts) AS entry_ns, entry_price, epoch_ns(exit_ts) AS exit_ns, exit_price, exit_reason, pnl_usd, stop_price, target_price, tick_size,
  score, confidence, ml_mean, confluence_score, d_1m, d_5m, d_15m, d_1h, d_4h, p_trend_up, p_trend_down, p_range, p_vol_low, p_vol_normal, p_vol_high`;

/** Trade dates (outside the period) of the journal's other trades, the nearest OTHER_DAYS_SHOWN, ascending. */
async function otherTradeDays(conn: DuckDBConnection, p: ReportPeriod): Promise<number[]> {
  // Trade dates change on whole UTC hours (22:00 or 23:00), so one row per hour holding an exit is enough.
  const hours = await rows(conn, 'SELECT DISTINCT epoch_ns(exit_ts) // 3600000000000 AS h FROM trades');
  const days = new Set(hours.map((r) => tradeDayOfNs(ns(r.h) * 3_600_000_000_000n)));
  const distance = (d: number): number => (d < p.firstDay ? p.firstDay - d : d - p.lastDay);
  return [...days].filter((d) => d < p.firstDay || d > p.lastDay).sort((a, b) => distance(a) - distance(b) || a - b)
    .slice(0, OTHER_DAYS_SHOWN).sort((a, b) => a - b);
}

async function readBars(conn: DuckDBConnection, trades: readonly ReportTrade[]): Promise<ReportBar[]> {
  if (trades.length === 0) return [];
  let lo = trades[0]!.entryNs;
  let hi = trades[0]!.exitNs;
  for (const t of trades) (lo = t.entryNs < lo ? t.entryNs : lo, hi = t.exitNs > hi ? t.exitNs : hi);
  const symbols = [...new Set(trades.map((t) => t.symbol))].sort();
  return (await rows(conn, `SELECT session_id::BIGINT AS session_id, symbol, timeframe, epoch_ns(ts) AS ts_ns, open, high, low, close, volume FROM bars
      WHERE timeframe = $tf AND list_contains(string_split($symbols, ','), symbol) AND epoch_ns(ts) >= $lo AND epoch_ns(ts) <= $hi
      ORDER BY session_id, symbol, ts`, { tf: NEAR_TARGET_BAR_TIMEFRAME, symbols: symbols.join(','), lo, hi }))
    .map((r): ReportBar => ({ sessionId: num(r.session_id), symbol: String(r.symbol), timeframe: String(r.timeframe), tsNs: ns(r.ts_ns),
      open: num(r.open), high: num(r.high), low: num(r.low), close: num(r.close), volume: num(r.volume) }));
}

/** Opens the journal read-only; a missing file, a file DuckDB cannot open (or one a running writer locks) is JOURNAL_UNREADABLE. */
async function openJournal(path: string): Promise<{ conn: DuckDBConnection; close: () => void }> {
  // DuckDB would create a missing database; a report must not.
  if (!existsSync(path)) throw unreadableJournal(path, 'no such journal file (mia serve writes ./mia-journal.duckdb unless --journal says otherwise)');
  let duckdb: typeof import('@duckdb/node-api');
  try {
    // Imported here, as parquet-export does: loading the native library costs ~0.2 s every other `mia` command would pay.
    duckdb = await import('@duckdb/node-api');
  } catch (e) {
    throw unreadableJournal(path, `DuckDB (@duckdb/node-api) is not installed: ${(e as Error).message}`);
  }
  let instance: Awaited<ReturnType<typeof duckdb.DuckDBInstance.create>>;
  try {
    instance = await duckdb.DuckDBInstance.create(path, { access_mode: 'READ_ONLY', threads: '1' });
  } catch (e) {
    const m = (e as Error).message;
    const hint = /lock/i.test(m) ? ' (a running mia serve holds the journal: report after it stops, or on a copy made while it is stopped)' : '';
    throw unreadableJournal(path, `DuckDB cannot open the journal${hint}: ${m}`);
  }
  const conn = await instance.connect();
  return { conn, close: () => (conn.closeSync(), instance.closeSync()) };
}

/** Everything the report of `period` needs, from the journal at `path`. */
export async function readJournal(path: string, period: ReportPeriod): Promise<ReportInput> {
  const { conn, close } = await openJournal(path);
  try {
    const tables = await tableColumns(conn);
    hasTable(path, tables, 'sessions', REQUIRED.sessions, true);
    hasTable(path, tables, 'trades', REQUIRED.trades, true);
    const withDecisions = hasTable(path, tables, 'decisions', OPTIONAL.decisions, false);
    const withBars = hasTable(path, tables, 'bars', OPTIONAL.bars, false);
    const { fromMs, toMs } = periodBoundsMs(period);
    const range = { lo: msToNs(fromMs), hi: msToNs(toMs) };
    // strategy_id (issue 16) is read where the journal has it: the reader opens read-only, so an older one keeps its columns.
    const strategyColumn = tables.get('trades')!.has('strategy_id') ? ', strategy_id' : '';
    const trades = (await rows(conn, `${TRADE_SELECT}${strategyColumn} FROM trades WHERE epoch_ns(exit_ts) >= $lo AND epoch_ns(exit_ts) < $hi ORDER BY exit_ts, session_id, trade_id`, range))
      .map(tradeOf);
    let decisionSpan: ReportInput['decisionSpan'] = null;
    if (withDecisions) {
      const [span] = await rows(conn, 'SELECT min(epoch_ns(ts)) AS first_ns, max(epoch_ns(ts)) AS last_ns FROM decisions WHERE epoch_ns(ts) >= $lo AND epoch_ns(ts) < $hi', range);
      if (span && span.first_ns !== null) decisionSpan = { firstNs: ns(span.first_ns), lastNs: ns(span.last_ns) };
    }
    return {
      period, trades, decisionSpan,
      sessions: await readSessions(conn, range.lo, range.hi),
      bars: withBars ? await readBars(conn, trades) : null,
      otherTradeDays: trades.length === 0 ? await otherTradeDays(conn, period) : [],
    };
  } catch (e) {
    if (e instanceof MiaError) throw e;
    throw unreadableJournal(path, `cannot read the journal: ${(e as Error).message}`);
  } finally {
    close();
  }
}
