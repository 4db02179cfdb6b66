import pino from 'pino';
import { describe, expect, test } from 'vitest';
import type { AlertEvent, RiskStateEvent } from '../engine/engine-events.js';
import { LatencyWindow } from '../engine/latency-window.js';
import { QualityFlag } from '../protocol/generated/mia/quality-flag.js';
import type { JournalLag } from './alert-conditions.js';
import { AlertMonitor, type AlertSources } from './alert-monitor.js';
import { DEFAULT_ALERT_SETTINGS, type AlertSettings } from './alert-rules.js';
import type { AlertSink } from './alert-sinks.js';

const silent = pino({ level: 'silent' });

/** A sink that keeps what it is given. */
class Recorder implements AlertSink {
  readonly name: string;
  readonly minSeverity: AlertEvent['severity'] | undefined;
  readonly got: AlertEvent[] = [];
  constructor(name: string, minSeverity?: AlertEvent['severity']) {
    this.name = name;
    this.minSeverity = minSeverity;
  }
  accept(e: AlertEvent): void {
    this.got.push(e);
  }
}

/** The engine's state as the monitor reads it, set by the test. */
interface World {
  quality: number;
  connected: boolean;
  risk: RiskStateEvent | null;
  journal: JournalLag;
  quality01: Record<string, number>;
  /** The feeds' reader throws (a bug in a source). */
  broken: boolean;
}

function setup(settings: AlertSettings = DEFAULT_ALERT_SETTINGS) {
  const w: World = {
    quality: 0, connected: true, risk: null, journal: { lagMs: 0, queueDepth: 0 }, quality01: { ES: 1 }, broken: false,
  };
  const published = new LatencyWindow(1000);
  const sources: AlertSources = {
    published,
    feeds: () => {
      if (w.broken) throw new Error('source bug');
      return [{ symbol: 'ES', quality: w.quality }];
    },
    sourceConnected: () => w.connected,
    risk: () => w.risk,
    journal: () => w.journal,
    dataQuality: () => w.quality01,
  };
  let nowMs = 1_700_000_000_000;
  const stream = new Recorder('stream');
  const webhook = new Recorder('webhook', 'warning');
  const monitor = new AlertMonitor(settings, sources, [stream, webhook], silent, () => nowMs);
  /** Advances the clock by `s` seconds, evaluating once a second. */
  const tick = (s: number): void => {
    for (let i = 0; i < s; i++) {
      nowMs += 1000;
      monitor.evaluate();
    }
  };
  return { w, published, monitor, stream, webhook, tick, now: () => nowMs };
}

const risk = (over: Partial<RiskStateEvent>): RiskStateEvent => ({
  alert: 'INFO', halted: false, balance: 25_000, dailyPnl: 0, consecutiveLosses: 0, positions: [], lastRefusal: null,
  lastRefusalSymbol: null, ordersEnabled: true, limits: { dailyLoss: 500, maxConsecutiveLosses: 5, maxPosition: 2, minBalance: 1000 }, ...over,
});

describe('AlertMonitor', () => {
  test('a feed flag: raised once to every sink, in /health while active, resolved after the hold-down', () => {
    const { w, monitor, stream, webhook, tick } = setup();
    tick(3);
    expect(stream.got).toEqual([]);
    w.quality = QualityFlag.Stale;
    tick(10);
    expect(stream.got.map((e) => `${e.key} ${e.state}`)).toEqual(['feedStale:ES raised']);
    expect(webhook.got).toEqual(stream.got);
    const h = monitor.health();
    expect(h.active.map((a) => a.key)).toEqual(['feedStale:ES']);
    expect(h.counts).toMatchObject({ active: 1, raised: 1, repeated: 0, resolved: 0, evaluations: 13, errors: 0 });
    expect(h.inputs).toEqual({ journal: true, dataQuality: true });
    w.quality = 0;
    // Clear from the next evaluation on: resolved once 30 s have passed since.
    tick(30);
    expect(stream.got).toHaveLength(1);
    tick(1);
    expect(stream.got.map((e) => `${e.key} ${e.state}`)).toEqual(['feedStale:ES raised', 'feedStale:ES resolved']);
    expect(monitor.health().active).toEqual([]);
  });

  test('tick → published p99 over the recent window only: a slow minute raises after forMs, fast samples resolve it', () => {
    const settings: AlertSettings = { ...DEFAULT_ALERT_SETTINGS, rules: { ...DEFAULT_ALERT_SETTINGS.rules, latency: { ...DEFAULT_ALERT_SETTINGS.rules.latency, forMs: 5000, clearMs: 0 } } };
    const { published, stream, tick } = setup(settings);
    // 80 ms (µs samples) for 10 s, 20 samples a second.
    for (let s = 0; s < 10; s++) {
      for (let i = 0; i < 20; i++) published.record(80_000);
      tick(1);
    }
    const raised = stream.got.filter((e) => e.rule === 'latency');
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ state: 'raised', value: 80, threshold: 50 });
    // Fast again: once the 10 s window holds only fast samples, the p99 is under the limit and the alert resolves.
    for (let s = 0; s < 12; s++) {
      for (let i = 0; i < 20; i++) published.record(2000);
      tick(1);
    }
    expect(stream.got.filter((e) => e.rule === 'latency').map((e) => e.state)).toEqual(['raised', 'resolved']);
    expect(stream.got.at(-1)!.value).toBe(2);
  });

  test('samples recorded before the first evaluation count (a replay at full speed can end within one interval)', () => {
    const settings: AlertSettings = { ...DEFAULT_ALERT_SETTINGS, rules: { ...DEFAULT_ALERT_SETTINGS.rules, latency: { ...DEFAULT_ALERT_SETTINGS.rules.latency, forMs: 0 } } };
    const { published, stream, tick } = setup(settings);
    for (let i = 0; i < 50; i++) published.record(70_000);
    tick(1);
    expect(stream.got.map((e) => [e.key, e.value])).toEqual([['latency', 70]]);
  });

  test('risk levels, CATASTROPHE\'s halt and the drawdown from the peak balance seen between evaluations', () => {
    const { w, monitor, stream, tick } = setup();
    w.risk = risk({});
    tick(1);
    // A new high reported by a risk event, then a loss: 5 % of the 30,000 peak is 1,500.
    monitor.observeBalance(30_000);
    w.risk = risk({ balance: 28_400, alert: 'WARNING' });
    tick(1);
    expect(stream.got.map((e) => e.key)).toEqual(['riskWarning', 'drawdown']);
    expect(stream.got[1]).toMatchObject({ value: 1600, threshold: 1500, severity: 'warning' });
    w.risk = risk({ balance: 900, alert: 'CATASTROPHE', halted: true });
    tick(1);
    expect(stream.got.slice(2).map((e) => `${e.key} ${e.severity}`)).toEqual(['riskCatastrophe critical', 'riskHalted critical']);
  });

  test('the journal-lag and data-quality hooks (fakes here) raise their rules', () => {
    const { w, stream, tick } = setup();
    w.journal = { lagMs: 9000, queueDepth: 12 };
    w.quality01 = { ES: 0.5 };
    // Data quality at once (forMs 0), the journal after 10 s (forMs 10,000).
    tick(10);
    expect(stream.got.map((e) => e.key)).toEqual(['dataQuality:ES']);
    tick(1);
    expect(stream.got.map((e) => e.key)).toEqual(['dataQuality:ES', 'journalLag']);
    expect(stream.got[1]).toMatchObject({ value: 9000, threshold: 5000 });
  });

  test('a sink below its least severity gets nothing; a sink or a source that throws is counted and the others go on', () => {
    const { w, monitor, stream, webhook, tick } = setup({
      ...DEFAULT_ALERT_SETTINGS,
      rules: { ...DEFAULT_ALERT_SETTINGS.rules, riskInfo: { ...DEFAULT_ALERT_SETTINGS.rules.riskInfo, enabled: true } },
    });
    w.risk = risk({});
    tick(1);
    expect(stream.got.map((e) => e.key)).toEqual(['riskInfo']);
    expect(webhook.got).toEqual([]);
    webhook.accept = () => {
      throw new Error('sink bug');
    };
    w.connected = false;
    tick(1);
    expect(stream.got.map((e) => e.key)).toEqual(['riskInfo', 'feedDisconnected:ES']);
    expect(monitor.health().counts.errors).toBe(1);
    w.broken = true;
    tick(1);
    expect(monitor.health().counts).toMatchObject({ evaluations: 3, errors: 2 });
    w.broken = false;
    tick(1);
    expect(monitor.health().counts).toMatchObject({ evaluations: 4, errors: 2 });
  });
});
