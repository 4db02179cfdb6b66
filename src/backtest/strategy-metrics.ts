import type { TradeRecord } from '../execution/signal-trader.js';
import { tradeDate } from '../model/calendar/us-eastern-time.js';
import { nsToMs } from '../model/time.js';
import { strategyIdOf } from '../signals/strategies/strategy-book.js';
import { computeMetrics, type BacktestMetrics } from './backtest-metrics.js';

/**
 * The backtest's metrics of each strategy's trades (the strategy of the decision that opened the trade; `signal`
 * when strategies are off), keys sorted. Each is {@link computeMetrics} over that strategy's trades alone, from
 * the same starting balance and over the same business days, so trades, wins, losses and the profit sums add up
 * to the run's totals; drawdown and Sharpe are each strategy's own and do not add up.
 */
export function metricsByStrategy(trades: readonly TradeRecord[], startingBalance: number, days: readonly number[]): Record<string, BacktestMetrics> {
  const groups = new Map<string, TradeRecord[]>();
  for (const t of trades) {
    const id = strategyIdOf(t.decision);
    let g = groups.get(id);
    if (!g) groups.set(id, (g = []));
    g.push(t);
  }
  const out: Record<string, BacktestMetrics> = {};
  for (const id of [...groups.keys()].sort()) {
    out[id] = computeMetrics(groups.get(id)!.map((t) => ({ profit: t.trip.netUsd, exitDay: tradeDate(nsToMs(t.trip.exitNs)) })), startingBalance, days);
  }
  return out;
}
