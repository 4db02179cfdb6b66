import type { StrategyContext } from './strategy.js';

/**
 * A hand-built strategy context for the strategy tests: ES (tick 0.25) at 5000, VWAP 5000, POC 4999,
 * value area 4995–5005, an up trend (0.7 / 0.1 / 0.2), normal volatility, confluence 0.5, a long signal at
 * confidence 0.9, no absorption. Each test overrides what its rule reads.
 */
export function context(over: Partial<StrategyContext> = {}): StrategyContext {
  return {
    signalDirection: 'long', confidence: 0.9, price: 5000, tickSize: 0.25,
    market: { trendUp: 0.7, trendDown: 0.1, range: 0.2 },
    volatility: { low: 0.2, normal: 0.6, high: 0.2 },
    confluence: 0.5, absorption: 0,
    levels: { vwap: 5000, poc: 4999, vah: 5005, val: 4995 },
    ...over,
  };
}
