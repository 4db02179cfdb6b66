import type { BarInput, SessionInput } from '../../model/signal-input.js';
import type { PatternConfig, PatternSide } from './pattern-config.js';

/**
 * Initiative: stacked imbalances breaking out of value. With the session's value area (VAH/VAL, docs/domain.md)
 * at the decision:
 * - buyers' initiative (side +1): the last closed bar has at least `initiativeMinStacked` stacked buy
 *   imbalance runs (stackedBuy, docs/features.md), opened at or below VAH and closed above it;
 * - sellers' initiative (side −1): at least `initiativeMinStacked` stacked sell runs, opened at or above VAL
 *   and closed below it.
 * The price is the value-area edge broken (VAH for +1, VAL for −1). No value area yet (VAH or VAL 0 before
 * the session's first trade): none. Returns the side only, so a decision allocates nothing. O(1).
 */
export function initiativeSide(bar: BarInput, s: Pick<SessionInput, 'vah' | 'val'>, c: PatternConfig): PatternSide {
  if (!(s.vah > 0) || !(s.val > 0)) return 0;
  if (bar.stackedBuy >= c.initiativeMinStacked && bar.open <= s.vah && bar.close > s.vah && bar.stackedBuy > bar.stackedSell) return 1;
  if (bar.stackedSell >= c.initiativeMinStacked && bar.open >= s.val && bar.close < s.val && bar.stackedSell > bar.stackedBuy) return -1;
  return 0;
}
