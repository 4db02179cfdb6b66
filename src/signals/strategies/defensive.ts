import { configError, ErrorCode } from '../../common/errors.js';
import { noEntry, type Strategy, type StrategyContext, type StrategyEntry } from './strategy.js';

/** Parameters of the defensive strategy. */
export interface DefensiveConfig {
  /** p_vol_high at or above which no entry is made at all. */
  noEntryVolHigh: number;
  /** Smallest Battle Navale confidence for an entry (stricter than the signal engine's own minimum). */
  minConfidence: number;
  /** Stake multiplier of an entry. */
  sizeFactor: number;
  /** Stop and target multipliers: a tighter bracket, out sooner either way. */
  stopScale: number;
  targetScale: number;
}

/** Defaults: no entry at p_vol_high ≥ 0.8; else confidence ≥ 0.8, half size, stop and target × 0.75. */
export const DEFAULT_DEFENSIVE_CONFIG: DefensiveConfig = { noEntryVolHigh: 0.8, minConfidence: 0.8, sizeFactor: 0.5, stopScale: 0.75, targetScale: 0.75 };

/**
 * Defensive (`defensive`), for high volatility: smaller entries or none.
 * - no entry when p_vol_high ≥ noEntryVolHigh, or while the volatility regime is unknown;
 * - otherwise the Battle Navale direction, when its confidence is at least `minConfidence`;
 * - size × sizeFactor, stop × stopScale, target × targetScale.
 */
export class Defensive implements Strategy {
  readonly id = 'defensive' as const;
  readonly config: DefensiveConfig;

  constructor(config: Partial<DefensiveConfig> = {}) {
    this.config = { ...DEFAULT_DEFENSIVE_CONFIG, ...config };
    const c = this.config;
    if (!(c.noEntryVolHigh >= 0 && c.noEntryVolHigh <= 1) || !(c.minConfidence >= 0 && c.minConfidence <= 1) || !(c.sizeFactor > 0 && c.sizeFactor <= 1)
      || !(c.stopScale > 0) || !(c.targetScale > 0)) {
      throw configError(ErrorCode.BAD_CONFIG, 'defensive strategy: noEntryVolHigh and minConfidence in [0, 1], sizeFactor in (0, 1], scales > 0');
    }
  }

  /** The defensive rules on one context. */
  decide(x: StrategyContext): StrategyEntry {
    const c = this.config;
    if (!x.volatility) return noEntry('defensive-warming-up');
    if (x.volatility.high >= c.noEntryVolHigh) return noEntry('defensive-vol-too-high');
    if (x.signalDirection === 'flat') return noEntry('defensive-no-signal');
    if (x.confidence < c.minConfidence) return noEntry('defensive-low-confidence');
    return { direction: x.signalDirection, sizeFactor: c.sizeFactor, stopScale: c.stopScale, targetScale: c.targetScale, reason: 'defensive-signal' };
  }
}
