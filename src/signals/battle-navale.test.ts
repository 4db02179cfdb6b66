import { describe, expect, test } from 'vitest';
import { battleNavale, checkBattleNavaleConfig, DEFAULT_BATTLE_NAVALE_CONFIG } from './battle-navale.js';
import type { FeatureVector } from './features.js';

const bullish: FeatureVector = {
  confluence_score: 0.6,
  momentum_flow: 0.4,
  trend_alignment: 1,
  volume_profile: 0.5,
  support_resistance: -0.2,
  market_regime_score: 0.5,
  volatility_regime: 0.5,
  time_factor: 1,
};
const negate = (f: FeatureVector): FeatureVector => ({
  ...f,
  confluence_score: -f.confluence_score!,
  momentum_flow: -f.momentum_flow!,
  trend_alignment: -f.trend_alignment!,
  volume_profile: -f.volume_profile!,
  support_resistance: -f.support_resistance!,
  market_regime_score: -f.market_regime_score!,
});

describe('battleNavale', () => {
  test('weighted mean 0.515 with 90 % of the weight agreeing is long (hand calculation)', () => {
    // 0.3·0.6 + 0.2·0.4 + 0.15·1 + 0.1·0.5 + 0.1·(−0.2) + 0.15·0.5 = 0.515; dissent: support_resistance 0.1
    const r = battleNavale(bullish, 0);
    expect(r.score).toBeCloseTo(0.515, 12);
    expect(r.confidence).toBeCloseTo(0.9, 12);
    expect(r.direction).toBe('long');
  });

  test('the mirror image is short', () => {
    const r = battleNavale(negate(bullish), 0);
    expect(r.score).toBeCloseTo(-0.515, 12);
    expect(r.direction).toBe('short');
  });

  test('overnight time factor 0.6 and P(high vol) 0.5 scale it to 0.515 · 0.6 · 0.75 = 0.23175: flat', () => {
    const r = battleNavale({ ...bullish, time_factor: 0.6 }, 0.5);
    expect(r.score).toBeCloseTo(0.23175, 12);
    expect(r.direction).toBe('flat');
  });

  test('a missing feature lowers confidence like a dissenting one: 0.6 < 0.75 is flat despite the score', () => {
    const r = battleNavale({ ...bullish, confluence_score: null }, 0);
    // present weight 0.7, Σ w·f = 0.335; agreeing 0.2 + 0.15 + 0.1 + 0.15 = 0.6 of 1.0
    expect(r.score).toBeCloseTo(0.335 / 0.7, 12);
    expect(r.confidence).toBeCloseTo(0.6, 12);
    expect(r.direction).toBe('flat');
  });

  test('thresholds are inclusive and configurable', () => {
    const only = { ...DEFAULT_BATTLE_NAVALE_CONFIG, weights: { confluence_score: 1, momentum_flow: 0, trend_alignment: 0, volume_profile: 0, support_resistance: 0, market_regime_score: 0 } };
    expect(battleNavale({ ...bullish, confluence_score: 0.25 }, 0, only).direction).toBe('long');
    expect(battleNavale({ ...bullish, confluence_score: -0.25 }, 0, only).direction).toBe('short');
    expect(battleNavale({ ...bullish, confluence_score: 0.3 }, 0, { ...only, longThreshold: 0.4 }).direction).toBe('flat');
    expect(battleNavale(bullish, 0, { ...DEFAULT_BATTLE_NAVALE_CONFIG, minConfidence: 0.95 }).direction).toBe('flat');
  });

  test('no directional feature yet: score 0, confidence 0, flat', () => {
    const none: FeatureVector = { confluence_score: null, momentum_flow: null, trend_alignment: null, volume_profile: null, support_resistance: null, market_regime_score: null, volatility_regime: null, time_factor: 1 };
    expect(battleNavale(none, 0)).toEqual({ score: 0, confidence: 0, direction: 'flat' });
  });

  test('out-of-range configuration is refused', () => {
    expect(() => checkBattleNavaleConfig({ ...DEFAULT_BATTLE_NAVALE_CONFIG, longThreshold: 0 })).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_CONFIG' }));
    expect(() => checkBattleNavaleConfig({ ...DEFAULT_BATTLE_NAVALE_CONFIG, shortThreshold: 0.25 })).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_CONFIG' }));
    expect(() => checkBattleNavaleConfig({ ...DEFAULT_BATTLE_NAVALE_CONFIG, minConfidence: 1.5 })).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_CONFIG' }));
  });
});
