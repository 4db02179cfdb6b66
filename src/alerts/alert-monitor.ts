import type { Logger } from 'pino';
import type { AlertEvent, RiskStateEvent } from '../engine/engine-events.js';
import { observe, type FeedReading, type JournalLag } from './alert-conditions.js';
import { RULE_NAMES, SEVERITY_RANK, type AlertSettings } from './alert-rules.js';
import { AlertTracker } from './alert-tracker.js';
import type { AlertSink, DeliverySink, OutboxCounters } from './alert-sinks.js';

/** The journal's backlog, read once per evaluation (the journal writer supplies it). */
export type JournalLagInput = () => JournalLag;

/** Data-quality score in [0, 1] by symbol, read once per evaluation (the metrics' data-quality tracker supplies it). */
export type DataQualityInput = () => Readonly<Record<string, number>>;

/** The tick → published latency window (the stream publisher's), read for its recent p99. */
export interface LatencySamples {
  /** Samples recorded since start. */
  readonly recorded: number;
  /** The q-quantile of the newest n samples, µs; null when there are none. */
  newestQuantile(n: number, q: number): number | null;
}

/** Where the rules read the engine's state: functions called on the evaluation timer only. */
export interface AlertSources {
  published?: LatencySamples;
  feeds(): readonly FeedReading[];
  sourceConnected(): boolean;
  risk(): RiskStateEvent | null;
  journal?: JournalLagInput;
  dataQuality?: DataQualityInput;
  /** Largest feature PSI by symbol; absent or null while drift is off (no models with training bins). */
  featureDrift?: () => Readonly<Record<string, number>> | null;
}

/** What /health shows under `alerts`. */
export interface AlertHealth {
  enabled: true;
  evaluateMs: number;
  /** The rules that run, and whether the hooks of the journal and data-quality rules are wired. */
  rules: string[];
  inputs: { journal: boolean; dataQuality: boolean };
  /** Every alert raised and not yet resolved. */
  active: AlertEvent[];
  counts: { active: number; raised: number; repeated: number; resolved: number; evaluations: number; errors: number };
  delivery: OutboxCounters[];
}

/**
 * The alert rules at work: every `evaluateMs` (a timer, never the tick path) it reads the engine's state through
 * `sources`, observes each rule, lets the tracker decide what is raised, repeated or resolved, and hands each event
 * to every sink (the stream's `alert` topic, the journal's `onAlert`, the webhook outboxes). A sink or source that
 * throws is counted and logged; the engine goes on.
 */
export class AlertMonitor {
  private readonly settings: AlertSettings;
  private readonly sources: AlertSources;
  private readonly sinks: AlertSink[];
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly tracker: AlertTracker;
  private readonly marks: { atMs: number; recorded: number }[] = [];
  private peak: number | null = null;
  private timer: NodeJS.Timeout | undefined;
  private evaluations = 0;
  /** Raises since start by rule (/metrics); counted at dispatch, a handful of events an hour at most. */
  private readonly raisedByRule: Record<string, number> = {};
  private errors = 0;

  constructor(settings: AlertSettings, sources: AlertSources, sinks: AlertSink[], log: Logger, now: () => number = Date.now) {
    this.settings = settings;
    this.sources = sources;
    this.sinks = sinks;
    this.log = log;
    this.now = now;
    this.tracker = new AlertTracker(settings.rules);
    // The first mark: samples recorded from now on count, even those before the first evaluation (a replay at
    // full speed can be over within one evaluation interval).
    if (sources.published) this.marks.push({ atMs: now(), recorded: sources.published.recorded });
  }

  /** Starts the evaluation timer (it keeps no process alive). */
  start(): void {
    this.timer ??= setInterval(() => this.evaluate(), this.settings.evaluateMs).unref();
  }

  /** Stops the timer and closes the delivery sinks, giving what they hold up to `graceMs` to leave. */
  async stop(graceMs: number): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all(this.sinks.filter(isDelivery).map((s) => s.close(graceMs)));
  }

  /** A balance the risk engine reported (each `risk` event): the drawdown's peak misses no high between evaluations. */
  observeBalance(balance: number): void {
    if (Number.isFinite(balance)) this.peak = this.peak === null ? balance : Math.max(this.peak, balance);
  }

  /** One evaluation (the timer's callback; tests call it with their clock). */
  evaluate(): void {
    const nowMs = this.now();
    this.evaluations++;
    let events: AlertEvent[];
    try {
      const risk = this.sources.risk();
      if (risk) this.observeBalance(risk.balance);
      events = this.tracker.step(observe(this.settings.rules, {
        publishedP99Ms: this.recentP99Ms(nowMs),
        feeds: this.sources.feeds(),
        sourceConnected: this.sources.sourceConnected(),
        risk,
        peakBalance: risk ? this.peak : null,
        journal: this.sources.journal?.() ?? null,
        dataQuality: this.sources.dataQuality?.() ?? null,
        featureDrift: this.sources.featureDrift?.() ?? null,
      }), nowMs);
    } catch (e) {
      this.errors++;
      this.log.error({ err: e }, 'Alert evaluation failed');
      return;
    }
    for (const e of events) this.dispatch(e);
  }

  /** Alerts, counts and delivery counters for /health. */
  health(): AlertHealth {
    const active = this.tracker.active();
    return {
      enabled: true,
      evaluateMs: this.settings.evaluateMs,
      rules: RULE_NAMES.filter((r) => this.settings.rules[r].enabled),
      inputs: { journal: this.sources.journal !== undefined, dataQuality: this.sources.dataQuality !== undefined },
      active,
      counts: { active: active.length, ...this.tracker.counts, evaluations: this.evaluations, errors: this.errors },
      delivery: this.sinks.filter(isDelivery).map((s) => s.counters()),
    };
  }

  /** Raises by rule, the keys of the active alerts and the webhook targets' failures and queue (read by /metrics). */
  metrics(): { raised: Readonly<Record<string, number>>; active: string[]; deliveryFailures: number; outboxDepth: number } {
    const delivery = this.sinks.filter(isDelivery).map((s) => s.counters());
    return {
      raised: this.raisedByRule,
      active: this.tracker.active().map((a) => a.key),
      deliveryFailures: delivery.reduce((n, c) => n + c.failed, 0),
      outboxDepth: delivery.reduce((n, c) => n + c.queued, 0),
    };
  }

  private dispatch(e: AlertEvent): void {
    if (e.state === 'raised') this.raisedByRule[e.rule] = (this.raisedByRule[e.rule] ?? 0) + 1;
    const level = e.state === 'resolved' ? 'info' : e.severity === 'critical' ? 'error' : 'warn';
    this.log[level]({ key: e.key, severity: e.severity, value: e.value, threshold: e.threshold, count: e.count, detail: e.message }, `Alert ${e.state}`);
    for (const s of this.sinks) {
      if (s.minSeverity !== undefined && SEVERITY_RANK[e.severity] < SEVERITY_RANK[s.minSeverity]) continue;
      try {
        s.accept(e);
      } catch (err) {
        this.errors++;
        this.log.error({ err, sink: s.name, key: e.key }, 'Alert sink failed');
      }
    }
  }

  /**
   * tick → published p99 over the latency rule's window, ms: the samples recorded since the evaluation nearest
   * before the window's start. The marks are one per evaluation, so this costs one small sort a second.
   */
  private recentP99Ms(nowMs: number): number | null {
    const w = this.sources.published;
    if (!w) return null;
    const m = this.marks;
    m.push({ atMs: nowMs, recorded: w.recorded });
    const start = nowMs - this.settings.rules.latency.windowMs;
    while (m.length > 1 && m[1]!.atMs <= start) m.shift();
    const us = w.newestQuantile(w.recorded - m[0]!.recorded, 0.99);
    return us === null ? null : us / 1000;
  }
}

function isDelivery(s: AlertSink): s is DeliverySink {
  return 'counters' in s && 'close' in s;
}
