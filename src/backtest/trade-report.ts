import { isoNs } from '../model/time.js';
import { FEATURE_NAMES } from '../signals/features.js';
import type { TradeRecord } from '../execution/signal-trader.js';
import { strategyIdOf } from '../signals/strategies/strategy-book.js';

/**
 * A column of the trades file: name, DuckDB type for the Parquet copy, and its text in the CSV. Times are
 * TIMESTAMP_NS: DuckDB parses the CSV's ISO text to ns and writes a Parquet INT64 TIMESTAMP(NANOS) column.
 */
interface Column {
  name: string;
  type: 'BIGINT' | 'VARCHAR' | 'DOUBLE' | 'TIMESTAMP_NS';
  value: (t: TradeRecord) => string;
}

/** Fixed decimals per kind of number, so equal runs print equal bytes and files diff cleanly. */
const price = (x: number): string => x.toFixed(4);
const money = (x: number): string => x.toFixed(2);
const unit = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '' : x.toFixed(6));

/** Every column in file order (docs/backtest.md describes each). */
export const TRADE_COLUMNS: readonly Column[] = [
  { name: 'trade_id', type: 'BIGINT', value: (t) => String(t.tradeId) },
  { name: 'symbol', type: 'VARCHAR', value: (t) => t.trip.symbol },
  { name: 'side', type: 'VARCHAR', value: (t) => t.trip.side },
  { name: 'entry_time', type: 'TIMESTAMP_NS', value: (t) => isoNs(t.trip.entryNs) },
  { name: 'entry_price', type: 'DOUBLE', value: (t) => price(t.trip.entryPrice) },
  { name: 'exit_time', type: 'TIMESTAMP_NS', value: (t) => isoNs(t.trip.exitNs) },
  { name: 'exit_price', type: 'DOUBLE', value: (t) => price(t.trip.exitPrice) },
  { name: 'qty', type: 'BIGINT', value: (t) => String(t.trip.qty) },
  { name: 'profit', type: 'DOUBLE', value: (t) => money(t.trip.netUsd) },
  { name: 'gross_profit', type: 'DOUBLE', value: (t) => money(t.trip.grossUsd) },
  { name: 'commission', type: 'DOUBLE', value: (t) => money(t.trip.commissionUsd) },
  { name: 'exit_reason', type: 'VARCHAR', value: (t) => t.exitReason },
  { name: 'signal_time', type: 'TIMESTAMP_NS', value: (t) => isoNs(t.decisionNs) },
  { name: 'p_trend_up', type: 'DOUBLE', value: (t) => unit(t.decision.regime.market?.trendUp) },
  { name: 'p_trend_down', type: 'DOUBLE', value: (t) => unit(t.decision.regime.market?.trendDown) },
  { name: 'p_range', type: 'DOUBLE', value: (t) => unit(t.decision.regime.market?.range) },
  { name: 'p_vol_low', type: 'DOUBLE', value: (t) => unit(t.decision.regime.volatility?.low) },
  { name: 'p_vol_normal', type: 'DOUBLE', value: (t) => unit(t.decision.regime.volatility?.normal) },
  { name: 'p_vol_high', type: 'DOUBLE', value: (t) => unit(t.decision.regime.volatility?.high) },
  { name: 'score', type: 'DOUBLE', value: (t) => unit(t.decision.score) },
  { name: 'confidence', type: 'DOUBLE', value: (t) => unit(t.decision.confidence) },
  ...FEATURE_NAMES.map((f): Column => ({ name: f, type: 'DOUBLE', value: (t) => unit(t.decision.features[f]) })),
  { name: 'ml_mean', type: 'DOUBLE', value: (t) => unit(t.ml?.mean) },
  // One column per model would fix the ensemble's size in the schema; the scores travel as one field.
  { name: 'ml_scores', type: 'VARCHAR', value: (t) => (t.ml ? t.ml.scores.map((s) => s.toFixed(6)).join(';') : '') },
  // The strategy that opened the trade (docs/signals.md "Strategies"): `signal` when strategies are off.
  { name: 'strategy_id', type: 'VARCHAR', value: (t) => strategyIdOf(t.decision) },
  { name: 'strategy_reason', type: 'VARCHAR', value: (t) => t.decision.strategy?.reason ?? '' },
  { name: 'signal_direction', type: 'VARCHAR', value: (t) => t.decision.strategy?.signalDirection ?? t.decision.direction },
];

/** The trades as CSV text: a header and one line per trade in trade-id order, `\n` line ends. */
export function tradesCsv(trades: readonly TradeRecord[]): string {
  const rows = [...trades].sort((a, b) => a.tradeId - b.tradeId);
  const lines = [TRADE_COLUMNS.map((c) => c.name).join(',')];
  // No value holds a comma, quote or newline (symbols, ISO times, numbers, fixed words), so none is quoted.
  for (const t of rows) lines.push(TRADE_COLUMNS.map((c) => c.value(t)).join(','));
  return lines.join('\n') + '\n';
}
