import type { Logger } from 'pino';
import { AlertMonitor, type DataQualityInput, type JournalLagInput } from '../alerts/alert-monitor.js';
import type { AlertSettings } from '../alerts/alert-rules.js';
import type { AlertSink } from '../alerts/alert-sinks.js';
import { loadAlertSettings } from '../alerts/alert-settings-file.js';
import { DEFAULT_ALERT_SETTINGS } from '../alerts/alert-rules.js';
import { deliveryTargets, type DeliveryTarget } from '../alerts/delivery-targets.js';
import { WebhookOutbox } from '../alerts/webhook-outbox.js';
import type { DecisionPipeline } from '../engine/decision-pipeline.js';
import type { AlertEvent } from '../engine/engine-events.js';
import type { MarketSource } from '../engine/market-source.js';
import type { SnapshotEngine } from '../engine/snapshot-engine.js';
import type { StreamPublisher } from '../stream/stream-publisher.js';

/**
 * What other parts of issue 13 plug into the alert rules: the journal takes every alert event as a row and
 * reports its backlog; the data-quality tracker reports each symbol's score. Unset, the journal-lag and
 * data-quality rules observe nothing (/health says so under `alerts.inputs`).
 */
export interface AlertHooks {
  /** The journal's alerts table: every event, info severity included. */
  onAlert?: (row: AlertEvent) => void;
  journalLag?: JournalLagInput;
  dataQuality?: DataQualityInput;
}

/** The alert settings and delivery targets of `mia serve`, read before anything opens (a bad file or URL fails fast). */
export interface AlertPlan {
  settings: AlertSettings;
  targets: DeliveryTarget[];
}

/** `--alerts FILE|off` and the environment's webhook URLs; undefined for `off`. */
export async function planAlerts(option: string | undefined, env: Readonly<Record<string, string | undefined>>): Promise<AlertPlan | undefined> {
  if (option === 'off') return undefined;
  const settings = option === undefined ? DEFAULT_ALERT_SETTINGS : await loadAlertSettings(option);
  return { settings, targets: deliveryTargets(env) };
}

/** What the monitor reads and where its events go, from the running engine. */
export interface AlertWiring {
  engine: SnapshotEngine;
  publisher: StreamPublisher;
  source: MarketSource;
  /** The decision pipeline, once made (none with --signals off). */
  pipeline: () => DecisionPipeline | undefined;
  hooks: AlertHooks;
}

/**
 * The alert monitor of `mia serve`: rules over the engine's feeds, the publisher's latency window and the risk
 * state; events to the `alert` topic (the engine's bus), the journal hook and one outbox per webhook target.
 */
export function alertMonitor(plan: AlertPlan, w: AlertWiring, log: Logger): AlertMonitor {
  const d = plan.settings.delivery;
  const sinks: AlertSink[] = [{ name: 'stream', accept: (e) => w.engine.events.emit('alert', e) }];
  const onAlert = w.hooks.onAlert;
  if (onAlert) sinks.push({ name: 'journal', accept: onAlert });
  for (const t of plan.targets) {
    sinks.push(new WebhookOutbox(t, {
      timeoutMs: d.timeoutMs, retries: d.retries, capacity: d.outboxSize, minSeverity: d.minSeverity,
      // Equal jitter, as the IB adapter reconnects: between half and all of the exponential delay.
      backoff: { initialDelayMs: d.initialDelayMs, maxDelayMs: d.maxDelayMs, factor: 2, jitterBelow: 0.5, jitterAbove: 0 },
    }, log));
  }
  const monitor = new AlertMonitor(plan.settings, {
    published: w.publisher.latencyWindows().published,
    feeds: () => w.engine.feeds.map((f) => ({ symbol: f.info.symbol, quality: f.publishedQuality })),
    sourceConnected: () => w.source.connected?.() ?? true,
    risk: () => w.pipeline()?.riskState() ?? null,
    ...(w.hooks.journalLag ? { journal: w.hooks.journalLag } : {}),
    ...(w.hooks.dataQuality ? { dataQuality: w.hooks.dataQuality } : {}),
    featureDrift: () => w.pipeline()?.drift?.psiMaxBySymbol() ?? null,
  }, sinks, log);
  // Every balance the risk engine reports: the drawdown's peak is exact, not sampled once a second.
  w.engine.events.on('risk', (r) => monitor.observeBalance(r.balance));
  log.info({
    rules: monitor.health().rules, evaluateMs: plan.settings.evaluateMs,
    targets: plan.targets.map((t) => ({ target: t.name, url: t.redacted })), minSeverity: d.minSeverity,
  }, plan.targets.length > 0 ? 'Alert rules ready, delivering to webhooks' : 'Alert rules ready, no webhook set (MIA_ALERT_WEBHOOK_URL, MIA_ALERT_DISCORD_URL)');
  return monitor;
}
