/** Price range of one bar after the entry; a price-only path is bars with high = low = price. */
export interface PathBar {
  high: number;
  low: number;
}

/** One decision to label: features are carried through untouched. */
export interface LabelInput<F> {
  features: F;
  entryPrice: number;
  direction: 'long' | 'short';
  /** The bars after the entry, oldest first (only the first `horizonBars` are read). */
  path: readonly PathBar[];
}

/** Barrier settings of the label: target and stop in ticks from the entry, horizon in bars. */
export interface LabelConfig {
  targetTicks: number;
  stopTicks: number;
  horizonBars: number;
  tickSize: number;
}

/**
 * Defaults: the risk engine's brackets (target 16, stop 8 ticks, docs/signals.md) over 10 one-minute bars,
 * ES tick 0.25.
 */
export const DEFAULT_LABEL_CONFIG: LabelConfig = { targetTicks: 16, stopTicks: 8, horizonBars: 10, tickSize: 0.25 };

/** A labelled sample; `label` 1 when the target was reached before the stop within the horizon. */
export interface LabelledSample<F> {
  features: F;
  label: 0 | 1;
  /** Bars after the entry until the target or stop was touched, or the horizon when neither was. */
  barsHeld: number;
}

/**
 * Label of one decision: 1 when price reaches the target (entry ± targetTicks·tick in the trade's favour)
 * before the stop (entry ∓ stopTicks·tick) within `horizonBars` bars, else 0. A bar touching both is
 * counted as the stop first: bars do not say which came first, and assuming the worst keeps the label from
 * flattering the filter. Returns null when the path ends before the horizon with neither touched (the
 * outcome is unknown, so the sample is not used).
 */
export function labelOne<F>(s: LabelInput<F>, c: LabelConfig = DEFAULT_LABEL_CONFIG): LabelledSample<F> | null {
  const sign = s.direction === 'long' ? 1 : -1;
  const target = s.entryPrice + sign * c.targetTicks * c.tickSize;
  const stop = s.entryPrice - sign * c.stopTicks * c.tickSize;
  const n = Math.min(c.horizonBars, s.path.length);
  for (let i = 0; i < n; i++) {
    const b = s.path[i]!;
    const stopHit = sign > 0 ? b.low <= stop : b.high >= stop;
    if (stopHit) return { features: s.features, label: 0, barsHeld: i + 1 };
    const targetHit = sign > 0 ? b.high >= target : b.low <= target;
    if (targetHit) return { features: s.features, label: 1, barsHeld: i + 1 };
  }
  if (s.path.length < c.horizonBars) return null;
  return { features: s.features, label: 0, barsHeld: c.horizonBars };
}

/** Checks barrier settings; returns the reason they are invalid, or null. */
export function labelConfigProblem(c: LabelConfig): string | null {
  if (!Number.isInteger(c.targetTicks) || c.targetTicks < 1) return `target ticks must be an integer >= 1, got ${c.targetTicks}`;
  if (!Number.isInteger(c.stopTicks) || c.stopTicks < 1) return `stop ticks must be an integer >= 1, got ${c.stopTicks}`;
  if (!Number.isInteger(c.horizonBars) || c.horizonBars < 1) return `horizon bars must be an integer >= 1, got ${c.horizonBars}`;
  if (!(c.tickSize > 0)) return `tick size must be > 0, got ${c.tickSize}`;
  return null;
}

/** Labels every decision in order, dropping those whose outcome is unknown (see labelOne). */
export function labelSamples<F>(inputs: readonly LabelInput<F>[], c: LabelConfig = DEFAULT_LABEL_CONFIG): LabelledSample<F>[] {
  const out: LabelledSample<F>[] = [];
  for (const s of inputs) {
    const l = labelOne(s, c);
    if (l) out.push(l);
  }
  return out;
}
