import { describe, expect, test } from 'vitest';
import type { SnapshotInput } from '../../model/signal-input.js';
import type { SignalDecision } from '../signal-engine.js';
import { parseStrategies, StrategyBook, strategiesActive, STRATEGIES_OFF } from './strategy-book.js';
import { DEFAULT_TRADING_HOURS } from './trading-hours.js';

const IN_HOURS_MS = Date.parse('2024-01-16T15:00:00Z'); // 10:00 New York
const AFTER_HOURS_MS = Date.parse('2024-01-16T22:00:00Z'); // 17:00 New York

/** A hand-built decision at 5000.75 in an up trend, normal volatility, a long signal at confidence 0.9. */
function decision(over: Partial<SignalDecision> = {}): SignalDecision {
  return {
    symbol: 'ES', tsNs: 0n, score: 0.5, confidence: 0.9, direction: 'long',
    features: { confluence_score: 0.5, momentum_flow: null, trend_alignment: 1, volume_profile: 0, support_resistance: 0, market_regime_score: 0.6, volatility_regime: 0.5, time_factor: 1 },
    regime: { market: { trendUp: 0.7, trendDown: 0.1, range: 0.2 }, volatility: { low: 0.2, normal: 0.6, high: 0.2 }, timeframes: { '1m': 1, '5m': 1, '15m': 1, '1h': 1, '4h': 1 } },
    smartMoney: { largeFlow: 0, stacked: 0, absorption: 0, book: null, score: 0 },
    expiry: { phase: 'normal', factor: 1, daysToExpiry: 15 }, price: 5000.75, tradeDate: 0,
    ...over,
  };
}

/** A snapshot with one 1m frame: VWAP 5000, POC 4999, value 4995–5005. */
function input(tsMs: number): SnapshotInput {
  const session = { poc: 4999, vah: 5005, val: 4995, vwap: 5000, vwapUpper1: 0, vwapLower1: 0, vwapUpper2: 0, vwapLower2: 0, hvn: [] };
  return { symbol: 'ES', tsNs: BigInt(tsMs) * 1_000_000n, tsMs, tickSize: 0.25, quote: null, frames: [{ timeframe: '1m', close: 5000.75, lastClosed: null, session }] };
}

describe('StrategyBook', () => {
  test('all strategies, up trend: trend is selected and its pullback rule gives the long', () => {
    const book = new StrategyBook({ enabled: ['trend', 'range', 'defensive'], tradingHours: DEFAULT_TRADING_HOURS });
    const d = book.apply(decision(), input(IN_HOURS_MS), '1m');
    expect(d.direction).toBe('long');
    expect(d.strategy).toEqual({ id: 'trend', signalDirection: 'long', direction: 'long', sizeFactor: 1, stopScale: 1, targetScale: 1.5, reason: 'trend-pullback-vwap' });
  });

  test('the strategy can overrule the signal: range selected, no absorption, a long signal becomes flat', () => {
    const book = new StrategyBook({ enabled: ['range'], tradingHours: null });
    const d = book.apply(decision({ price: 5000.75 }), input(IN_HOURS_MS), '1m');
    expect(d.direction).toBe('flat');
    expect(d.strategy).toMatchObject({ id: 'range', signalDirection: 'long', reason: 'range-inside-value' });
  });

  test('outside the window the entry is withheld, the strategy still named', () => {
    const book = new StrategyBook({ enabled: ['trend'], tradingHours: DEFAULT_TRADING_HOURS });
    expect(book.apply(decision(), input(AFTER_HOURS_MS), '1m').strategy).toMatchObject({ id: 'trend', direction: 'flat', reason: 'outside-trading-hours' });
  });

  test('no strategy but a window: the signal passes in hours as `signal`', () => {
    const book = new StrategyBook({ enabled: [], tradingHours: DEFAULT_TRADING_HOURS });
    expect(book.apply(decision(), input(IN_HOURS_MS), '1m').strategy).toMatchObject({ id: 'signal', direction: 'long', reason: 'signal' });
    expect(book.apply(decision(), input(AFTER_HOURS_MS), '1m').direction).toBe('flat');
  });

  test('while the market regime warms up: strategy none, no entry', () => {
    const book = new StrategyBook({ enabled: ['trend', 'range'], tradingHours: null });
    const d = decision({ regime: { market: null, volatility: null, timeframes: { '1m': null, '5m': null, '15m': null, '1h': null, '4h': null } } });
    expect(book.apply(d, input(IN_HOURS_MS), '1m').strategy).toMatchObject({ id: 'none', direction: 'flat', reason: 'regime-warming-up' });
  });

  test('high volatility selects defensive: half size, tighter bracket', () => {
    const book = new StrategyBook({ enabled: ['trend', 'range', 'defensive'], tradingHours: null });
    const d = book.apply(decision({ regime: { ...decision().regime, volatility: { low: 0, normal: 0.3, high: 0.7 } } }), input(IN_HOURS_MS), '1m');
    expect(d.strategy).toMatchObject({ id: 'defensive', direction: 'long', sizeFactor: 0.5, stopScale: 0.75 });
  });

  test('reset forgets each symbol\'s pick: the next decision picks afresh', () => {
    const book = new StrategyBook({ enabled: ['trend', 'range'], tradingHours: null, selector: { confirmations: 5 } });
    book.apply(decision(), input(IN_HOURS_MS), '1m'); // trend, held against a range lead for 5 decisions
    const ranging = decision({ regime: { ...decision().regime, market: { trendUp: 0.1, trendDown: 0.1, range: 0.8 } } });
    expect(book.apply(ranging, input(IN_HOURS_MS), '1m').strategy!.id).toBe('trend');
    book.reset();
    expect(book.apply(ranging, input(IN_HOURS_MS), '1m').strategy!.id).toBe('range');
  });

  test('each symbol has its own selector', () => {
    const book = new StrategyBook({ enabled: ['trend', 'range'], tradingHours: null, selector: { confirmations: 5 } });
    book.apply(decision(), input(IN_HOURS_MS), '1m'); // ES: trend
    const ranging = decision({ symbol: 'NQ', regime: { ...decision().regime, market: { trendUp: 0.1, trendDown: 0.1, range: 0.8 } } });
    expect(book.apply(ranging, input(IN_HOURS_MS), '1m').strategy!.id).toBe('range');
  });
});

describe('--strategies and the off state', () => {
  test('all, off, and comma lists in the canonical order', () => {
    expect(parseStrategies('all')).toEqual(['trend', 'range', 'defensive']);
    expect(parseStrategies('off')).toEqual([]);
    expect(parseStrategies('defensive,trend')).toEqual(['trend', 'defensive']);
    expect(() => parseStrategies('trend,scalp')).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_CONFIG' }));
  });

  test('off with no window is inactive', () => {
    expect(strategiesActive(STRATEGIES_OFF)).toBe(false);
    expect(strategiesActive({ enabled: [], tradingHours: DEFAULT_TRADING_HOURS })).toBe(true);
  });
});
