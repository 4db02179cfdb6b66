/** Settings of {@link Backoff}. */
export interface BackoffOptions {
  /** First delay, ms. */
  baseMs: number;
  /** Largest delay, ms. */
  capMs: number;
  /** Uniform [0, 1) source (injected in tests). */
  random?: () => number;
}

/**
 * Capped exponential backoff with "equal jitter": attempt n waits between half and all of
 * min(cap, base·2ⁿ). Clients that lost the same gateway at the same moment then spread out instead of
 * reconnecting in lockstep, and a delay is never zero, so there is no tight reconnect loop.
 */
export class Backoff {
  private readonly o: Required<BackoffOptions>;
  private n = 0;

  constructor(o: BackoffOptions) {
    if (!(o.baseMs > 0) || !(o.capMs >= o.baseMs)) throw new RangeError('backoff needs 0 < baseMs <= capMs');
    this.o = { random: Math.random, ...o };
  }

  /** Attempts since the last reset. */
  get attempts(): number {
    return this.n;
  }

  /** The delay before the next attempt, ms; counts the attempt. */
  next(): number {
    const ceiling = Math.min(this.o.capMs, this.o.baseMs * 2 ** Math.min(this.n, 30));
    this.n++;
    return ceiling / 2 + (ceiling / 2) * this.o.random();
  }

  /** Starts over (after a successful connection). */
  reset(): void {
    this.n = 0;
  }
}
