import type { MarketRegimeProbabilities, VolatilityRegimeProbabilities } from '../regime.js';

/** The strategies a selector can pick, one per market state (docs/signals.md, "Strategies"). */
export type StrategyId = 'trend' | 'range' | 'defensive';

/** Every strategy, in the order `--strategies` lists them. */
export const STRATEGY_IDS: readonly StrategyId[] = ['trend', 'range', 'defensive'];

/**
 * The strategy id a decision carries: one of {@link StrategyId}; `signal` when no strategy is enabled (the
 * Battle Navale direction traded as it is); `none` while the regimes warm up (nothing to select from).
 */
export type DecisionStrategyId = StrategyId | 'signal' | 'none';

/** Long, short or flat, as a decision's direction. */
export type Direction = 'long' | 'short' | 'flat';

/** The session levels a strategy reads (0 before the session's first trade, as the stream shows them). */
export interface StrategyLevels {
  vwap: number;
  poc: number;
  vah: number;
  val: number;
}

/** What a strategy decides from: the signal engine's decision reduced to the numbers the rules read. */
export interface StrategyContext {
  /** The Battle Navale direction (before any strategy rule). */
  signalDirection: Direction;
  /** Battle Navale confidence in [0, 1]. */
  confidence: number;
  /** Decision price; null when unknown (no entry then). */
  price: number | null;
  /** Instrument tick size. */
  tickSize: number;
  market: MarketRegimeProbabilities | null;
  volatility: VolatilityRegimeProbabilities | null;
  /** Higher-timeframe confluence score in [−1, 1] (positive: the timeframes point up); null while warming up. */
  confluence: number | null;
  /** Smart-money absorption: +1 sellers absorbed (bullish), −1 buyers absorbed (bearish), 0 or null neither. */
  absorption: number | null;
  /** The base timeframe's session levels; null when unknown. */
  levels: StrategyLevels | null;
}

/**
 * One strategy's answer: a direction (flat: no entry), the multiplier of the risk engine's stake, and the
 * multipliers of its stop and target distances (the bracket), with a short reason code saying which rule decided.
 */
export interface StrategyEntry {
  direction: Direction;
  /** Multiplies the risk engine's stake (Kelly × multiplier × expiry factor); 1 = unchanged. */
  sizeFactor: number;
  /** Multiplies the risk engine's stop distance (ticks, rounded, at least 1). */
  stopScale: number;
  /** Multiplies the risk engine's target distance (ticks, rounded, at least 1). */
  targetScale: number;
  /** Kebab-case reason code (docs/signals.md lists them). */
  reason: string;
}

/** A strategy: pure rules from a context to an entry or no entry; no state, no clock. */
export interface Strategy {
  readonly id: StrategyId;
  decide(c: StrategyContext): StrategyEntry;
}

/** What a decision carries about the strategy that shaped it (the Decision frame's strategy_* fields). */
export interface StrategyVerdict extends StrategyEntry {
  id: DecisionStrategyId;
  /** The Battle Navale direction before the strategy's rules (`direction` is the strategy's). */
  signalDirection: Direction;
}

/** No entry for `reason`, bracket and size unchanged. */
export function noEntry(reason: string): StrategyEntry {
  return { direction: 'flat', sizeFactor: 1, stopScale: 1, targetScale: 1, reason };
}
