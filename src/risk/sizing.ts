import { configError, ErrorCode } from '../common/errors.js';

/** A stop or target distance: a fixed number of ticks, or a multiple of the ATR. */
export type DistanceSpec = { kind: 'ticks'; ticks: number } | { kind: 'atr'; multiple: number };

/**
 * Kelly fraction of a bet won with probability p that pays b times the amount risked (Kelly 1956):
 * f* = p − (1 − p) / b. Zero or negative means no edge.
 */
export function kellyFraction(p: number, b: number): number {
  return p - (1 - p) / b;
}

/**
 * Distance in whole ticks (at least 1): ticks as given, or multiple · ATR / tickSize rounded to the
 * nearest tick. Null when an ATR multiple is asked for and the ATR is unknown.
 */
export function distanceTicks(spec: DistanceSpec, tickSize: number, atr: number | null | undefined): number | null {
  if (spec.kind === 'ticks') return Math.max(1, Math.round(spec.ticks));
  if (atr === null || atr === undefined || !Number.isFinite(atr)) return null;
  return Math.max(1, Math.round((spec.multiple * atr) / tickSize));
}

/** Throws MIA_ERR_BAD_CONFIG when a distance is not positive. */
export function checkDistance(name: string, spec: DistanceSpec): void {
  const v = spec.kind === 'ticks' ? spec.ticks : spec.multiple;
  if (!(v > 0) || !Number.isFinite(v)) throw configError(ErrorCode.BAD_CONFIG, `${name}: distance must be > 0`);
}
