import { configError, ErrorCode } from '../common/errors.js';
import { FEATURE_NAMES, type FeatureVector } from './features.js';

/** The directional features the composite weighs (volatility_regime and time_factor scale it instead). */
export const DIRECTIONAL_FEATURES = FEATURE_NAMES.filter(
  (n): n is Exclude<(typeof FEATURE_NAMES)[number], 'volatility_regime' | 'time_factor'> => n !== 'volatility_regime' && n !== 'time_factor',
);

/** One of the directional features. */
export type DirectionalFeature = (typeof DIRECTIONAL_FEATURES)[number];

/** Parameters of the Battle Navale score. */
export interface BattleNavaleConfig {
  weights: Record<DirectionalFeature, number>;
  /** Score at or above which the decision is long. */
  longThreshold: number;
  /** Score at or below which the decision is short (a negative number). */
  shortThreshold: number;
  /** Confidence below which the decision is flat whatever the score. */
  minConfidence: number;
  /** Share of the score removed at full high-volatility probability. */
  highVolatilityPenalty: number;
}

/** Defaults: long ≥ 0.25, short ≤ −0.25, confidence ≥ 0.75 (the original system), penalty 0.5. */
export const DEFAULT_BATTLE_NAVALE_CONFIG: BattleNavaleConfig = {
  weights: {
    confluence_score: 0.3,
    momentum_flow: 0.2,
    trend_alignment: 0.15,
    volume_profile: 0.1,
    support_resistance: 0.1,
    market_regime_score: 0.15,
  },
  longThreshold: 0.25,
  shortThreshold: -0.25,
  minConfidence: 0.75,
  highVolatilityPenalty: 0.5,
};

/** The composite and its decision. */
export interface BattleNavaleScore {
  /** In [−1, 1]. */
  score: number;
  /** In [0, 1]. */
  confidence: number;
  direction: 'long' | 'short' | 'flat';
}

/** Throws when thresholds or weights are out of range. */
export function checkBattleNavaleConfig(c: BattleNavaleConfig): void {
  let total = 0;
  for (const k of DIRECTIONAL_FEATURES) {
    const w = c.weights[k];
    if (!(w >= 0) || !Number.isFinite(w)) throw configError(ErrorCode.BAD_CONFIG, `Battle Navale weight of ${k} must be a finite number >= 0`);
    total += w;
  }
  if (total <= 0) throw configError(ErrorCode.BAD_CONFIG, 'Battle Navale weights are all 0');
  if (!(c.longThreshold > 0 && c.longThreshold <= 1)) throw configError(ErrorCode.BAD_CONFIG, 'longThreshold must be in (0, 1]');
  if (!(c.shortThreshold < 0 && c.shortThreshold >= -1)) throw configError(ErrorCode.BAD_CONFIG, 'shortThreshold must be in [-1, 0)');
  if (!(c.minConfidence >= 0 && c.minConfidence <= 1)) throw configError(ErrorCode.BAD_CONFIG, 'minConfidence must be in [0, 1]');
  if (!(c.highVolatilityPenalty >= 0 && c.highVolatilityPenalty <= 1)) throw configError(ErrorCode.BAD_CONFIG, 'highVolatilityPenalty must be in [0, 1]');
}

/**
 * The Battle Navale composite:
 * raw = Σ wᵢ·fᵢ / Σ wᵢ over the directional features present;
 * score = clamp(raw · time_factor · (1 − highVolatilityPenalty · P(high volatility)), −1, 1);
 * confidence = Σ wᵢ over present features whose sign equals sign(raw), divided by Σ wᵢ over all
 * directional features, so a missing feature lowers confidence the same way a dissenting one does;
 * direction = long when score ≥ longThreshold and confidence ≥ minConfidence, short when score ≤
 * shortThreshold and confidence ≥ minConfidence, flat otherwise.
 */
export function battleNavale(f: FeatureVector, pHighVolatility: number, c: BattleNavaleConfig = DEFAULT_BATTLE_NAVALE_CONFIG): BattleNavaleScore {
  let total = 0;
  let present = 0;
  let sum = 0;
  for (const k of DIRECTIONAL_FEATURES) {
    const w = c.weights[k];
    total += w;
    const v = f[k];
    if (v === null || w === 0) continue;
    present += w;
    sum += w * v;
  }
  if (present === 0) return { score: 0, confidence: 0, direction: 'flat' };
  const raw = sum / present;
  const sign = Math.sign(raw);
  let agree = 0;
  if (sign !== 0) {
    for (const k of DIRECTIONAL_FEATURES) {
      const v = f[k];
      if (v !== null && Math.sign(v) === sign) agree += c.weights[k];
    }
  }
  const confidence = agree / total;
  const scaled = raw * f.time_factor * (1 - c.highVolatilityPenalty * pHighVolatility);
  const score = scaled < -1 ? -1 : scaled > 1 ? 1 : scaled;
  let direction: BattleNavaleScore['direction'] = 'flat';
  if (confidence >= c.minConfidence) {
    if (score >= c.longThreshold) direction = 'long';
    else if (score <= c.shortThreshold) direction = 'short';
  }
  return { score, confidence, direction };
}
