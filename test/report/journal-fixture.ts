// Hand-built journals: a DuckDB file with the tables of issue 13's column contract (sessions, trades,
// decisions, bars) and the rows a test gives, written the way the journal writer declares them (TIMESTAMP
// for sessions, TIMESTAMP_NS for market times, JSON config, VARCHAR[] hashes).
import { DuckDBInstance } from '@duckdb/node-api';
import { isoNs, type UnixNanos } from '../../src/model/time.js';
import type { ReportBar, ReportTrade } from '../../src/report/report-input.js';

/** A sessions row. */
export interface SessionRow {
  sessionId: number;
  command: string;
  startedNs: UnixNanos;
  stoppedNs: UnixNanos | null;
  /** JSON text. */
  config: string;
  version: string;
  modelHashes: string[];
  cleanStop: boolean;
}

/** A decisions row (the columns the report does not read are filled with neutral values). */
export interface DecisionRow {
  sessionId: number;
  symbol: string;
  tsNs: UnixNanos;
  direction: string;
}

/** What goes into the journal; `bars: null` leaves the bars table out (an older journal). */
export interface JournalRows {
  sessions: SessionRow[];
  trades: ReportTrade[];
  decisions: DecisionRow[] | null;
  bars: ReportBar[] | null;
}

/** SQL literal of a time, `'2026-06-17 14:05:30.000000000'::TIMESTAMP_NS`. */
function ts(ns: UnixNanos | null, type = 'TIMESTAMP_NS'): string {
  if (ns === null) return 'NULL';
  const iso = isoNs(ns).replace('T', ' ').replace('Z', '');
  return `'${iso}'::${type}`;
}
const n = (x: number | null): string => (x === null ? 'NULL' : String(x));
const s = (x: string): string => `'${x.replace(/'/g, "''")}'`;

const SCHEMA = [
  `CREATE TABLE sessions(session_id INTEGER, command VARCHAR, started_at TIMESTAMP, stopped_at TIMESTAMP, config JSON, version VARCHAR,
    model_hashes VARCHAR[], clean_stop BOOLEAN)`,
  `CREATE TABLE trades(session_id INTEGER, trade_id INTEGER, symbol VARCHAR, side VARCHAR, qty INTEGER, entry_ts TIMESTAMP_NS, entry_price DOUBLE,
    exit_ts TIMESTAMP_NS, exit_price DOUBLE, exit_reason VARCHAR, pnl_usd DOUBLE, stop_price DOUBLE, target_price DOUBLE, tick_size DOUBLE,
    score DOUBLE, confidence DOUBLE, ml_mean DOUBLE, confluence_score DOUBLE, d_1m DOUBLE, d_5m DOUBLE, d_15m DOUBLE, d_1h DOUBLE, d_4h DOUBLE,
    p_trend_up DOUBLE, p_trend_down DOUBLE, p_range DOUBLE, p_vol_low DOUBLE, p_vol_normal DOUBLE, p_vol_high DOUBLE)`,
  `CREATE TABLE decisions(session_id INTEGER, symbol VARCHAR, sequence UBIGINT, ts TIMESTAMP_NS, direction VARCHAR, score DOUBLE, confidence DOUBLE,
    ml_state VARCHAR, ml_scores DOUBLE[], ml_mean DOUBLE, ml_approved BOOLEAN, risk_evaluated BOOLEAN, risk_approved BOOLEAN, risk_reason VARCHAR,
    risk_qty INTEGER, stop_price DOUBLE, target_price DOUBLE, alert VARCHAR)`,
  `CREATE TABLE bars(session_id INTEGER, symbol VARCHAR, timeframe VARCHAR, ts TIMESTAMP_NS, open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE,
    volume DOUBLE)`,
];

/** Writes a journal at `path` (which must not exist) holding `rows`. */
export async function writeJournal(path: string, rows: JournalRows): Promise<void> {
  const instance = await DuckDBInstance.create(path, { threads: '1' });
  const conn = await instance.connect();
  try {
    for (const sql of SCHEMA) {
      if (rows.decisions === null && sql.includes('TABLE decisions')) continue;
      if (rows.bars === null && sql.includes('TABLE bars')) continue;
      await conn.run(sql);
    }
    for (const x of rows.sessions) {
      await conn.run(`INSERT INTO sessions VALUES (${x.sessionId}, ${s(x.command)}, ${ts(x.startedNs, 'TIMESTAMP')}, ${ts(x.stoppedNs, 'TIMESTAMP')},
        ${s(x.config)}, ${s(x.version)}, [${x.modelHashes.map(s).join(', ')}]::VARCHAR[], ${x.cleanStop})`);
    }
    for (const t of rows.trades) {
      const d = t.directions;
      const r = t.regime;
      await conn.run(`INSERT INTO trades VALUES (${t.sessionId}, ${t.tradeId}, ${s(t.symbol)}, ${s(t.side)}, ${t.qty}, ${ts(t.entryNs)}, ${t.entryPrice},
        ${ts(t.exitNs)}, ${t.exitPrice}, ${s(t.exitReason)}, ${t.pnlUsd}, ${t.stopPrice}, ${t.targetPrice}, ${t.tickSize}, ${t.score}, ${t.confidence},
        ${n(t.mlMean)}, ${n(t.confluenceScore)}, ${n(d.d1m)}, ${n(d.d5m)}, ${n(d.d15m)}, ${n(d.d1h)}, ${n(d.d4h)}, ${n(r.pTrendUp)}, ${n(r.pTrendDown)},
        ${n(r.pRange)}, ${n(r.pVolLow)}, ${n(r.pVolNormal)}, ${n(r.pVolHigh)})`);
    }
    let sequence = 0;
    for (const x of rows.decisions ?? []) {
      await conn.run(`INSERT INTO decisions VALUES (${x.sessionId}, ${s(x.symbol)}, ${sequence++}, ${ts(x.tsNs)}, ${s(x.direction)}, 0, 0, 'off', [],
        NULL, NULL, false, NULL, NULL, NULL, NULL, NULL, NULL)`);
    }
    for (const b of rows.bars ?? []) {
      await conn.run(`INSERT INTO bars VALUES (${b.sessionId}, ${s(b.symbol)}, ${s(b.timeframe)}, ${ts(b.tsNs)}, ${b.open}, ${b.high}, ${b.low}, ${b.close},
        ${b.volume})`);
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
