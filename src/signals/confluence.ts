import { configError, ErrorCode } from '../common/errors.js';
import { CONFLUENCE_TIMEFRAMES, type ConfluenceTimeframe } from '../model/confluence-timeframes.js';

/** Weight of each timeframe (need not sum to 1: the score divides by the weights present). */
export type ConfluenceWeights = Record<ConfluenceTimeframe, number>;

/** Defaults: higher timeframes weigh more, because their direction persists longer than a 1m swing. */
export const DEFAULT_CONFLUENCE_WEIGHTS: ConfluenceWeights = { '1m': 0.1, '5m': 0.15, '15m': 0.2, '1h': 0.25, '4h': 0.3 };

/** Multi-timeframe agreement. */
export interface Confluence {
  /** Σ w·d / Σ w over timeframes with a direction, in [−1, 1]. */
  score: number;
  /** Σ w·sign(d) / Σ w over the same timeframes, in [−1, 1]: agreement of signs regardless of strength. */
  alignment: number;
  /** Share of the total weight whose timeframe has a direction, in [0, 1]. */
  coverage: number;
}

/** Throws when a weight is negative or not finite, or all are 0. */
export function checkConfluenceWeights(w: ConfluenceWeights): void {
  let total = 0;
  for (const tf of CONFLUENCE_TIMEFRAMES) {
    const x = w[tf];
    if (!(x >= 0) || !Number.isFinite(x)) throw configError(ErrorCode.BAD_CONFIG, `confluence weight of ${tf} must be a finite number >= 0`);
    total += x;
  }
  if (total <= 0) throw configError(ErrorCode.BAD_CONFIG, 'confluence weights are all 0');
}

/**
 * Confluence of per-timeframe directions (each in [−1, 1], null while a timeframe warms up). Null when no
 * weighted timeframe has a direction yet.
 */
export function confluence(directions: Readonly<Record<ConfluenceTimeframe, number | null>>, weights: ConfluenceWeights): Confluence | null {
  let total = 0;
  let present = 0;
  let sum = 0;
  let signs = 0;
  for (const tf of CONFLUENCE_TIMEFRAMES) {
    const w = weights[tf];
    total += w;
    const d = directions[tf];
    if (d === null || w === 0) continue;
    present += w;
    sum += w * d;
    signs += w * Math.sign(d);
  }
  if (present === 0) return null;
  return { score: sum / present, alignment: signs / present, coverage: present / total };
}
