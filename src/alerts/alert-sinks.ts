import type { AlertEvent } from '../engine/engine-events.js';

/** Where an alert event goes: the stream (the engine's bus), the journal, the webhook outboxes. */
export interface AlertSink {
  readonly name: string;
  /** Least severity this sink takes (webhooks: the delivery setting); default every alert. */
  readonly minSeverity?: AlertEvent['severity'];
  accept(e: AlertEvent): void;
}

/** A sink that also reports delivery counters (a webhook outbox). */
export interface DeliverySink extends AlertSink {
  counters(): OutboxCounters;
  close(graceMs: number): Promise<void>;
}

/** What /health shows of one target. */
export interface OutboxCounters {
  target: string;
  url: string;
  /** Alerts the target accepted (HTTP 2xx). */
  sent: number;
  /** Alerts given up on: every attempt failed, or the target refused it (HTTP 4xx other than 429). */
  failed: number;
  /** Attempts repeated after a failure. */
  retried: number;
  /** Alerts never attempted: pushed out of a full outbox, or still waiting at shutdown. */
  dropped: number;
  /** Alerts waiting now, the one in flight included. */
  queued: number;
}
