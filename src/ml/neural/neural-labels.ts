import type { LabelInput } from '../trade-labeler.js';

/** The three neural targets of one decision (1/0), from the base bars that followed it. */
export interface NeuralLabels {
  /** The forward range is in the top tercile of the training samples' forward ranges. */
  volatility: 0 | 1;
  /** The forward move is a trend: its net move is at least half of its range (either sign). */
  regime: 0 | 1;
  /** The forward move is up. */
  direction: 0 | 1;
}

/** How far the targets look: the horizon in bars (`--horizon-bars`, the ensemble's label horizon). */
export interface NeuralLabelConfig {
  horizonBars: number;
}

/** Share of the forward range the net move must cover for the move to count as a trend. */
export const TREND_EFFICIENCY = 0.5;

/** What happened over the `horizonBars` bars after a decision: range (max high − min low) and net move. */
export interface ForwardMove {
  range: number;
  /** Midpoint of the last bar of the horizon minus the entry price. */
  move: number;
}

/**
 * The forward move of a decision over its first `horizonBars` bars, or null when its path is shorter (the
 * outcome is unknown, as in labelOne). The last bar's midpoint stands for its close: the paths keep high and
 * low only (src/backtest/training-rows.ts), and the midpoint's error is at most half that bar's range.
 */
export function forwardMove(s: LabelInput<unknown>, c: NeuralLabelConfig): ForwardMove | null {
  const k = c.horizonBars;
  if (s.path.length < k) return null;
  let hi = -Infinity;
  let lo = Infinity;
  for (let i = 0; i < k; i++) {
    const b = s.path[i]!;
    if (b.high > hi) hi = b.high;
    if (b.low < lo) lo = b.low;
  }
  const last = s.path[k - 1]!;
  // The entry is part of the window: a move away from it counts in the range even if no bar revisits it.
  hi = Math.max(hi, s.entryPrice);
  lo = Math.min(lo, s.entryPrice);
  return { range: hi - lo, move: (last.high + last.low) / 2 - s.entryPrice };
}

/**
 * The volatility cut: the smallest forward range strictly above two thirds of the ranges (the upper tercile
 * boundary, `sorted[floor(2n/3)]`), so about a third of samples are high. Fixed from the training samples and
 * recorded in the manifest; the label is a definition, not a feature, so the cut reads no model input.
 */
export function volatilityCut(ranges: readonly number[]): number {
  const sorted = [...ranges].sort((a, b) => a - b);
  return sorted[Math.floor((2 * sorted.length) / 3)] ?? Infinity;
}

/** The labels of one forward move against the volatility cut. */
export function neuralLabels(m: ForwardMove, cut: number): NeuralLabels {
  return {
    volatility: m.range >= cut && m.range > 0 ? 1 : 0,
    regime: m.range > 0 && Math.abs(m.move) >= TREND_EFFICIENCY * m.range ? 1 : 0,
    direction: m.move > 0 ? 1 : 0,
  };
}
