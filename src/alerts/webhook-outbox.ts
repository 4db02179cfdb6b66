import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { backoffDelayMs, checkBackoff, type BackoffOptions } from '../common/backoff.js';
import type { AlertEvent } from '../engine/engine-events.js';
import type { AlertSeverity } from '../protocol/messages.js';
import type { DeliverySink, OutboxCounters } from './alert-sinks.js';
import type { DeliveryTarget } from './delivery-targets.js';

/** Delivery settings of one outbox. */
export interface OutboxOptions {
  /** One request's time limit, ms. */
  timeoutMs: number;
  /** Attempts after a first that failed with a timeout, a connection error, HTTP 429 or 5xx. */
  retries: number;
  backoff: BackoffOptions;
  /** Alerts waiting; when full the oldest waiting one is dropped and counted. */
  capacity: number;
  /** Least severity delivered. */
  minSeverity: AlertSeverity;
  /** The backoff's jitter source (tests pass their own). */
  random?: () => number;
}

type Attempt = { ok: true } | { ok: false; retry: boolean; reason: string; retryAfterMs: number };

/**
 * One delivery target's queue: alerts go in without waiting (`enqueue` returns at once, whatever the target does)
 * and leave one at a time, oldest first, each POSTed with a timeout and retried with capped exponential backoff.
 * The queue is bounded: a target that is down or slow loses its oldest alerts, counted, never the engine's time.
 */
export class WebhookOutbox implements DeliverySink {
  readonly name: string;
  readonly minSeverity: AlertSeverity;
  private readonly target: DeliveryTarget;
  private readonly o: OutboxOptions;
  private readonly log: Logger;
  /** A ring of waiting alerts: `count` of them from `head`. */
  private readonly ring: (AlertEvent | undefined)[];
  private head = 0;
  private count = 0;
  private inFlight = false;
  private closing = false;
  private overflowing = false;
  private readonly abort = new AbortController();
  private idle: (() => void)[] = [];
  private readonly c = { sent: 0, failed: 0, retried: 0, dropped: 0 };

  constructor(target: DeliveryTarget, o: OutboxOptions, log: Logger) {
    checkBackoff(o.backoff, 'delivery.');
    this.name = `webhook:${target.name}`;
    this.minSeverity = o.minSeverity;
    this.target = target;
    this.o = o;
    this.log = log;
    this.ring = new Array<AlertEvent | undefined>(o.capacity);
  }

  /** Queues `a` for delivery and returns at once; a full outbox drops its oldest waiting alert. */
  accept(a: AlertEvent): void {
    if (this.closing) {
      this.c.dropped++;
      return;
    }
    if (this.count === this.o.capacity) {
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % this.o.capacity;
      this.count--;
      this.c.dropped++;
      if (!this.overflowing) {
        this.overflowing = true;
        this.log.warn({ target: this.target.name, url: this.target.redacted, capacity: this.o.capacity }, 'Alert outbox full: dropping the oldest alerts');
      }
    }
    this.ring[(this.head + this.count) % this.o.capacity] = a;
    this.count++;
    if (!this.inFlight) void this.pump();
  }

  /** Counters for /health. */
  counters(): OutboxCounters {
    return { target: this.target.name, url: this.target.redacted, ...this.c, queued: this.count + (this.inFlight ? 1 : 0) };
  }

  /**
   * Stops taking alerts and gives those waiting up to `graceMs` to leave; then the request in flight is aborted
   * and what is left counts as dropped.
   */
  async close(graceMs: number): Promise<void> {
    this.closing = true;
    if (this.inFlight || this.count > 0) {
      const drained = new Promise<void>((resolve) => this.idle.push(resolve));
      await Promise.race([drained, sleep(graceMs, undefined, { ref: false })]);
    }
    this.abort.abort();
    if (this.count > 0) {
      this.log.warn({ target: this.target.name, url: this.target.redacted, left: this.count }, 'Alerts left undelivered at shutdown');
      this.c.dropped += this.count;
      this.ring.fill(undefined);
      this.count = 0;
    }
  }

  private async pump(): Promise<void> {
    this.inFlight = true;
    while (this.count > 0 && !this.abort.signal.aborted) {
      const a = this.ring[this.head]!;
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % this.o.capacity;
      this.count--;
      try {
        await this.deliver(a);
      } catch (e) {
        // A body that cannot be built is a bug, not the target's fault: counted and logged, the queue goes on.
        this.c.failed++;
        this.log.error({ err: e, target: this.target.name, key: a.key }, 'Alert delivery failed');
      }
    }
    if (this.count < this.o.capacity / 2) this.overflowing = false;
    this.inFlight = false;
    const waiting = this.idle;
    this.idle = [];
    for (const w of waiting) w();
  }

  /** One alert: attempts until sent, refused, out of retries or aborted. */
  private async deliver(a: AlertEvent): Promise<void> {
    const body = JSON.stringify(this.target.body(a));
    for (let attempt = 1; ; attempt++) {
      const r = await this.post(body);
      if (r.ok) {
        this.c.sent++;
        return;
      }
      if (!r.retry || attempt > this.o.retries || this.abort.signal.aborted) {
        this.c.failed++;
        this.log.warn({ target: this.target.name, url: this.target.redacted, key: a.key, state: a.state, attempts: attempt, reason: r.reason }, 'Alert not delivered');
        return;
      }
      this.c.retried++;
      const delayMs = Math.min(this.o.backoff.maxDelayMs, Math.max(r.retryAfterMs, backoffDelayMs(attempt, this.o.backoff, this.o.random)));
      try {
        await sleep(delayMs, undefined, { signal: this.abort.signal, ref: false });
      } catch {
        // Aborted at shutdown: the next attempt sees the signal and gives up.
      }
    }
  }

  private async post(body: string): Promise<Attempt> {
    const signal = AbortSignal.any([AbortSignal.timeout(this.o.timeoutMs), this.abort.signal]);
    try {
      const res = await fetch(this.target.url, {
        method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'mia-engine' }, body, signal,
      });
      // Read the answer to its end, so the connection goes back to the pool (and a stalled body times out here).
      await res.arrayBuffer();
      if (res.ok) return { ok: true };
      // 429 and 5xx may pass; any other refusal will not change on a retry.
      const retry = res.status === 429 || res.status >= 500;
      return { ok: false, retry, reason: `HTTP ${res.status}`, retryAfterMs: retryAfterMs(res.headers.get('retry-after')) };
    } catch (e) {
      const err = e as Error;
      // fetch's own error is a bare "fetch failed" TypeError: the reason is in its cause (ECONNREFUSED, a DNS code).
      const cause = err.cause as { code?: string; message?: string } | undefined;
      const reason = err.name === 'TimeoutError' ? `no answer within ${this.o.timeoutMs} ms` : cause?.code ?? cause?.message ?? err.message;
      return { ok: false, retry: true, reason, retryAfterMs: 0 };
    }
  }
}

/** A Retry-After header in seconds (Discord's 429 sends one), as ms; 0 when absent or a date. */
function retryAfterMs(header: string | null): number {
  const s = header === null ? Number.NaN : Number(header);
  return Number.isFinite(s) && s > 0 ? Math.ceil(s * 1000) : 0;
}
