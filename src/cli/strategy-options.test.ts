import { Command } from 'commander';
import { describe, expect, test } from 'vitest';
import { strategiesOption, strategyConfig, strategyLines, tradingHoursOption, type StrategyCliOptions } from './strategy-options.js';

/** Parses `args` with the two options alone. */
function parse(args: string[]): StrategyCliOptions {
  const cmd = new Command('x').exitOverride().addOption(strategiesOption()).addOption(tradingHoursOption());
  cmd.parse(['node', 'x', ...args]);
  return cmd.opts<StrategyCliOptions>();
}

describe('--strategies and --trading-hours', () => {
  test('defaults: no strategy and no window, so decisions are the signal\'s at every hour', () => {
    expect(strategyConfig(parse([]))).toEqual({ enabled: [], tradingHours: null });
  });

  test('strategies bring the 09:00–16:00 window unless one is given', () => {
    expect(strategyConfig(parse(['--strategies', 'all']))).toEqual({ enabled: ['trend', 'range', 'defensive'], tradingHours: { startMinute: 540, endMinute: 960 } });
    expect(strategyConfig(parse(['--strategies', 'range', '--trading-hours', 'off']))).toEqual({ enabled: ['range'], tradingHours: null });
    expect(strategyConfig(parse(['--trading-hours', '18:00-17:00']))).toEqual({ enabled: [], tradingHours: { startMinute: 1080, endMinute: 1020 } });
  });

  test('a bad value is the command line\'s argument error, naming the flag', () => {
    expect(() => parse(['--strategies', 'scalp'])).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_ARGUMENT', message: expect.stringContaining('--strategies') }));
    expect(() => parse(['--trading-hours', '9-16'])).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_ARGUMENT', message: expect.stringContaining('--trading-hours') }));
  });

  test('one summary line per strategy', () => {
    expect(strategyLines({ trend: { trades: 3, netProfit: 48, winRate: 2 / 3, profitFactor: 1.44 }, range: { trades: 0, netProfit: 0, winRate: null, profitFactor: null } }))
      .toBe('mia: strategy trend: 3 trades, net 48.00 USD, win rate 66.7 %, profit factor 1.44\nmia: strategy range: 0 trades, net 0.00 USD, win rate -, profit factor -\n');
  });
});
