import type { UnixNanos } from '../model/time.js';

/**
 * What `mia report` reads of the journal, as typed rows: the column contract of issue 13 (sessions, trades,
 * bars), nothing else. The journal reader fills these; everything after it is pure computation on them.
 */

/** Side of a round trip. */
export type TradeSide = 'long' | 'short';

/** Timeframe directions in [−1, 1] at entry (null: the timeframe was still warming up or not journaled). */
export interface EntryDirections {
  d1m: number | null;
  d5m: number | null;
  d15m: number | null;
  d1h: number | null;
  d4h: number | null;
}

/** Regime probabilities at entry (null when the regime model had no value yet). */
export interface EntryRegime {
  pTrendUp: number | null;
  pTrendDown: number | null;
  pRange: number | null;
  pVolLow: number | null;
  pVolNormal: number | null;
  pVolHigh: number | null;
}

/** One closed round trip of the journal's `trades` table. */
export interface ReportTrade {
  sessionId: number;
  tradeId: number;
  symbol: string;
  side: TradeSide;
  qty: number;
  entryNs: UnixNanos;
  entryPrice: number;
  exitNs: UnixNanos;
  exitPrice: number;
  /** 'stop', 'target', 'close', 'end', 'flatten' … as the journal wrote it. */
  exitReason: string;
  /** Net profit, dollars (after commission), as `mia backtest`'s `profit`. */
  pnlUsd: number;
  stopPrice: number;
  targetPrice: number;
  tickSize: number;
  /** Battle Navale score of the entry decision, in [−1, 1]. */
  score: number;
  confidence: number;
  /** Mean of the ML ensemble's scores; null when the ML filter was off. */
  mlMean: number | null;
  confluenceScore: number | null;
  directions: EntryDirections;
  regime: EntryRegime;
  /** The strategy that opened the trade (journal `strategy_id`, docs/signals.md); absent in journals before it (counted as `signal`). */
  strategy?: string;
}

/** One closed bar of the journal's `bars` table (the near-target check reads the highs and lows). */
export interface ReportBar {
  sessionId: number;
  symbol: string;
  /** As the journal names it: '1m', '5m' … */
  timeframe: string;
  /** Bar open. */
  tsNs: UnixNanos;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** One row of the journal's `sessions` table (the report's provenance section). */
export interface ReportSession {
  sessionId: number;
  command: string;
  startedNs: UnixNanos;
  /** Null while the session runs or when it did not stop cleanly. */
  stoppedNs: UnixNanos | null;
  version: string;
  modelHashes: string[];
  cleanStop: boolean;
  /** The starting balance in the session's config (`balance` or `startingBalance`), when it has one. */
  balance: number | null;
}

/** A report's period: inclusive CME trade dates as day numbers (days since 1970-01-01). */
export interface ReportPeriod {
  /** `2026-06-17` or `2026-W25`, as given. */
  label: string;
  kind: 'date' | 'week';
  firstDay: number;
  lastDay: number;
}

/** Everything the report is computed from. */
export interface ReportInput {
  period: ReportPeriod;
  /** Sessions whose run overlaps the period, by session id. */
  sessions: ReportSession[];
  /** Trades whose exit falls on a trade date of the period, in exit order (then session, trade id). */
  trades: ReportTrade[];
  /**
   * Bars of the trades' symbols over the trades' time span; null when the journal has no `bars` table (an
   * older journal): the near-target lesson then says it could not be checked.
   */
  bars: ReportBar[] | null;
  /**
   * Times of the period's first and last decision (the Sharpe ratio's days run from the first decision's
   * trade date, as `mia backtest` counts them); null without a decisions table or a decision in the period.
   */
  decisionSpan: { firstNs: UnixNanos; lastNs: UnixNanos } | null;
  /** Trade dates of the journal holding trades outside the period (a report of an empty day names them). */
  otherTradeDays: number[];
}
