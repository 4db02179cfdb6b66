import { describe, expect, test } from 'vitest';
import { RiskEngine } from '../risk/risk-engine.js';
import type { SignalDecision } from '../signals/signal-engine.js';
import type { StrategyVerdict } from '../signals/strategies/strategy.js';
import { ML_OFF, riskVerdict } from './decision-verdicts.js';

/** A long ES decision at 5000; only the fields the verdict reads carry meaning. */
function decision(strategy?: StrategyVerdict): SignalDecision {
  return {
    symbol: 'ES', tsNs: 0n, score: 0.5, confidence: 0.9, direction: 'long',
    features: { confluence_score: 0.5, momentum_flow: null, trend_alignment: 1, volume_profile: 0, support_resistance: 0, market_regime_score: 0, volatility_regime: null, time_factor: 1 },
    regime: { market: null, volatility: null, timeframes: { '1m': null, '5m': null, '15m': null, '1h': null, '4h': null } },
    smartMoney: { largeFlow: null, stacked: null, absorption: null, book: null, score: null },
    expiry: { phase: 'normal', factor: 1, daysToExpiry: 15 }, price: 5000, tradeDate: 0,
    ...(strategy ? { strategy } : {}),
  };
}

describe('riskVerdict with a strategy', () => {
  // Balance 10,000, p 0.55, 8/16 ticks: Kelly 0.55 − 0.45/2 = 0.325, quarter Kelly stake 812.50.
  const risk = (): RiskEngine => new RiskEngine(10_000, { maxPosition: 20, dailyLossLimit: 5000 });

  test('without a strategy: 812.50 / (8 ticks × 12.50) = 8 contracts, stop 8 and target 16 ticks away', () => {
    expect(riskVerdict(risk(), decision(), ML_OFF, 5000, 0.55)).toMatchObject({ approved: true, qty: 8, stopPrice: 4998, targetPrice: 5004 });
  });

  test('the defensive verdict: half the stake over a 6/12-tick bracket is 406.25 / 75 = 5 contracts', () => {
    const defensive: StrategyVerdict = { id: 'defensive', signalDirection: 'long', direction: 'long', sizeFactor: 0.5, stopScale: 0.75, targetScale: 0.75, reason: 'defensive-signal' };
    expect(riskVerdict(risk(), decision(defensive), ML_OFF, 5000, 0.55)).toMatchObject({ approved: true, qty: 5, stopPrice: 4998.5, targetPrice: 5003 });
  });
});
