import type { DuckDBConnection } from '@duckdb/node-api';
import { configError, ErrorCode, MiaError } from '../common/errors.js';
import type { LabelInput, PathBar } from '../ml/trade-labeler.js';
import { FEATURE_NAMES } from '../signals/features.js';
import { openJournal } from './journal-reader.js';
import { sqlText } from './journal-store.js';

/**
 * Training samples from a journal (`mia train --from-journal`, docs/ml.md "Retraining"). The journal keeps what
 * training needs: every decision with its eight features, direction, score and price, and every closed 1m bar
 * (`mia serve` and `mia backtest --journal` alike). As `mia train` does on a replayed file (TrainingRows), one sample
 * is taken per closed base bar: the first decision at or after the bar's close, its direction (or the lean of its
 * score when flat), its price as the entry, and the bars after the closed one as its path; the labeller then
 * applies the bracket. Sessions over the same market time (a serve and a backtest of the same trades) count once:
 * bars are grouped by time and only the first decision after a close is kept.
 */

/** One sample's features and the market time of the decision it came from (ms since the epoch). */
export interface TimedRow {
  row: Float32Array;
  ms: number;
}

/** What to read. */
export interface JournalSampleOptions {
  /** The instrument; needed when the journal holds bars of several. */
  symbol?: string;
  /** Rolling window: only the last this many ms of market time (to the journal's last bar) are read. */
  windowMs?: number;
  /** The base timeframe, as the bars table names it, and its length (the signal engine's: `1m`, 60 000 ms). */
  timeframe: string;
  timeframeMs: number;
  /** Bars of path kept per sample: the label's horizon (the labeller reads no more; a long window would hold n² bars). */
  pathBars: number;
  /** Value of a feature the journal holds as null (still warming up): the models' missing value, 0. */
  missingFeature?: number;
}

/** The journal's samples to label, with what they were read from. */
export interface JournalSamples {
  symbol: string;
  inputs: LabelInput<TimedRow>[];
  /** Closed base bars read (after the window). */
  bars: number;
  /** Decisions read (after the window), of which `inputs` kept one per bar close. */
  decisions: number;
  /** Market time of the window's first and last bars, ms; null when the journal holds none. */
  fromMs: number | null;
  toMs: number | null;
}

async function query(conn: DuckDBConnection, path: string, sql: string): Promise<unknown[][]> {
  try {
    return (await conn.runAndReadAll(sql)).getRows() as unknown[][];
  } catch (e) {
    throw new MiaError(ErrorCode.JOURNAL_UNREADABLE, `${path}: cannot read training rows (${(e as Error).message})`, { file: path });
  }
}

/** The symbol to train on: the one given (which must have bars), or the only one with bars. */
async function pickSymbol(conn: DuckDBConnection, path: string, o: JournalSampleOptions): Promise<string> {
  const symbols = (await query(conn, path, `SELECT DISTINCT symbol FROM bars WHERE timeframe = ${sqlText(o.timeframe)} ORDER BY symbol`)).map((r) => String(r[0]));
  if (o.symbol !== undefined) {
    if (!symbols.includes(o.symbol)) {
      throw configError(ErrorCode.UNKNOWN_SYMBOL, `${path}: no ${o.timeframe} bars of ${o.symbol} in the journal (it holds: ${symbols.join(', ') || 'none'})`);
    }
    return o.symbol;
  }
  if (symbols.length > 1) throw configError(ErrorCode.MULTIPLE_INSTRUMENTS, `${path}: the journal holds bars of ${symbols.join(', ')}; choose one with --symbol`);
  if (symbols.length === 0) throw configError(ErrorCode.BAD_ARGUMENT, `${path}: the journal holds no ${o.timeframe} bars to train on (mia serve and mia backtest --journal record them)`);
  return symbols[0]!;
}

/** Reads the journal at `path` (read-only) into samples to label, oldest first. */
export async function journalSamples(path: string, o: JournalSampleOptions): Promise<JournalSamples> {
  const j = await openJournal(path, true);
  try {
    const symbol = await pickSymbol(j.conn, path, o);
    const where = `symbol = ${sqlText(symbol)}`;
    const tf = `timeframe = ${sqlText(o.timeframe)}`;
    const last = (await query(j.conn, path, `SELECT max(epoch_ns(ts)) FROM bars WHERE ${where} AND ${tf}`))[0]?.[0] as bigint | null;
    if (last === null || last === undefined) return { symbol, inputs: [], bars: 0, decisions: 0, fromMs: null, toMs: null };
    const cutoff = o.windowMs !== undefined ? last - BigInt(Math.round(o.windowMs)) * 1_000_000n : null;
    const since = cutoff !== null ? ` AND epoch_ns(ts) >= ${cutoff}` : '';
    // One row per bar time: sessions replaying the same market time journal the same bar.
    const bars = await query(j.conn, path,
      `SELECT epoch_ns(ts) AS t, any_value(high), any_value(low), any_value(close) FROM bars WHERE ${where} AND ${tf}${since} GROUP BY t ORDER BY t`);
    const features = FEATURE_NAMES.map((f) => `"${f}"`).join(', ');
    const decisions = await query(j.conn, path,
      `SELECT epoch_ns(ts), direction, score, price, ${features} FROM decisions WHERE ${where}${since} ORDER BY epoch_ns(ts), session_id, sequence`);
    return { symbol, ...pair(bars, decisions, o), bars: bars.length, decisions: decisions.length };
  } finally {
    j.close();
  }
}

/** The first decision after each bar close, with the bars that followed as its path. */
function pair(bars: unknown[][], decisions: unknown[][], o: JournalSampleOptions): Pick<JournalSamples, 'inputs' | 'fromMs' | 'toMs'> {
  const barNs = BigInt(o.timeframeMs) * 1_000_000n;
  const times = bars.map((b) => b[0] as bigint);
  const path: PathBar[] = bars.map((b) => ({ high: b[1] as number, low: b[2] as number }));
  const missing = o.missingFeature ?? 0;
  const inputs: LabelInput<TimedRow>[] = [];
  let closed = -1;
  let lastKept = -1;
  for (const d of decisions) {
    const t = d[0] as bigint;
    // The latest bar closed by the decision's time (the engine emits a close's bar before its snapshot).
    while (closed + 1 < times.length && times[closed + 1]! + barNs <= t) closed++;
    if (closed < 0 || closed === lastKept) continue;
    lastKept = closed;
    const dir = d[1] as string;
    const score = (d[2] as number | null) ?? 0;
    const direction = dir === 'long' || dir === 'short' ? dir : score > 0 ? 'long' : score < 0 ? 'short' : null;
    if (direction === null) continue;
    const row = new Float32Array(FEATURE_NAMES.length);
    for (let k = 0; k < FEATURE_NAMES.length; k++) row[k] = (d[4 + k] as number | null) ?? missing;
    const entryPrice = (d[3] as number | null) ?? (bars[closed]![3] as number);
    inputs.push({ features: { row, ms: Number(t / 1_000_000n) }, entryPrice, direction, path: path.slice(closed + 1, closed + 1 + o.pathBars) });
  }
  const ms = (i: number): number | null => (times[i] !== undefined ? Number(times[i]! / 1_000_000n) : null);
  return { inputs, fromMs: ms(0), toMs: ms(times.length - 1) };
}
