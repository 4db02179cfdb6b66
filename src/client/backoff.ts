/** How a client waits between reconnection attempts: capped exponential backoff with jitter. */
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

/** The policy with `partial`'s fields over the defaults; throws a RangeError for values that could spin. */
export function backoffPolicy(partial: Partial<BackoffPolicy> = {}): BackoffPolicy {
  const p = { ...DEFAULT_BACKOFF, ...partial };
  // A zero delay or a factor below 1 would let a flapping server drive a tight reconnect loop.
  if (!(p.initialDelayMs > 0)) throw new RangeError(`reconnect.initialDelayMs must be positive, got ${p.initialDelayMs}`);
  if (!(p.maxDelayMs >= p.initialDelayMs)) throw new RangeError(`reconnect.maxDelayMs must be at least initialDelayMs, got ${p.maxDelayMs}`);
  if (!(p.factor >= 1)) throw new RangeError(`reconnect.factor must be at least 1, got ${p.factor}`);
  if (!(p.jitter >= 0 && p.jitter < 1)) throw new RangeError(`reconnect.jitter must be in [0, 1), got ${p.jitter}`);
  if (!(p.resetAfterMs >= 0)) throw new RangeError(`reconnect.resetAfterMs must not be negative, got ${p.resetAfterMs}`);
  return p;
}

/**
 * Delay before reconnection attempt `attempt` (1-based): `initialDelayMs × factor^(attempt-1)`, capped at
 * `maxDelayMs`, spread by ±`jitter` so that many clients dropped together do not return together, and
 * capped again. `random` returns a number in [0, 1) (Math.random by default; tests pass their own).
 */
export function backoffDelayMs(attempt: number, p: BackoffPolicy, random: () => number = Math.random): number {
  const base = Math.min(p.maxDelayMs, p.initialDelayMs * p.factor ** Math.max(0, attempt - 1));
  const spread = base * p.jitter * (2 * random() - 1);
  return Math.min(p.maxDelayMs, Math.max(1, Math.round(base + spread)));
}
