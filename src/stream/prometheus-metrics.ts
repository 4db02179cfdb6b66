import type { Logger } from 'pino';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { DecisionCounters } from '../engine/decision-pipeline.js';
import type { EngineStatus, EventBus, RiskStateEvent } from '../engine/engine-events.js';
import type { PoolStats, SymbolStats } from '../engine/engine-stats.js';
import type { LatencyWindow } from '../engine/latency-window.js';
import type { LoopStats } from '../engine/loop-heartbeat.js';
import { ALERT_LEVELS } from '../risk/reason-codes.js';
import { BucketCounts, ComputedMetric, latencySummary, type Sample } from './computed-metric.js';
import { ibSamples } from './ib-metrics.js';

/** The journal's part of /metrics: a hook the journal writer supplies (docs/metrics.md). */
export interface JournalMetrics {
  /** Rows waiting in the writer's bounded queue. */
  queueDepth: number;
  /** Age of the oldest row not yet written, ms (0 when the queue is empty). */
  lagMs: number;
  rowsWritten?: number;
  /** Rows the bounded queue refused (counted and alerted, never blocking the engine). */
  rowsDropped?: number;
  writeErrors?: number;
}

/** The alert rules' part of /metrics: a hook the alert evaluator supplies (docs/metrics.md). */
export interface AlertMetrics {
  /** Times each rule was raised since start, by rule name. */
  raised: Readonly<Record<string, number>>;
  /** Rules whose alert is active (raised, not yet resolved). */
  active: readonly string[];
  deliveryFailures?: number;
  /** Deliveries waiting in the bounded outbox. */
  outboxDepth?: number;
}

/** The server's delivery counters. */
export interface DeliveryStats {
  subscribers: Readonly<Record<string, number>>;
  /** Frames handed to the fan-out since start, by topic kind (snapshot, bar, status, signal, risk…). */
  framesPublished: Readonly<Record<string, number>>;
  framesConflated: number;
  closedSlow: number;
  controlErrors: number;
}

/**
 * Where /metrics reads, each called at scrape time only: the counters and windows the engine, the publisher,
 * the server and the decision pipeline keep anyway. Optional parts are absent when their stage is off.
 */
export interface MetricsSources {
  status(): EngineStatus;
  symbols(): readonly SymbolStats[];
  pool(): PoolStats;
  /** Stage latency windows in µs from the newest trade's arrival, by stage name (camelCase). */
  stages(): Readonly<Record<string, LatencyWindow>>;
  delivery(): DeliveryStats;
  /** The decision pipeline's counters and its snapshot published → decision published window (µs). */
  decisions?(): { counts: DecisionCounters; latency: LatencyWindow };
  risk?(): RiskStateEvent | null;
  journal?(): JournalMetrics;
  alerts?(): AlertMetrics;
  /** Stalls of the engine's thread the loop watchdog saw (docs/hostile-input.md "Engine loop"). */
  loop?(): LoopStats;
}

/** Upper bounds of the ML score histogram: 0.05 to 1 by 0.05. */
const SCORE_BOUNDS = Array.from({ length: 20 }, (_, i) => (i + 1) / 20);
/** The ensemble's models in the order of a decision's `ml.scores`, then their mean. */
const SCORE_MODELS = ['lr', 'gbt', 'rf'] as const;

type Read = (emit: (labels: Record<string, string | number>, value: number) => void) => void;

/**
 * `GET /metrics`: the engine in Prometheus text format on a private prom-client Registry (never the global
 * one, so two engines in one process do not mix). Every family is read at scrape time through collect()
 * callbacks from the counters the engine keeps; the one thing recorded as it happens is the ML score
 * histogram, one bucket increment per scored decision. Process CPU, memory, GC and event-loop lag
 * (perf_hooks monitorEventLoopDelay) are prom-client's default metrics on the same registry. A source that
 * throws is logged and counted in `mia_metrics_source_errors_total`; the other families still render.
 */
export class PrometheusMetrics {
  readonly registry = new Registry();
  private readonly s: MetricsSources;
  private readonly log: Logger;
  private readonly scores = new Map<string, BucketCounts>();
  private readonly sourceErrors = new Map<string, number>();
  /** What each source answered in the scrape under way: every family of a scrape sees one reading. */
  private readonly memo = new Map<string, unknown>();

  constructor(sources: MetricsSources, log: Logger) {
    this.s = this.oncePerScrape(sources);
    this.log = log;
    collectDefaultMetrics({ register: this.registry });
    for (const m of ['mean', ...SCORE_MODELS]) this.scores.set(m, new BucketCounts(SCORE_BOUNDS));
    this.engineFamilies();
    this.deliveryFamilies();
    this.decisionFamilies();
    this.hookFamilies();
  }

  /** The content type of the text format (version 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text, every family read now (the collect() callbacks run before the first await). */
  text(): Promise<string> {
    this.memo.clear();
    return this.registry.metrics().finally(() => this.memo.clear());
  }

  /** Counts the ML scores of every scored decision on `bus` into the histogram (one increment per score). */
  tapDecisions(bus: EventBus): this {
    const mean = this.scores.get('mean')!;
    const models = SCORE_MODELS.map((m) => this.scores.get(m)!);
    bus.on('decision', (e) => {
      const ml = e.ml;
      if (ml.state !== 'scored') return;
      if (ml.mean !== null) mean.record(ml.mean);
      for (let i = 0; i < models.length && i < ml.scores.length; i++) models[i]!.record(ml.scores[i]!);
    });
    return this;
  }

  private engineFamilies(): void {
    const s = this.s;
    this.gauge('mia_engine_uptime_seconds', 'Seconds since the engine started.', [], 'status', (emit) => emit({}, s.status().uptimeSec));
    this.gauge('mia_source_connected', 'Whether the source delivers market data now (1) or not (0); sim and replay: 1.', [], 'status',
      (emit) => emit({}, s.status().sourceConnected ? 1 : 0));
    this.gauge('mia_feed_lag_seconds', 'Wall time since the source last delivered a trade (absent before the first).', [], 'status', (emit) => {
      const lag = s.status().feedLagMs;
      if (lag >= 0) emit({}, lag / 1000);
    });
    this.counter('mia_engine_errors_total', 'Source reads and kernel tasks that failed, each logged with its code.', [], 'status', (emit) => emit({}, s.status().errors));
    this.counter('mia_trades_ingested_total', 'Trades taken onto the shared-memory tape, by symbol.', ['symbol'], 'symbols', (emit) => {
      for (const x of s.symbols()) emit({ symbol: x.symbol }, x.trades);
    });
    this.counter('mia_snapshots_total', 'Snapshots published, by symbol.', ['symbol'], 'symbols', (emit) => {
      for (const x of s.symbols()) emit({ symbol: x.symbol }, x.snapshots);
    });
    this.counter('mia_bars_closed_total', 'Closed bars published (every timeframe), by symbol.', ['symbol'], 'symbols', (emit) => {
      for (const x of s.symbols()) emit({ symbol: x.symbol }, x.bars);
    });
    const quality = (name: string, help: string, pick: (q: SymbolStats['dataQuality']) => number | null): void =>
      this.gauge(name, help, ['symbol'], 'symbols', (emit) => {
        for (const x of s.symbols()) {
          const v = pick(x.dataQuality);
          if (v !== null) emit({ symbol: x.symbol }, v);
        }
      });
    quality('mia_data_quality_ratio', 'Data-quality score over the last five minutes, 0 to 1: clean share times known-side share (docs/metrics.md).', (q) => q.score);
    quality('mia_data_quality_clean_ratio', 'Share of the last five minutes with no Stale, Gap or Disconnected flag in effect.', (q) => q.cleanShare);
    quality('mia_data_quality_known_side_ratio', 'Share of the last five minutes\' volume whose aggressor side the feed reported (not inferred).', (q) => q.knownSideShare);
    this.gauge('mia_pool_tasks_in_flight', 'Kernel tasks running.', [], 'pool', (emit) => emit({}, s.pool().inFlight));
    this.gauge('mia_pool_queue_size', 'Kernel tasks waiting for a pool worker (0 with --kernels inline).', [], 'pool', (emit) => emit({}, s.pool().queued));
    this.counter('mia_pool_tasks_total', 'Kernel tasks completed.', [], 'pool', (emit) => emit({}, s.pool().tasks));
    this.computed('mia_stage_latency_seconds', 'Time from the newest trade\'s arrival to each stage of its snapshot: quantiles over the last 10,000 snapshots with new trades, count and sum since start.',
      'summary', 'stages', () => Object.entries(s.stages()).flatMap(([stage, w]) => latencySummary(w, { stage: snakeCase(stage) })));
  }

  private deliveryFamilies(): void {
    const s = this.s;
    this.gauge('mia_subscribers', 'WebSocket connections on /stream, by frame format.', ['format'], 'delivery', (emit) => {
      for (const [format, n] of Object.entries(s.delivery().subscribers)) emit({ format }, n);
    });
    this.counter('mia_frames_published_total', 'Frames published, by topic kind.', ['kind'], 'delivery', (emit) => {
      for (const [kind, n] of Object.entries(s.delivery().framesPublished)) emit({ kind }, n);
    });
    this.counter('mia_frames_conflated_total', 'Frames replaced by a newer frame of their topic in a slow subscriber\'s queue.', [], 'delivery',
      (emit) => emit({}, s.delivery().framesConflated));
    this.counter('mia_subscribers_closed_slow_total', 'Subscribers closed with 4001 past the backpressure hard limit.', [], 'delivery',
      (emit) => emit({}, s.delivery().closedSlow));
    this.counter('mia_control_errors_total', 'Control messages refused (malformed, unknown op or topic, too big, too many).', [], 'delivery',
      (emit) => emit({}, s.delivery().controlErrors));
  }

  private decisionFamilies(): void {
    const d = this.s.decisions?.bind(this.s);
    if (d) {
      this.counter('mia_decisions_total', 'Decisions published on signal.<SYMBOL>.', [], 'decisions', (emit) => emit({}, d().counts.decisions));
      this.counter('mia_decisions_directional_total', 'Long or short decisions.', [], 'decisions', (emit) => emit({}, d().counts.directional));
      this.counter('mia_decision_errors_total', 'Inputs that could not be decided on, each logged with its code.', [], 'decisions', (emit) => emit({}, d().counts.errors));
      this.counter('mia_ml_verdicts_total', 'ML filter verdicts: approved (mean at or above the threshold), rejected, failed.', ['verdict'], 'decisions', (emit) => {
        const c = d().counts;
        emit({ verdict: 'approved' }, c.mlApproved);
        emit({ verdict: 'rejected' }, c.scored - c.mlApproved);
        emit({ verdict: 'failed' }, c.failed);
      });
      this.counter('mia_risk_verdicts_total', 'Risk engine verdicts on evaluated entries: approved, or refused with its MIA_RISK_* reason.', ['verdict', 'reason'], 'decisions', (emit) => {
        const c = d().counts;
        emit({ verdict: 'approved', reason: '' }, c.riskApproved);
        for (const [reason, n] of Object.entries(c.riskRefused)) emit({ verdict: 'refused', reason }, n);
      });
      this.computed('mia_decision_latency_seconds', 'Snapshot published to its decision published: quantiles over the last 10,000 decisions, count and sum since start.',
        'summary', 'decisions', () => latencySummary(d().latency, {}));
      this.computed('mia_ml_score', 'ML scores of scored decisions: each model\'s and their mean (the one held against the threshold).', 'histogram', 'decisions',
        () => [...this.scores].flatMap(([model, b]) => b.samples({ model })));
    }
    const r = this.s.risk?.bind(this.s);
    if (!r) return;
    const riskGauge = (name: string, help: string, pick: (x: RiskStateEvent) => number): void =>
      this.gauge(name, help, [], 'risk', (emit) => {
        const x = r();
        if (x) emit({}, pick(x));
      });
    riskGauge('mia_risk_alert_level', 'Risk alert level: 0 INFO, 1 WARNING, 2 CRITICAL, 3 CATASTROPHE.', (x) => ALERT_LEVELS.indexOf(x.alert as (typeof ALERT_LEVELS)[number]));
    riskGauge('mia_risk_halted', 'Whether CATASTROPHE holds new entries (1) or not (0).', (x) => (x.halted ? 1 : 0));
    riskGauge('mia_risk_balance_usd', 'Account balance the risk engine sizes with, dollars.', (x) => x.balance);
    riskGauge('mia_risk_daily_pnl_usd', 'Realised profit of the current trade date, dollars (negative: loss).', (x) => x.dailyPnl);
    riskGauge('mia_risk_consecutive_losses', 'Losing trades in a row.', (x) => x.consecutiveLosses);
    this.gauge('mia_position_contracts', 'Signed position, contracts, by symbol.', ['symbol'], 'risk', (emit) => {
      for (const p of r()?.positions ?? []) emit({ symbol: p.symbol }, p.qty);
    });
  }

  private hookFamilies(): void {
    const s = this.s;
    this.gauge('mia_ib_connection_state', 'IB connection state (1 for the current one): connecting, connected, backoff, closed.', ['state'], 'ib',
      (emit) => ibSamples(s.status(), 'connection', emit));
    this.gauge('mia_ib_data_farm_state', 'IB data farm status (1 for the current one) by farm and kind: ok, broken, inactive.', ['farm', 'kind', 'state'], 'ib',
      (emit) => ibSamples(s.status(), 'farms', emit));
    const l = s.loop?.bind(s);
    if (l) {
      this.counter('mia_engine_loop_stalls_total', 'Times the engine thread ran nothing for longer than its budget (MIA_ERR_ENGINE_STALLED).', [], 'loop', (emit) => emit({}, l().stalls));
      this.gauge('mia_engine_loop_longest_stall_seconds', 'Longest engine-thread stall since start, from its end (0: none).', [], 'loop', (emit) => emit({}, l().longestStallMs / 1000));
    }
    const j = s.journal?.bind(s);
    if (j) {
      this.gauge('mia_journal_queue_depth', 'Rows waiting in the journal writer\'s queue.', [], 'journal', (emit) => emit({}, j().queueDepth));
      this.gauge('mia_journal_lag_seconds', 'Age of the oldest row not yet written to the journal.', [], 'journal', (emit) => emit({}, j().lagMs / 1000));
      this.counter('mia_journal_rows_written_total', 'Rows written to the journal.', [], 'journal', (emit) => optional(emit, j().rowsWritten));
      this.counter('mia_journal_rows_dropped_total', 'Rows the journal\'s bounded queue refused.', [], 'journal', (emit) => optional(emit, j().rowsDropped));
      this.counter('mia_journal_write_errors_total', 'Journal writes that failed.', [], 'journal', (emit) => optional(emit, j().writeErrors));
    }
    const a = s.alerts?.bind(s);
    if (a) {
      this.counter('mia_alerts_raised_total', 'Alerts raised, by rule.', ['rule'], 'alerts', (emit) => {
        for (const [rule, n] of Object.entries(a().raised)) emit({ rule }, n);
      });
      this.gauge('mia_alerts_active', 'Whether each rule\'s alert is active (1) or resolved (0).', ['rule'], 'alerts', (emit) => {
        const x = a();
        const rules = new Set([...Object.keys(x.raised), ...x.active]);
        for (const rule of rules) emit({ rule }, x.active.includes(rule) ? 1 : 0);
      });
      this.counter('mia_alert_delivery_failures_total', 'Alert deliveries that failed after their retries.', [], 'alerts', (emit) => optional(emit, a().deliveryFailures));
      this.gauge('mia_alert_outbox_depth', 'Alert deliveries waiting in the bounded outbox.', [], 'alerts', (emit) => optional(emit, a().outboxDepth));
    }
    this.counter('mia_metrics_source_errors_total', 'Scrapes in which a metrics source threw (logged), by source.', ['source'], 'metrics', (emit) => {
      for (const [source, n] of this.sourceErrors) emit({ source }, n);
    });
  }

  /** `sources` with each method answering once per scrape (status() alone feeds eight families). */
  private oncePerScrape(sources: MetricsSources): MetricsSources {
    const once = <K extends keyof MetricsSources>(key: K): MetricsSources[K] => {
      const f = sources[key] as (() => unknown) | undefined;
      if (!f) return undefined as MetricsSources[K];
      return (() => {
        if (!this.memo.has(key)) this.memo.set(key, f.call(sources));
        return this.memo.get(key);
      }) as MetricsSources[K];
    };
    const keys = ['status', 'symbols', 'pool', 'stages', 'delivery', 'decisions', 'risk', 'journal', 'alerts', 'loop'] as const;
    return Object.fromEntries(keys.filter((k) => sources[k] !== undefined).map((k) => [k, once(k)])) as unknown as MetricsSources;
  }

  private gauge(name: string, help: string, labelNames: string[], source: string, read: Read): void {
    const guard = this.guard.bind(this);
    new Gauge({
      name, help, labelNames, registers: [this.registry],
      collect(this: Gauge) {
        // reset() leaves a 0 in a family without labels: removed, so a value the source lacks is absent, not 0.
        this.reset();
        this.remove({});
        guard(source, () => read((labels, value) => this.set(labels, value)));
      },
    });
  }

  /** A counter whose value is the engine's own count, set at each scrape (reset, then one inc to the count). */
  private counter(name: string, help: string, labelNames: string[], source: string, read: Read): void {
    const guard = this.guard.bind(this);
    new Counter({
      name, help, labelNames, registers: [this.registry],
      collect(this: Counter) {
        this.reset();
        this.remove({});
        guard(source, () => read((labels, value) => this.inc(labels, value)));
      },
    });
  }

  private computed(name: string, help: string, type: 'summary' | 'histogram', source: string, read: () => Sample[]): void {
    new ComputedMetric(name, help, type, () => this.guard(source, read) ?? []).register(this.registry);
  }

  /** Runs one source's read; a throw is logged and counted, and that family renders without values. */
  private guard<T>(source: string, f: () => T): T | undefined {
    try {
      return f();
    } catch (e) {
      this.sourceErrors.set(source, (this.sourceErrors.get(source) ?? 0) + 1);
      this.log.error({ err: e, source }, 'Metrics source failed');
      return undefined;
    }
  }
}

/** Emits an optional hook value only when the hook supplies it. */
function optional(emit: (labels: Record<string, string | number>, value: number) => void, value: number | undefined): void {
  if (value !== undefined) emit({}, value);
}

/** `tapeCommitted` → `tape_committed` (Prometheus label values in the house's snake case). */
function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
