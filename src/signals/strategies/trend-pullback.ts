import { configError, ErrorCode } from '../../common/errors.js';
import { noEntry, type Strategy, type StrategyContext, type StrategyEntry } from './strategy.js';

/** Parameters of the trend-following pullback strategy. */
export interface TrendPullbackConfig {
  /** Largest distance, ticks, between the price and VWAP or POC that counts as a pullback to value. */
  pullbackTicks: number;
  /** Smallest |higher-timeframe confluence| in the trend's direction. */
  minConfluence: number;
  /** Target distance multiplier: trends run, so the target is wider than the risk engine's. */
  targetScale: number;
}

/** Defaults: a pullback within 4 ticks of VWAP or POC, confluence ≥ 0.2, target 1.5× the risk engine's. */
export const DEFAULT_TREND_PULLBACK_CONFIG: TrendPullbackConfig = { pullbackTicks: 4, minConfluence: 0.2, targetScale: 1.5 };

/**
 * Trend following (`trend`): enter in the trend's direction on a pullback to value.
 * - trend side: long when p_trend_up > p_trend_down, short when lower (a tie: no entry);
 * - higher-timeframe confluence agrees: confluence ≥ minConfluence for a long, ≤ −minConfluence for a short;
 * - the Battle Navale direction is the trend's (the order flow confirms the turn back into the trend);
 * - pullback: the price is within `pullbackTicks` of the session VWAP or POC.
 * Bracket: the risk engine's stop, its target × `targetScale`; full size.
 */
export class TrendPullback implements Strategy {
  readonly id = 'trend' as const;
  readonly config: TrendPullbackConfig;

  constructor(config: Partial<TrendPullbackConfig> = {}) {
    this.config = { ...DEFAULT_TREND_PULLBACK_CONFIG, ...config };
    const c = this.config;
    if (!(c.pullbackTicks >= 0) || !(c.minConfluence >= 0 && c.minConfluence <= 1) || !(c.targetScale > 0)) {
      throw configError(ErrorCode.BAD_CONFIG, 'trend strategy: pullbackTicks >= 0, minConfluence in [0, 1], targetScale > 0');
    }
  }

  /** The trend rules on one context. */
  decide(x: StrategyContext): StrategyEntry {
    const c = this.config;
    if (!x.market || x.confluence === null || x.price === null || !x.levels) return noEntry('trend-warming-up');
    const side = x.market.trendUp > x.market.trendDown ? 'long' : x.market.trendUp < x.market.trendDown ? 'short' : 'flat';
    if (side === 'flat') return noEntry('trend-no-side');
    const sign = side === 'long' ? 1 : -1;
    if (x.confluence * sign < c.minConfluence) return noEntry('trend-no-confluence');
    if (x.signalDirection !== side) return noEntry('trend-no-signal');
    const reach = c.pullbackTicks * x.tickSize;
    const nearVwap = x.levels.vwap > 0 && Math.abs(x.price - x.levels.vwap) <= reach;
    const nearPoc = x.levels.poc > 0 && Math.abs(x.price - x.levels.poc) <= reach;
    if (!nearVwap && !nearPoc) return noEntry('trend-no-pullback');
    return { direction: side, sizeFactor: 1, stopScale: 1, targetScale: c.targetScale, reason: nearVwap ? 'trend-pullback-vwap' : 'trend-pullback-poc' };
  }
}
