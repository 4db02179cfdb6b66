import type { BarInput } from '../../model/signal-input.js';
import { NO_PATTERN, type PatternConfig, type PatternHit } from './pattern-config.js';

/**
 * Absorption in one closed bar's footprint: heavy aggressive volume at a row that fails to move the price.
 * - buyers absorbed (bearish, side −1): the row with the most ask (buy-aggressor) volume has at least
 *   `absorptionVolume`, and the bar's high is at most `absorptionMaxTicks` ticks above that row;
 * - sellers absorbed (bullish, side +1): the row with the most bid volume has at least `absorptionVolume`, and
 *   the low is at most `absorptionMaxTicks` ticks below it.
 * When both hold, the heavier side wins (equal: none). The price is the absorbing row's. A bar without
 * footprint rows has no absorption. O(rows), no allocation beyond the result.
 */
export function detectAbsorption(bar: BarInput, tickSize: number, c: PatternConfig): PatternHit {
  const levels = bar.levels;
  if (!levels || levels.length === 0) return NO_PATTERN;
  let askMax = -1;
  let askPrice = Number.NaN;
  let bidMax = -1;
  let bidPrice = Number.NaN;
  for (const l of levels) {
    if (l.ask > askMax) (askMax = l.ask), (askPrice = l.price);
    if (l.bid > bidMax) (bidMax = l.bid), (bidPrice = l.price);
  }
  // Half a tick of slack: prices are multiples of the tick, their differences not exactly so in binary.
  const reach = (c.absorptionMaxTicks + 0.5) * tickSize;
  const buyersAbsorbed = askMax >= c.absorptionVolume && bar.high - askPrice < reach;
  const sellersAbsorbed = bidMax >= c.absorptionVolume && bidPrice - bar.low < reach;
  if (buyersAbsorbed && (!sellersAbsorbed || askMax > bidMax)) return { side: -1, price: askPrice };
  if (sellersAbsorbed && (!buyersAbsorbed || bidMax > askMax)) return { side: 1, price: bidPrice };
  return NO_PATTERN;
}
