import { configError, ErrorCode } from '../../common/errors.js';
import { noEntry, type Strategy, type StrategyContext, type StrategyEntry } from './strategy.js';

/** Parameters of the range mean-reversion strategy. */
export interface RangeFadeConfig {
  /** Largest distance, ticks, between the price and VAH (or VAL) that counts as testing the edge. */
  edgeTicks: number;
  /** Target distance multiplier: a fade aims back into value, shorter than a trend's run. */
  targetScale: number;
}

/** Defaults: within 2 ticks of the edge (or beyond it), target 1× the risk engine's. */
export const DEFAULT_RANGE_FADE_CONFIG: RangeFadeConfig = { edgeTicks: 2, targetScale: 1 };

/**
 * Range mean reversion (`range`): fade the value area's edges where the aggressors are absorbed.
 * - short at VAH: the price is at or above VAH − edgeTicks and buyers were absorbed (absorption −1);
 * - long at VAL: the price is at or below VAL + edgeTicks and sellers were absorbed (absorption +1);
 * - the Battle Navale direction is not asked to agree: a fade trades against the last push, which the
 *   momentum score follows.
 * Bracket: the risk engine's stop, its target × `targetScale`; full size.
 */
export class RangeFade implements Strategy {
  readonly id = 'range' as const;
  readonly config: RangeFadeConfig;

  constructor(config: Partial<RangeFadeConfig> = {}) {
    this.config = { ...DEFAULT_RANGE_FADE_CONFIG, ...config };
    if (!(this.config.edgeTicks >= 0) || !(this.config.targetScale > 0)) {
      throw configError(ErrorCode.BAD_CONFIG, 'range strategy: edgeTicks >= 0, targetScale > 0');
    }
  }

  /** The fade rules on one context. */
  decide(x: StrategyContext): StrategyEntry {
    const { levels, price } = x;
    // VAH above VAL: a value area with width (a single-price session has nothing to fade).
    if (price === null || !levels || !(levels.val > 0 && levels.vah > levels.val)) return noEntry('range-no-value-area');
    const reach = this.config.edgeTicks * x.tickSize;
    const ts = this.config.targetScale;
    if (price >= levels.vah - reach) {
      return x.absorption === -1 ? { direction: 'short', sizeFactor: 1, stopScale: 1, targetScale: ts, reason: 'range-fade-vah' } : noEntry('range-no-absorption');
    }
    if (price <= levels.val + reach) {
      return x.absorption === 1 ? { direction: 'long', sizeFactor: 1, stopScale: 1, targetScale: ts, reason: 'range-fade-val' } : noEntry('range-no-absorption');
    }
    return noEntry('range-inside-value');
  }
}
