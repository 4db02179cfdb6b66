import { FEATURE_NAMES } from '../signals/features.js';

/**
 * The journal's tables, one DDL in one place (docs/journal.md describes every column). `mia report` and
 * `mia journal` read these names: columns may be added, never renamed. Every row table starts with
 * `session_id`, which the writer fills in; the other columns are appended in the order listed here.
 */

/** A column's DuckDB type as the writer appends it. */
export type ColumnType =
  | 'INTEGER' | 'BIGINT' | 'UBIGINT' | 'DOUBLE' | 'VARCHAR' | 'BOOLEAN' | 'JSON'
  | 'TIMESTAMP' | 'TIMESTAMP_NS' | 'DOUBLE[]' | 'VARCHAR[]';

/** One column: name and type. */
export interface ColumnSpec {
  name: string;
  type: ColumnType;
}

/** A value of one row cell as the engine hands it to the writer (TIMESTAMP: ms since the epoch; TIMESTAMP_NS: ns). */
export type Cell = number | bigint | string | boolean | null | readonly number[] | readonly string[];

/** The row tables, written in batches (sessions is written by the writer itself). */
export const ROW_TABLES = ['decisions', 'orders', 'fills', 'trades', 'risk_events', 'alerts', 'bars', 'snapshots'] as const;

/** A row table's name. */
export type RowTable = (typeof ROW_TABLES)[number];

/** Tables `mia journal export` and `archive` know (sessions stay: they are a few rows). */
export const EXPORT_TABLES = ['trades', 'decisions', 'bars', 'snapshots', 'alerts', 'orders', 'fills', 'risk_events'] as const;

/** The time column of each row table (export's --from/--to, archive's age). */
export const TIME_COLUMN: Record<RowTable, string> = {
  decisions: 'ts', orders: 'ts', fills: 'ts', trades: 'exit_ts', risk_events: 'ts', alerts: 'ts', bars: 'ts', snapshots: 'ts',
};

const d = (name: string): ColumnSpec => ({ name, type: 'DOUBLE' });
const TIMEFRAME_DIRECTIONS = ['d_1m', 'd_5m', 'd_15m', 'd_1h', 'd_4h'].map(d);
const REGIME = ['p_trend_up', 'p_trend_down', 'p_range', 'p_vol_low', 'p_vol_normal', 'p_vol_high'].map(d);
const SMART_MONEY = ['sm_large_flow', 'sm_stacked', 'sm_absorption', 'sm_book', 'sm_score'].map(d);
// Issue 16's strategy columns: last in their tables, so journals created before them gain them by ADD COLUMN.
const STRATEGY: ColumnSpec[] = [{ name: 'strategy_id', type: 'VARCHAR' }, { name: 'strategy_reason', type: 'VARCHAR' }, { name: 'signal_direction', type: 'VARCHAR' }];

/** Columns of each row table after `session_id`, in append order. */
export const COLUMNS: Record<RowTable, readonly ColumnSpec[]> = {
  decisions: [
    { name: 'symbol', type: 'VARCHAR' }, { name: 'sequence', type: 'UBIGINT' }, { name: 'ts', type: 'TIMESTAMP_NS' },
    { name: 'direction', type: 'VARCHAR' }, d('score'), d('confidence'), d('price'),
    ...FEATURE_NAMES.map(d), ...TIMEFRAME_DIRECTIONS, ...REGIME, ...SMART_MONEY,
    { name: 'expiry_phase', type: 'VARCHAR' },
    { name: 'ml_state', type: 'VARCHAR' }, { name: 'ml_scores', type: 'DOUBLE[]' }, d('ml_mean'), { name: 'ml_approved', type: 'BOOLEAN' },
    { name: 'risk_evaluated', type: 'BOOLEAN' }, { name: 'risk_approved', type: 'BOOLEAN' }, { name: 'risk_reason', type: 'VARCHAR' },
    { name: 'risk_qty', type: 'INTEGER' }, d('stop_price'), d('target_price'), { name: 'alert', type: 'VARCHAR' },
    ...STRATEGY,
  ],
  orders: [
    { name: 'order_id', type: 'BIGINT' }, { name: 'ts', type: 'TIMESTAMP_NS' }, { name: 'event', type: 'VARCHAR' },
    { name: 'symbol', type: 'VARCHAR' }, { name: 'side', type: 'VARCHAR' }, { name: 'qty', type: 'INTEGER' }, { name: 'type', type: 'VARCHAR' },
    d('limit_price'), d('stop_price'), { name: 'parent_id', type: 'BIGINT' }, { name: 'oco_id', type: 'BIGINT' },
    { name: 'tag', type: 'VARCHAR' }, { name: 'cancel_reason', type: 'VARCHAR' },
    { name: 'strategy_id', type: 'VARCHAR' },
  ],
  fills: [
    { name: 'order_id', type: 'BIGINT' }, { name: 'ts', type: 'TIMESTAMP_NS' }, { name: 'symbol', type: 'VARCHAR' },
    { name: 'side', type: 'VARCHAR' }, { name: 'qty', type: 'INTEGER' }, d('price'), d('commission_usd'),
    { name: 'position', type: 'INTEGER' }, { name: 'tag', type: 'VARCHAR' },
    { name: 'strategy_id', type: 'VARCHAR' },
  ],
  trades: [
    { name: 'trade_id', type: 'INTEGER' }, { name: 'symbol', type: 'VARCHAR' }, { name: 'side', type: 'VARCHAR' }, { name: 'qty', type: 'INTEGER' },
    { name: 'entry_ts', type: 'TIMESTAMP_NS' }, d('entry_price'), { name: 'exit_ts', type: 'TIMESTAMP_NS' }, d('exit_price'),
    { name: 'exit_reason', type: 'VARCHAR' }, d('pnl_usd'), d('gross_usd'), d('commission_usd'), d('stop_price'), d('target_price'), d('tick_size'),
    { name: 'decision_ts', type: 'TIMESTAMP_NS' }, d('score'), d('confidence'), d('ml_mean'), { name: 'ml_scores', type: 'DOUBLE[]' },
    ...FEATURE_NAMES.map(d),
    ...TIMEFRAME_DIRECTIONS, ...REGIME, ...SMART_MONEY,
    ...STRATEGY,
  ],
  risk_events: [
    { name: 'ts', type: 'TIMESTAMP_NS' }, { name: 'kind', type: 'VARCHAR' }, { name: 'alert', type: 'VARCHAR' }, { name: 'reason', type: 'VARCHAR' },
    { name: 'symbol', type: 'VARCHAR' }, d('daily_pnl'), d('balance'), { name: 'halted', type: 'BOOLEAN' },
    { name: 'consecutive_losses', type: 'INTEGER' }, { name: 'positions', type: 'JSON' },
  ],
  alerts: [
    { name: 'ts', type: 'TIMESTAMP' }, { name: 'rule', type: 'VARCHAR' }, { name: 'state', type: 'VARCHAR' }, { name: 'severity', type: 'VARCHAR' },
    { name: 'message', type: 'VARCHAR' }, d('value'), { name: 'symbol', type: 'VARCHAR' },
  ],
  bars: [
    { name: 'symbol', type: 'VARCHAR' }, { name: 'timeframe', type: 'VARCHAR' }, { name: 'ts', type: 'TIMESTAMP_NS' },
    d('open'), d('high'), d('low'), d('close'), d('volume'), { name: 'trades', type: 'BIGINT' }, d('buy_volume'), d('sell_volume'), d('delta'),
    { name: 'stacked_buy', type: 'INTEGER' }, { name: 'stacked_sell', type: 'INTEGER' },
    { name: 'level_price', type: 'DOUBLE[]' }, { name: 'level_bid', type: 'DOUBLE[]' }, { name: 'level_ask', type: 'DOUBLE[]' },
  ],
  snapshots: [
    { name: 'symbol', type: 'VARCHAR' }, { name: 'sequence', type: 'UBIGINT' }, { name: 'ts', type: 'TIMESTAMP_NS' },
    { name: 'quality', type: 'INTEGER' }, { name: 'trades_total', type: 'UBIGINT' }, d('price'), d('bid'), d('ask'),
    d('poc'), d('vah'), d('val'), d('vwap'), d('vwap_upper1'), d('vwap_lower1'), d('vwap_upper2'), d('vwap_lower2'),
    { name: 'timeframes', type: 'VARCHAR[]' }, { name: 'closes', type: 'DOUBLE[]' },
  ],
};

/** Index of each column of a table's row (what the row builders fill). */
export function columnIndex(table: RowTable): Record<string, number> {
  return Object.fromEntries(COLUMNS[table].map((c, i) => [c.name, i]));
}

/** The sessions table: one row per `mia serve` or `mia backtest` run on the journal. */
export const SESSIONS_DDL = `CREATE TABLE IF NOT EXISTS sessions (
  session_id INTEGER PRIMARY KEY,
  command VARCHAR NOT NULL,
  started_at TIMESTAMP NOT NULL,
  stopped_at TIMESTAMP,
  config JSON,
  version VARCHAR,
  model_hashes VARCHAR[],
  clean_stop BOOLEAN,
  pid INTEGER,
  snapshot_ms DOUBLE,
  previous_session_id INTEGER,
  previous_lost JSON,
  summary JSON
)`;

/** Every CREATE statement, sessions first (idempotent: a journal is continued, never recreated). */
export function schemaDdl(): string[] {
  const out = [SESSIONS_DDL];
  for (const t of ROW_TABLES) {
    const cols = COLUMNS[t].map((c) => `  ${c.name} ${c.type}`).join(',\n');
    out.push(`CREATE TABLE IF NOT EXISTS ${t} (\n  session_id INTEGER NOT NULL,\n${cols}\n)`);
  }
  // A journal created by an older engine gains the columns added since (always appended last, so the
  // appender's positional rows still line up); a no-op on a new one.
  for (const t of ROW_TABLES) for (const c of COLUMNS[t]) out.push(`ALTER TABLE ${t} ADD COLUMN IF NOT EXISTS ${c.name} ${c.type}`);
  // The tables `mia journal export` and the report filter by time: zone maps serve them, no index needed.
  out.push('CREATE TABLE IF NOT EXISTS journal_meta (key VARCHAR PRIMARY KEY, value VARCHAR)');
  return out;
}

/** The schema's version, stored in journal_meta (a later schema adds columns with ALTER TABLE, never renames). */
export const SCHEMA_VERSION = '1';
