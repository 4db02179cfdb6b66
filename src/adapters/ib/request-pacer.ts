import { configError, ErrorCode } from '../../common/errors.js';

/** Settings of {@link RequestPacer}. */
export interface PacerOptions {
  /** Sustained messages per second. */
  ratePerSec: number;
  /** Messages that may leave at once after a quiet spell; any one-second window carries at most rate + burst. */
  burst: number;
  /** Historical requests allowed per `historicalWindowMs` (IB: 60 per 10 minutes). */
  historicalMax: number;
  historicalWindowMs: number;
  /** Monotonic milliseconds (injected in tests). */
  now?: () => number;
}

/** Counters of the pacer for /health. */
export interface PacerStats {
  sent: number;
  queued: number;
  /** Most messages sent within any one-second window so far. */
  maxPerSecond: number;
  /** Requests dropped by {@link RequestPacer.clear} (a disconnect). */
  dropped: number;
}

/**
 * Paces outgoing TWS requests through a token bucket so that no one-second window carries more than
 * rate + burst messages (TWS disconnects clients above 50/s), and historical-data requests through a
 * sliding window (IB's pacing violations, error 162, start above 60 requests in 10 minutes). Market-data
 * requests go first: after a reconnect, resubscribing must not wait behind a backfill.
 */
export class RequestPacer {
  private readonly o: PacerOptions;
  private readonly now: () => number;
  private readonly live: Array<() => void> = [];
  private readonly historical: Array<() => void> = [];
  private readonly historicalSent: number[] = [];
  // Send times of the last messages, to measure the densest one-second window.
  private readonly recent: number[] = [];
  private tokens: number;
  private refilledAt: number;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly s: PacerStats = { sent: 0, queued: 0, maxPerSecond: 0, dropped: 0 };

  constructor(o: PacerOptions) {
    if (!(o.ratePerSec > 0) || !(o.burst >= 1)) throw configError(ErrorCode.BAD_CONFIG, 'pacer needs ratePerSec > 0 and burst >= 1');
    this.o = o;
    this.now = o.now ?? (() => performance.now());
    this.tokens = o.burst;
    this.refilledAt = this.now();
  }

  /** Counters so far. */
  get stats(): PacerStats {
    return { ...this.s, queued: this.live.length + this.historical.length };
  }

  /** Queues a request; `historical` ones also respect the historical-data window. */
  enqueue(send: () => void, historical = false): void {
    (historical ? this.historical : this.live).push(send);
    this.drain();
  }

  /** Starts sending (the connection is up). */
  resume(): void {
    this.running = true;
    this.drain();
  }

  /** Stops sending and drops everything queued: requests of a dead connection must not reach the next one. */
  clear(): void {
    this.running = false;
    this.s.dropped += this.live.length + this.historical.length;
    this.live.length = 0;
    this.historical.length = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private refill(t: number): void {
    this.tokens = Math.min(this.o.burst, this.tokens + ((t - this.refilledAt) / 1000) * this.o.ratePerSec);
    this.refilledAt = t;
  }

  private drain(): void {
    if (!this.running || this.timer) return;
    for (;;) {
      const t = this.now();
      this.refill(t);
      while (this.historicalSent.length && t - this.historicalSent[0]! >= this.o.historicalWindowMs) this.historicalSent.shift();
      const historicalOpen = this.historicalSent.length < this.o.historicalMax;
      const queue = this.live.length ? this.live : historicalOpen && this.historical.length ? this.historical : undefined;
      if (!queue) {
        if (this.historical.length) this.wait(this.o.historicalWindowMs - (t - this.historicalSent[0]!));
        return;
      }
      if (this.tokens < 1) {
        this.wait(((1 - this.tokens) / this.o.ratePerSec) * 1000);
        return;
      }
      this.tokens -= 1;
      if (queue === this.historical) this.historicalSent.push(t);
      this.record(t);
      queue.shift()!();
      if (!this.running) return;
    }
  }

  private wait(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.drain();
    }, Math.max(1, Math.ceil(ms)));
  }

  private record(t: number): void {
    this.s.sent++;
    this.recent.push(t);
    while (this.recent.length && t - this.recent[0]! >= 1000) this.recent.shift();
    if (this.recent.length > this.s.maxPerSecond) this.s.maxPerSecond = this.recent.length;
  }
}
