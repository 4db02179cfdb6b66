import { backoffDelayMs as delayOf, checkBackoff, type BackoffOptions } from '../common/backoff.js';
import { configError, ErrorCode } from '../common/errors.js';

/** How a client waits between reconnection attempts: capped exponential backoff with jitter (src/common/backoff.ts). */
export interface BackoffPolicy {
  /** Delay before the first attempt after an unexpected close, in milliseconds. */
  initialDelayMs: number;
  /** Upper bound of any delay, in milliseconds (jitter included). */
  maxDelayMs: number;
  /** Growth of the delay from one attempt to the next. */
  factor: number;
  /** Relative spread of the delay, 0.2 meaning ±20 %. */
  jitter: number;
  /**
   * A connection that stayed open this long counts as healthy and restarts the backoff at the initial
   * delay. A server that accepts and then drops at once keeps the backoff growing instead.
   */
  resetAfterMs: number;
}

/** The defaults of `MiaClient`'s `reconnect` option. */
export const DEFAULT_BACKOFF: Readonly<BackoffPolicy> = {
  initialDelayMs: 250,
  maxDelayMs: 10_000,
  factor: 2,
  jitter: 0.2,
  resetAfterMs: 5_000,
};

/** The shared backoff's options for a client policy: the jitter spreads as much below the delay as above. */
function options(p: BackoffPolicy): BackoffOptions {
  return { initialDelayMs: p.initialDelayMs, maxDelayMs: p.maxDelayMs, factor: p.factor, jitterBelow: p.jitter, jitterAbove: p.jitter };
}

/** The policy with `partial`'s fields over the defaults; MIA_ERR_BAD_CONFIG for values that could spin. */
export function backoffPolicy(partial: Partial<BackoffPolicy> = {}): BackoffPolicy {
  const p = { ...DEFAULT_BACKOFF, ...partial };
  checkBackoff(options(p), 'reconnect.');
  if (!(p.resetAfterMs >= 0)) throw configError(ErrorCode.BAD_CONFIG, `reconnect.resetAfterMs must not be negative, got ${p.resetAfterMs}`);
  return p;
}

/**
 * Delay before reconnection attempt `attempt` (1-based): `initialDelayMs × factor^(attempt-1)`, capped at
 * `maxDelayMs`, spread by ±`jitter` so that many clients dropped together do not return together, and
 * capped again; whole milliseconds, at least 1. `random` returns a number in [0, 1) (Math.random by
 * default; tests pass their own).
 */
export function backoffDelayMs(attempt: number, p: BackoffPolicy, random: () => number = Math.random): number {
  return delayOf(attempt, options(p), random);
}
