import type { AlertEvent } from '../engine/engine-events.js';
import type { Observation } from './alert-conditions.js';
import type { AlertRules } from './alert-rules.js';

/**
 * One alert's life: pending (holding, not yet for `forMs`), active (raised), clearing (clear, within the
 * hold-down; holding again returns it to active without a new raise).
 */
interface Tracked {
  phase: 'pending' | 'active' | 'clearing';
  /** When the condition began to hold. */
  sinceMs: number;
  /** When the last notification went out (raise or repeat). */
  lastSentMs: number;
  /** When the condition last turned clear (clearing). */
  clearSinceMs: number;
  count: number;
  /** The latest observation that held: what a repeat and /health show. */
  last: Observation;
}

/**
 * Turns each evaluation's observations into alert events: an alert is raised once its condition has held for the
 * rule's `forMs`, repeated at most every `repeatMs` while it holds, and resolved once it has been clear for
 * `clearMs` (the hold-down: a condition that flaps within it stays one alert). No clock is read: each step is
 * given its time, so tests drive it with their own.
 */
export class AlertTracker {
  private readonly rules: AlertRules;
  private readonly alerts = new Map<string, Tracked>();
  /** Events emitted so far, by state. */
  readonly counts = { raised: 0, repeated: 0, resolved: 0 };

  constructor(rules: AlertRules) {
    this.rules = rules;
  }

  /** One evaluation at `nowMs`: the events it gives, in observation order. A tracked key not observed is clear. */
  step(observations: readonly Observation[], nowMs: number): AlertEvent[] {
    const out: AlertEvent[] = [];
    const seen = new Set<string>();
    for (const o of observations) {
      seen.add(o.key);
      if (o.holds) this.holding(o, nowMs, out);
      else this.clear(o.key, o, nowMs, out);
    }
    for (const key of [...this.alerts.keys()]) if (!seen.has(key)) this.clear(key, undefined, nowMs, out);
    return out;
  }

  /** The alerts raised and not resolved (in the hold-down too), each with its latest reading and last notification time. */
  active(): AlertEvent[] {
    const out: AlertEvent[] = [];
    for (const t of this.alerts.values()) if (t.phase !== 'pending') out.push(this.event(t, t.count > 1 ? 'repeated' : 'raised', t.last, t.lastSentMs));
    return out;
  }

  private holding(o: Observation, nowMs: number, out: AlertEvent[]): void {
    const timing = this.rules[o.rule];
    let t = this.alerts.get(o.key);
    if (t === undefined) {
      t = { phase: 'pending', sinceMs: nowMs, lastSentMs: 0, clearSinceMs: 0, count: 0, last: o };
      this.alerts.set(o.key, t);
    }
    t.last = o;
    if (t.phase === 'pending') {
      if (nowMs - t.sinceMs < timing.forMs) return;
      t.phase = 'active';
      this.send(t, 'raised', o, nowMs, out);
      return;
    }
    t.phase = 'active';
    if (nowMs - t.lastSentMs >= timing.repeatMs) this.send(t, 'repeated', o, nowMs, out);
  }

  private clear(key: string, o: Observation | undefined, nowMs: number, out: AlertEvent[]): void {
    const t = this.alerts.get(key);
    if (t === undefined) return;
    if (t.phase === 'pending') {
      this.alerts.delete(key);
      return;
    }
    if (t.phase === 'active') {
      t.phase = 'clearing';
      t.clearSinceMs = nowMs;
    }
    if (nowMs - t.clearSinceMs < this.rules[t.last.rule].clearMs) return;
    this.alerts.delete(key);
    this.send(t, 'resolved', o ?? { ...t.last, message: `${t.last.message} (no longer observed)` }, nowMs, out);
  }

  private send(t: Tracked, state: AlertEvent['state'], o: Observation, nowMs: number, out: AlertEvent[]): void {
    t.count++;
    t.lastSentMs = nowMs;
    this.counts[state]++;
    out.push(this.event(t, state, o, nowMs));
  }

  private event(t: Tracked, state: AlertEvent['state'], o: Observation, atMs: number): AlertEvent {
    return {
      key: o.key, rule: o.rule, symbol: o.symbol, severity: this.rules[o.rule].severity, state, message: o.message,
      value: o.value, threshold: o.threshold, sinceMs: t.sinceMs, atMs, count: t.count,
    };
  }
}
