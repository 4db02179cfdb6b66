/** What the metrics need of one closed trade. */
export interface MetricTrade {
  /** Net profit, dollars (after commission). */
  profit: number;
  /** CME trade date of the exit, as a day number (days since 1970-01-01). */
  exitDay: number;
}

/** Summary statistics of a backtest (docs/backtest.md defines each). */
export interface BacktestMetrics {
  trades: number;
  wins: number;
  losses: number;
  /** wins / trades; null without trades. */
  winRate: number | null;
  netProfit: number;
  grossProfit: number;
  /** Sum of the losing trades, a negative number or 0. */
  grossLoss: number;
  /** grossProfit / |grossLoss|; null when there is no losing trade. */
  profitFactor: number | null;
  /** Mean net profit per trade, dollars; null without trades. */
  expectancy: number | null;
  /** Largest fall of closed-trade equity from a previous peak, dollars (≥ 0). */
  maxDrawdown: number;
  /** maxDrawdown / the peak it fell from. */
  maxDrawdownPct: number;
  /**
   * Annualised Sharpe ratio of daily returns: each trade date's net profit over the starting balance, every
   * business trade date of the run counted (0 when nothing closed), mean / sample standard deviation · √252.
   * Null with fewer than two days or no variation.
   */
  sharpe: number | null;
  /** Trade dates the Sharpe ratio was computed over. */
  sharpeDays: number;
}

/** Trading days per year used to annualise the daily Sharpe ratio. */
export const TRADING_DAYS_PER_YEAR = 252;

/**
 * Metrics of a list of closed trades in exit order. `days` are the business trade dates the run covered
 * (the Sharpe ratio's periods); trades whose exit day is not among them still count everywhere else.
 */
export function computeMetrics(trades: readonly MetricTrade[], startingBalance: number, days: readonly number[]): BacktestMetrics {
  let wins = 0;
  let losses = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  let equity = startingBalance;
  let peak = startingBalance;
  let maxDrawdown = 0;
  let maxDrawdownPct = 0;
  for (const t of trades) {
    if (t.profit > 0) (wins++, (grossProfit += t.profit));
    else if (t.profit < 0) (losses++, (grossLoss += t.profit));
    equity += t.profit;
    if (equity > peak) peak = equity;
    const dd = peak - equity;
    if (dd > maxDrawdown) {
      maxDrawdown = dd;
      maxDrawdownPct = peak > 0 ? dd / peak : 0;
    }
  }
  const n = trades.length;
  const netProfit = grossProfit + grossLoss;
  const { sharpe, sharpeDays } = dailySharpe(trades, startingBalance, days);
  return {
    trades: n,
    wins,
    losses,
    winRate: n > 0 ? wins / n : null,
    netProfit,
    grossProfit,
    grossLoss,
    profitFactor: grossLoss < 0 ? grossProfit / -grossLoss : null,
    expectancy: n > 0 ? netProfit / n : null,
    maxDrawdown,
    maxDrawdownPct,
    sharpe,
    sharpeDays,
  };
}

function dailySharpe(trades: readonly MetricTrade[], startingBalance: number, days: readonly number[]): { sharpe: number | null; sharpeDays: number } {
  const byDay = new Map<number, number>();
  for (const d of days) byDay.set(d, 0);
  for (const t of trades) if (byDay.has(t.exitDay)) byDay.set(t.exitDay, byDay.get(t.exitDay)! + t.profit);
  const r = [...byDay.values()].map((p) => p / startingBalance);
  if (r.length < 2 || !(startingBalance > 0)) return { sharpe: null, sharpeDays: r.length };
  const mean = r.reduce((a, x) => a + x, 0) / r.length;
  const variance = r.reduce((a, x) => a + (x - mean) ** 2, 0) / (r.length - 1);
  const sd = Math.sqrt(variance);
  return { sharpe: sd > 0 ? (mean / sd) * Math.sqrt(TRADING_DAYS_PER_YEAR) : null, sharpeDays: r.length };
}
