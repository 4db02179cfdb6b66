import { configError, ErrorCode } from '../../common/errors.js';
import type { MarketRegimeProbabilities, VolatilityRegimeProbabilities } from '../regime.js';
import { STRATEGY_IDS, type StrategyId } from './strategy.js';

/** Hysteresis of the selector. */
export interface SelectorConfig {
  /** How much the challenger's support must exceed the current strategy's. */
  margin: number;
  /** Consecutive decisions the same challenger must lead by `margin` before it takes over. */
  confirmations: number;
}

/** Defaults: a lead of 0.1 on 3 decisions in a row. */
export const DEFAULT_SELECTOR_CONFIG: SelectorConfig = { margin: 0.1, confirmations: 3 };

/** Each strategy's support: the probability that the market is in the state the strategy is built for. */
export type StrategySupport = Record<StrategyId, number>;

/**
 * The support of each strategy from the regime probabilities, written into `out`:
 * defensive = p_vol_high; trend = (1 − p_vol_high) × max(p_trend_up, p_trend_down); range = (1 − p_vol_high) × p_range.
 * p_vol_high counts as 0 while the volatility regime is unknown. The three sum to at most 1.
 */
export function strategySupport(market: MarketRegimeProbabilities, volatility: VolatilityRegimeProbabilities | null, out: StrategySupport): StrategySupport {
  const high = volatility ? volatility.high : 0;
  out.defensive = high;
  out.trend = (1 - high) * Math.max(market.trendUp, market.trendDown);
  out.range = (1 - high) * market.range;
  return out;
}

/**
 * Picks one strategy per decision for one symbol, with hysteresis so a regime probability hovering at a
 * boundary does not flip strategies on every snapshot. The first pick is the best supported enabled strategy.
 * After that the current strategy stays until one challenger's support exceeds the current one's by `margin`
 * on `confirmations` consecutive decisions; a decision without such a lead (or led by another challenger)
 * restarts the count.
 */
export class StrategySelector {
  readonly config: SelectorConfig;
  private readonly enabled: readonly StrategyId[];
  private current: StrategyId | null = null;
  private challenger: StrategyId | null = null;
  private count = 0;

  constructor(enabled: readonly StrategyId[], config: Partial<SelectorConfig> = {}) {
    this.config = { ...DEFAULT_SELECTOR_CONFIG, ...config };
    if (enabled.length === 0) throw configError(ErrorCode.BAD_CONFIG, 'the strategy selector needs at least one strategy');
    if (!(this.config.margin >= 0) || !Number.isInteger(this.config.confirmations) || this.config.confirmations < 1) {
      throw configError(ErrorCode.BAD_CONFIG, 'selector: margin >= 0 and confirmations an integer >= 1');
    }
    // Ties go to the first in STRATEGY_IDS order, whatever order the caller listed them in.
    this.enabled = STRATEGY_IDS.filter((id) => enabled.includes(id));
  }

  /** The strategy in force before the next pick; null before the first. */
  get selected(): StrategyId | null {
    return this.current;
  }

  /** Takes one decision's supports and returns the strategy in force for it. */
  pick(support: StrategySupport): StrategyId {
    let best = this.enabled[0]!;
    for (const id of this.enabled) if (support[id] > support[best]) best = id;
    if (this.current === null || best === this.current) {
      this.current = best;
      this.challenger = null;
      this.count = 0;
      return best;
    }
    if (support[best] >= support[this.current] + this.config.margin) {
      this.count = this.challenger === best ? this.count + 1 : 1;
      this.challenger = best;
      if (this.count >= this.config.confirmations) {
        this.current = best;
        this.challenger = null;
        this.count = 0;
      }
    } else {
      this.challenger = null;
      this.count = 0;
    }
    return this.current;
  }

  /** Forgets the pick (a new session, a test). */
  reset(): void {
    this.current = null;
    this.challenger = null;
    this.count = 0;
  }
}
