import { configError, ErrorCode } from '../../common/errors.js';

/** Parameters of the three order-flow patterns (docs/signals.md "Order-flow patterns"). */
export interface PatternConfig {
  /** Absorption: aggressive volume of one side at one footprint row of the last closed bar, contracts, at or above which it is heavy. */
  absorptionVolume: number;
  /** Absorption: most ticks the bar went beyond that row in the aggressor's direction for the price to count as held. */
  absorptionMaxTicks: number;
  /** Exhaustion: prior closed bars whose extreme the last bar must exceed. */
  exhaustionBars: number;
  /** Exhaustion: the last bar's delta (in the extreme's direction) at most this share of the prior extreme bar's. */
  exhaustionDeltaRatio: number;
  /** Exhaustion: least |delta| of the prior extreme bar, contracts, for its push to count. */
  exhaustionMinDelta: number;
  /** Initiative: least stacked-imbalance runs (stackedBuy or stackedSell) in the breaking bar. */
  initiativeMinStacked: number;
}

/** Defaults: absorption 150 lots within 1 tick; exhaustion over 5 bars, delta ≤ 0.5× of at least 50; initiative 1 stack. */
export const DEFAULT_PATTERN_CONFIG: PatternConfig = {
  absorptionVolume: 150,
  absorptionMaxTicks: 1,
  exhaustionBars: 5,
  exhaustionDeltaRatio: 0.5,
  exhaustionMinDelta: 50,
  initiativeMinStacked: 1,
};

/** Checks a pattern configuration (BAD_CONFIG naming the field). */
export function checkPatternConfig(c: PatternConfig): void {
  const bad = (field: string, want: string): never => {
    throw configError(ErrorCode.BAD_CONFIG, `patterns.${field} must be ${want}`);
  };
  if (!(c.absorptionVolume > 0)) bad('absorptionVolume', '> 0');
  if (!(c.absorptionMaxTicks >= 0)) bad('absorptionMaxTicks', '>= 0');
  if (!Number.isInteger(c.exhaustionBars) || c.exhaustionBars < 1) bad('exhaustionBars', 'an integer >= 1');
  if (!(c.exhaustionDeltaRatio > 0 && c.exhaustionDeltaRatio < 1)) bad('exhaustionDeltaRatio', 'in (0, 1)');
  if (!(c.exhaustionMinDelta >= 0)) bad('exhaustionMinDelta', '>= 0');
  if (!Number.isInteger(c.initiativeMinStacked) || c.initiativeMinStacked < 1) bad('initiativeMinStacked', 'an integer >= 1');
}

/** Which side a pattern favours: +1 buyers, −1 sellers, 0 no pattern (the Decision's pattern_* bytes). */
export type PatternSide = -1 | 0 | 1;

/** One pattern's detection: the side it favours and the price it happened at (NaN with no pattern). */
export interface PatternHit {
  readonly side: PatternSide;
  readonly price: number;
}

/** No pattern. */
export const NO_PATTERN: PatternHit = Object.freeze({ side: 0, price: Number.NaN });
