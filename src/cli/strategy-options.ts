import { Option } from 'commander';
import { configError, ErrorCode, isMiaError } from '../common/errors.js';
import { parseStrategies, type StrategyBookConfig } from '../signals/strategies/strategy-book.js';
import type { StrategyId } from '../signals/strategies/strategy.js';
import { DEFAULT_TRADING_HOURS, parseTradingHours, type TradingHours } from '../signals/strategies/trading-hours.js';

/** The parsed `--strategies` and `--trading-hours` (undefined: not given). */
export interface StrategyCliOptions {
  strategies: StrategyId[];
  /** `off` rather than null: commander stores a parser's null as an empty string. */
  tradingHours?: TradingHours | 'off';
}

/** A parser whose configuration error becomes the command line's argument error, naming the flag. */
function asArgument<T>(flag: string, parse: (text: string) => T) {
  return (text: string): T => {
    try {
      return parse(text);
    } catch (e) {
      if (isMiaError(e)) throw configError(ErrorCode.BAD_ARGUMENT, `${flag}: ${e.message}`);
      throw e;
    }
  };
}

/** `--strategies` as a commander option (`mia backtest`, `mia serve`): default off. */
export function strategiesOption(): Option {
  return new Option('--strategies <list>', 'strategies the selector may pick per regime: trend,range,defensive, all, or off ' +
    '(the Battle Navale direction as it is; docs/signals.md)').argParser(asArgument('--strategies', parseStrategies)).default([], 'off');
}

/** `--trading-hours` as a commander option: no default here (see {@link strategyConfig}). */
export function tradingHoursOption(): Option {
  return new Option('--trading-hours <window>', 'entries only in this New York time window, HH:MM-HH:MM (may wrap midnight), or off ' +
    '(default: 09:00-16:00 with --strategies, off without)').argParser(asArgument('--trading-hours', (text) => parseTradingHours(text) ?? 'off'));
}

/**
 * The strategy configuration of the parsed options: the window defaults to 09:00–16:00 New York (the original
 * system's) once a strategy is enabled, and to every hour when none is (so runs without `--strategies` decide
 * as before).
 */
export function strategyConfig(o: StrategyCliOptions): StrategyBookConfig {
  const tradingHours = o.tradingHours === 'off' ? null : o.tradingHours ?? (o.strategies.length > 0 ? DEFAULT_TRADING_HOURS : null);
  return { enabled: o.strategies, tradingHours };
}

/** What a per-strategy summary line shows of a strategy's metrics. */
interface StrategySummary {
  trades: number;
  netProfit: number;
  winRate: number | null;
  profitFactor: number | null;
}

/** One stderr line per strategy of a backtest: `mia: strategy trend: 12 trades, net 340.00 USD, win rate 58.3 %, profit factor 1.40`. */
export function strategyLines(byStrategy: Record<string, StrategySummary>): string {
  const pct = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(1)} %`);
  return Object.entries(byStrategy).map(([id, m]) =>
    `mia: strategy ${id}: ${m.trades} trades, net ${m.netProfit.toFixed(2)} USD, win rate ${pct(m.winRate)}, profit factor ${m.profitFactor?.toFixed(2) ?? '-'}\n`).join('');
}
