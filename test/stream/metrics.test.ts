// /metrics in process: PrometheusMetrics on hand-written sources (an engine's counters, latency windows with
// known samples, a fake journal and alert evaluator, an IB-shaped source health), parsed by the strict
// text-format parser, every value checked against the source it was read from; and the route on a StreamServer.
import { pino } from 'pino';
import { afterEach, describe, expect, test } from 'vitest';
import { ErrorCode } from '../../src/common/errors.js';
import { ML_OFF } from '../../src/execution/decision-verdicts.js';
import type { DecisionCounters } from '../../src/engine/decision-pipeline.js';
import { EventBus, type DecisionEvent, type EngineStatus, type RiskStateEvent } from '../../src/engine/engine-events.js';
import type { SymbolStats } from '../../src/engine/engine-stats.js';
import { LatencyWindow } from '../../src/engine/latency-window.js';
import { PrometheusMetrics, type AlertMetrics, type JournalMetrics, type MetricsSources } from '../../src/stream/prometheus-metrics.js';
import { StreamServer } from '../../src/stream/stream-server.js';
import { parsePrometheusText, sampleValue, type PromFamily } from './prometheus-text.js';

const log = pino({ level: 'silent' });

const STATUS: EngineStatus = {
  uptimeSec: 12.5, source: 'ib', sourceState: 'running', feedLagMs: 250, poolInFlight: 1, poolTasks: 40, tradesTotal: 1500,
  snapshotsTotal: 30, barsTotal: 4, subscribers: 2, framesConflated: 7, closedSlow: 1, controlErrors: 3, final: false, errors: 2,
  sourceConnected: false,
  sourceDetail: {
    connection: { state: 'backoff', farms: { usfarm: { kind: 'market', status: 'broken' }, ushmds: { kind: 'hmds', status: 'ok' } } },
    dataUp: false,
  },
  contentHashes: [],
};

const SYMBOLS: SymbolStats[] = [
  { symbol: 'ES', trades: 1000, snapshots: 20, bars: 3, dataQuality: { score: 0.5625, cleanShare: 0.75, knownSideShare: 0.75, observedSec: 300, windowSec: 300 } },
  { symbol: 'NQ', trades: 500, snapshots: 10, bars: 1, dataQuality: { score: null, cleanShare: null, knownSideShare: null, observedSec: 0, windowSec: 300 } },
];

const COUNTS: DecisionCounters = {
  snapshots: 30, bars: 4, decisions: 29, directional: 9, scored: 29, failed: 1, mlApproved: 4, riskEvaluated: 4, riskApproved: 1,
  riskRefused: { MIA_RISK_MAX_POSITION: 2, MIA_RISK_DAILY_LOSS: 1 }, errors: 1,
};

const RISK: RiskStateEvent = {
  alert: 'CRITICAL', halted: false, balance: 24_100, dailyPnl: -900, consecutiveLosses: 3,
  positions: [{ symbol: 'ES', qty: 2 }, { symbol: 'NQ', qty: -1 }], lastRefusal: null, lastRefusalSymbol: null, ordersEnabled: true,
  limits: { dailyLoss: 500, maxConsecutiveLosses: 5, maxPosition: 2, minBalance: 1000 },
};

/** A window holding 1..100 µs (and so 100 samples, sum 5050 µs). */
function window100(): LatencyWindow {
  const w = new LatencyWindow(1000);
  for (let i = 1; i <= 100; i++) w.record(i);
  return w;
}

function sources(over: Partial<MetricsSources> = {}): MetricsSources {
  const decision = window100();
  return {
    status: () => STATUS, symbols: () => SYMBOLS, pool: () => ({ inFlight: 1, queued: 3, tasks: 40 }),
    stages: () => ({ kernelsDone: window100(), published: new LatencyWindow(10) }),
    delivery: () => ({ subscribers: { binary: 1, json: 1 }, framesPublished: { snapshot: 30, bar: 4, status: 12 }, framesConflated: 7, closedSlow: 1, controlErrors: 3 }),
    decisions: () => ({ counts: COUNTS, latency: decision }),
    risk: () => RISK,
    ...over,
  };
}

async function scrape(m: PrometheusMetrics): Promise<Map<string, PromFamily>> {
  return parsePrometheusText(await m.text());
}

function scored(mean: number, scores: number[]): DecisionEvent {
  return { ml: { enabled: true, state: 'scored', scores, mean, approved: mean >= 0.6, hashes: [] } } as unknown as DecisionEvent;
}

describe('PrometheusMetrics', () => {
  test('every engine, delivery, decision and risk family reads its source; types and help are given', async () => {
    const f = await scrape(new PrometheusMetrics(sources(), log));
    const v = (name: string, labels: Record<string, string> = {}): number | undefined => sampleValue(f, name, labels);
    expect(f.get('mia_trades_ingested_total')).toMatchObject({ type: 'counter', help: 'Trades taken onto the shared-memory tape, by symbol.' });
    expect(v('mia_trades_ingested_total', { symbol: 'ES' })).toBe(1000);
    expect(v('mia_trades_ingested_total', { symbol: 'NQ' })).toBe(500);
    expect(v('mia_snapshots_total', { symbol: 'NQ' })).toBe(10);
    expect(v('mia_bars_closed_total', { symbol: 'ES' })).toBe(3);
    expect(v('mia_engine_uptime_seconds')).toBe(12.5);
    expect(v('mia_feed_lag_seconds')).toBe(0.25);
    expect(v('mia_source_connected')).toBe(0);
    expect(v('mia_engine_errors_total')).toBe(2);
    // Data quality: NQ has none yet, so no sample rather than a made-up number.
    expect(f.get('mia_data_quality_ratio')!.type).toBe('gauge');
    expect(v('mia_data_quality_ratio', { symbol: 'ES' })).toBe(0.5625);
    expect(v('mia_data_quality_clean_ratio', { symbol: 'ES' })).toBe(0.75);
    expect(v('mia_data_quality_known_side_ratio', { symbol: 'ES' })).toBe(0.75);
    expect(v('mia_data_quality_ratio', { symbol: 'NQ' })).toBeUndefined();
    expect([v('mia_pool_tasks_in_flight'), v('mia_pool_queue_size'), v('mia_pool_tasks_total')]).toEqual([1, 3, 40]);
    // Stage latencies: a summary in seconds; nearest-rank quantiles of 1..100 µs; the empty window has count 0 and no quantile.
    expect(f.get('mia_stage_latency_seconds')!.type).toBe('summary');
    expect(v('mia_stage_latency_seconds', { stage: 'kernels_done', quantile: '0.5' })).toBeCloseTo(50e-6, 15);
    expect(v('mia_stage_latency_seconds', { stage: 'kernels_done', quantile: '0.9' })).toBeCloseTo(90e-6, 15);
    expect(v('mia_stage_latency_seconds', { stage: 'kernels_done', quantile: '0.99' })).toBeCloseTo(99e-6, 15);
    expect(v('mia_stage_latency_seconds_count', { stage: 'kernels_done' })).toBe(100);
    expect(v('mia_stage_latency_seconds_sum', { stage: 'kernels_done' })).toBeCloseTo(5050e-6, 15);
    expect(v('mia_stage_latency_seconds_count', { stage: 'published' })).toBe(0);
    expect(v('mia_stage_latency_seconds', { stage: 'published', quantile: '0.5' })).toBeUndefined();
    expect(v('mia_decision_latency_seconds_count')).toBe(100);
    // Delivery.
    expect([v('mia_subscribers', { format: 'binary' }), v('mia_subscribers', { format: 'json' })]).toEqual([1, 1]);
    expect(v('mia_frames_published_total', { kind: 'snapshot' })).toBe(30);
    expect(v('mia_frames_published_total', { kind: 'status' })).toBe(12);
    expect([v('mia_frames_conflated_total'), v('mia_subscribers_closed_slow_total'), v('mia_control_errors_total')]).toEqual([7, 1, 3]);
    // Decisions by verdict.
    expect([v('mia_decisions_total'), v('mia_decisions_directional_total'), v('mia_decision_errors_total')]).toEqual([29, 9, 1]);
    expect(v('mia_ml_verdicts_total', { verdict: 'approved' })).toBe(4);
    expect(v('mia_ml_verdicts_total', { verdict: 'rejected' })).toBe(25);
    expect(v('mia_ml_verdicts_total', { verdict: 'failed' })).toBe(1);
    expect(v('mia_risk_verdicts_total', { verdict: 'approved', reason: '' })).toBe(1);
    expect(v('mia_risk_verdicts_total', { verdict: 'refused', reason: 'MIA_RISK_MAX_POSITION' })).toBe(2);
    // Risk and P&L.
    expect(v('mia_risk_alert_level')).toBe(2);
    expect([v('mia_risk_halted'), v('mia_risk_balance_usd'), v('mia_risk_daily_pnl_usd'), v('mia_risk_consecutive_losses')]).toEqual([0, 24_100, -900, 3]);
    expect(v('mia_position_contracts', { symbol: 'NQ' })).toBe(-1);
    // Process CPU and memory, event-loop lag: prom-client's default metrics on the private registry.
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds']) {
      expect(f.has(name), name).toBe(true);
    }
    // No hook, no family.
    expect(f.has('mia_journal_queue_depth')).toBe(false);
    expect(f.has('mia_alerts_raised_total')).toBe(false);
  });

  test('IB connection and data farms as state sets from the source health', async () => {
    const f = await scrape(new PrometheusMetrics(sources(), log));
    expect(['connecting', 'connected', 'backoff', 'closed'].map((state) => sampleValue(f, 'mia_ib_connection_state', { state }))).toEqual([0, 0, 1, 0]);
    expect(sampleValue(f, 'mia_ib_data_farm_state', { farm: 'usfarm', kind: 'market', state: 'broken' })).toBe(1);
    expect(sampleValue(f, 'mia_ib_data_farm_state', { farm: 'usfarm', kind: 'market', state: 'ok' })).toBe(0);
    expect(sampleValue(f, 'mia_ib_data_farm_state', { farm: 'ushmds', kind: 'hmds', state: 'ok' })).toBe(1);
    // Another source: the families are declared, with no samples.
    const sim = await scrape(new PrometheusMetrics(sources({ status: () => ({ ...STATUS, source: 'sim', sourceDetail: null }) }), log));
    expect(sim.get('mia_ib_connection_state')!.samples).toEqual([]);
  });

  test('the ML score histogram counts each scored decision\'s mean and model scores in cumulative buckets', async () => {
    const bus = new EventBus();
    const m = new PrometheusMetrics(sources(), log).tapDecisions(bus);
    bus.emit('decision', scored(0.62, [0.6, 0.58, 0.66]));
    bus.emit('decision', scored(0.05, [0.05, 0.05, 0.05]));
    bus.emit('decision', scored(1, [1, 1, 1]));
    bus.emit('decision', { ml: ML_OFF } as unknown as DecisionEvent);
    const f = await scrape(m);
    expect(f.get('mia_ml_score')!.type).toBe('histogram');
    const b = (model: string, le: string): number | undefined => sampleValue(f, 'mia_ml_score_bucket', { model, le });
    // 0.05 sits in the le="0.05" bucket (upper bounds are inclusive), 0.62 in le="0.65", 1 in le="1".
    expect([b('mean', '0.05'), b('mean', '0.6'), b('mean', '0.65'), b('mean', '0.95'), b('mean', '1'), b('mean', '+Inf')]).toEqual([1, 1, 2, 2, 3, 3]);
    expect(b('lr', '0.6')).toBe(2);
    expect(b('gbt', '0.55')).toBe(1);
    expect(sampleValue(f, 'mia_ml_score_count', { model: 'mean' })).toBe(3);
    expect(sampleValue(f, 'mia_ml_score_sum', { model: 'mean' })).toBeCloseTo(1.67, 12);
  });

  test('journal and alert hooks: their families read the hooks at scrape time', async () => {
    let journal: JournalMetrics = { queueDepth: 12, lagMs: 450, rowsWritten: 900, rowsDropped: 0 };
    const alerts: AlertMetrics = { raised: { feed_stale: 2, data_quality: 1 }, active: ['feed_stale'], outboxDepth: 1 };
    const m = new PrometheusMetrics(sources({ journal: () => journal, alerts: () => alerts }), log);
    let f = await scrape(m);
    expect(sampleValue(f, 'mia_journal_queue_depth')).toBe(12);
    expect(sampleValue(f, 'mia_journal_lag_seconds')).toBe(0.45);
    expect(sampleValue(f, 'mia_journal_rows_written_total')).toBe(900);
    expect(sampleValue(f, 'mia_journal_rows_dropped_total')).toBe(0);
    // A value the hook does not supply is left out, not shown as 0.
    expect(f.get('mia_journal_write_errors_total')!.samples).toEqual([]);
    expect(sampleValue(f, 'mia_alerts_raised_total', { rule: 'feed_stale' })).toBe(2);
    expect(sampleValue(f, 'mia_alerts_active', { rule: 'feed_stale' })).toBe(1);
    expect(sampleValue(f, 'mia_alerts_active', { rule: 'data_quality' })).toBe(0);
    expect(sampleValue(f, 'mia_alert_outbox_depth')).toBe(1);
    journal = { queueDepth: 0, lagMs: 0, rowsWritten: 960 };
    f = await scrape(m);
    expect([sampleValue(f, 'mia_journal_queue_depth'), sampleValue(f, 'mia_journal_rows_written_total')]).toEqual([0, 960]);
  });

  test('a hook that throws is counted and logged; every other family still renders', async () => {
    const m = new PrometheusMetrics(sources({ journal: () => { throw new Error('journal closed'); } }), log);
    let f = await scrape(m);
    expect(f.get('mia_journal_queue_depth')!.samples).toEqual([]);
    expect(sampleValue(f, 'mia_trades_ingested_total', { symbol: 'ES' })).toBe(1000);
    // Counted once per family that read it (five journal families), the error family being read last.
    expect(sampleValue(f, 'mia_metrics_source_errors_total', { source: 'journal' })).toBe(5);
    f = await scrape(m);
    expect(sampleValue(f, 'mia_metrics_source_errors_total', { source: 'journal' })).toBe(10);
  });

  test('each source is read once per scrape', async () => {
    let reads = 0;
    const m = new PrometheusMetrics(sources({ status: () => { reads++; return STATUS; } }), log);
    await m.text();
    expect(reads).toBe(1);
    await m.text();
    expect(reads).toBe(2);
  });
});

describe('GET /metrics on the stream server', () => {
  const servers: StreamServer[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) s.close();
  });

  async function start(): Promise<{ server: StreamServer; at: string }> {
    const server = new StreamServer({
      host: '127.0.0.1', port: 0, topics: new Set(['status']), softLimitBytes: 256 * 1024, hardLimitBytes: 4 * 1024 * 1024,
      maxMessageBytes: 4096, maxControlPerSec: 20, session: 'globex',
    }, log);
    servers.push(server);
    return { server, at: `http://127.0.0.1:${await server.listen()}` };
  }

  test('503 until the metrics are set; then the text format with its content type', async () => {
    const { server, at } = await start();
    const early = await fetch(`${at}/metrics`);
    expect(early.status).toBe(503);
    expect(((await early.json()) as { code: string }).code).toBe(ErrorCode.NOT_READY);
    server.setMetrics(new PrometheusMetrics(sources(), log));
    const r = await fetch(`${at}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(sampleValue(parsePrometheusText(await r.text()), 'mia_decisions_total')).toBe(29);
  });

  test('a page that fails is a 500 with MIA_ERR_METRICS_FAILED', async () => {
    const { server, at } = await start();
    server.setMetrics({ contentType: 'text/plain', text: () => Promise.reject(new Error('broken registry')) });
    const r = await fetch(`${at}/metrics`);
    expect(r.status).toBe(500);
    expect(((await r.json()) as { code: string }).code).toBe(ErrorCode.METRICS_FAILED);
  });
});
