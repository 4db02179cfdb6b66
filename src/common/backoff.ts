import { configError, ErrorCode } from './errors.js';

/**
 * A capped exponential backoff with jitter: the delay before reconnection attempt n is
 * d = min(maxDelayMs, initialDelayMs · factor^(n−1)), spread uniformly over
 * [d·(1 − jitterBelow), d·(1 + jitterAbove)].
 * The jitter keeps clients that lost the same server at the same moment from coming back in lockstep; a
 * delay is never below 1 ms, so a flapping server cannot drive a tight reconnect loop. The stream client
 * spreads ±20 % (0.2 / 0.2); the IB adapter uses "equal jitter", between half and all of d (0.5 / 0).
 */
export interface BackoffOptions {
  /** Delay before the first attempt, before jitter, ms. */
  initialDelayMs: number;
  /** Upper bound of any delay, jitter included, ms. */
  maxDelayMs: number;
  /** Growth of the delay from one attempt to the next (at least 1). */
  factor: number;
  /** Relative spread below the exponential delay, in [0, 1): 0.5 lets a delay fall to half of it. */
  jitterBelow: number;
  /** Relative spread above the exponential delay (the result is still capped at maxDelayMs). */
  jitterAbove: number;
}

/**
 * Throws MIA_ERR_BAD_CONFIG for options that could reconnect in a tight loop (a zero delay, a factor below
 * 1, a spread reaching zero); `prefix` names where the options came from in the message (`reconnect.`).
 */
export function checkBackoff(o: BackoffOptions, prefix = ''): void {
  const bad = (reason: string): never => {
    throw configError(ErrorCode.BAD_CONFIG, `${prefix}${reason}`);
  };
  if (!(o.initialDelayMs > 0)) bad(`initialDelayMs must be positive, got ${o.initialDelayMs}`);
  if (!(o.maxDelayMs >= o.initialDelayMs)) bad(`maxDelayMs must be at least initialDelayMs, got ${o.maxDelayMs}`);
  if (!(o.factor >= 1)) bad(`factor must be at least 1, got ${o.factor}`);
  if (!(o.jitterBelow >= 0 && o.jitterBelow < 1)) bad(`jitter must be in [0, 1), got ${o.jitterBelow}`);
  if (!(o.jitterAbove >= 0)) bad(`jitter must not be negative, got ${o.jitterAbove}`);
}

/**
 * Delay before attempt `attempt` (1-based), in whole milliseconds (timers have no finer resolution), between
 * 1 and `maxDelayMs`. `random` returns a number in [0, 1): Math.random by default; tests pass their own.
 */
export function backoffDelayMs(attempt: number, o: BackoffOptions, random: () => number = Math.random): number {
  const d = Math.min(o.maxDelayMs, o.initialDelayMs * o.factor ** Math.max(0, attempt - 1));
  const jittered = d * (1 - o.jitterBelow) + d * (o.jitterBelow + o.jitterAbove) * random();
  return Math.min(o.maxDelayMs, Math.max(1, Math.round(jittered)));
}

/** A backoff that counts its own attempts: `next()` after each failure, `reset()` after a success. */
export class Backoff {
  private readonly o: BackoffOptions;
  private readonly random: () => number;
  private n = 0;

  constructor(o: BackoffOptions, random: () => number = Math.random) {
    checkBackoff(o);
    this.o = o;
    this.random = random;
  }

  /** Attempts since the last reset. */
  get attempts(): number {
    return this.n;
  }

  /** The delay before the next attempt, ms; counts the attempt. */
  next(): number {
    this.n++;
    return backoffDelayMs(this.n, this.o, this.random);
  }

  /** Starts over (after a successful connection). */
  reset(): void {
    this.n = 0;
  }
}
