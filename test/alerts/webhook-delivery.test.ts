// Alert delivery against local HTTP servers started here: one that records requests, one that answers 500 (or
// 404), one that never answers. Delivery is retried with backoff, counted, bounded, and never holds up the alert
// monitor or its other sinks.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, test } from 'vitest';
import { AlertMonitor } from '../../src/alerts/alert-monitor.js';
import { DEFAULT_ALERT_SETTINGS, type AlertSettings } from '../../src/alerts/alert-rules.js';
import type { AlertSink } from '../../src/alerts/alert-sinks.js';
import { deliveryTargets, type DeliveryTarget } from '../../src/alerts/delivery-targets.js';
import { discordBody, webhookBody } from '../../src/alerts/webhook-formats.js';
import { WebhookOutbox, type OutboxOptions } from '../../src/alerts/webhook-outbox.js';
import type { AlertEvent } from '../../src/engine/engine-events.js';
import { QualityFlag } from '../../src/protocol/generated/mia/quality-flag.js';
import { until } from '../stream/serve-harness.js';

const silent = pino({ level: 'silent' });

interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

const servers: Server[] = [];
const outboxes: WebhookOutbox[] = [];
let monitor: AlertMonitor | undefined;

afterEach(async () => {
  await monitor?.stop(0);
  monitor = undefined;
  await Promise.all(outboxes.splice(0).map((o) => o.close(0)));
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** Starts a server on a free port answering each request with `answer` (which may never answer). */
async function server(answer: (status: (code: number) => void) => void): Promise<{ url: string; requests: Recorded[] }> {
  const requests: Recorded[] = [];
  const s = createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: JSON.parse(text) });
      answer((code) => res.writeHead(code).end());
    });
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/hook/secret-token`, requests };
}

function outbox(target: DeliveryTarget, over: Partial<OutboxOptions> = {}): WebhookOutbox {
  const o = new WebhookOutbox(target, {
    timeoutMs: 2000, retries: 2, capacity: 100, minSeverity: 'info',
    backoff: { initialDelayMs: 5, maxDelayMs: 20, factor: 2, jitterBelow: 0.5, jitterAbove: 0 }, ...over,
  }, silent);
  outboxes.push(o);
  return o;
}

function alert(n: number, over: Partial<AlertEvent> = {}): AlertEvent {
  return {
    key: `feedStale:S${n}`, rule: 'feedStale', symbol: `S${n}`, severity: 'warning', state: 'raised', message: `S${n}: Stale`,
    value: null, threshold: null, sinceMs: 1_764_766_800_000 + n, atMs: 1_764_766_800_000 + n, count: 1, ...over,
  };
}

describe('alert delivery to webhooks', () => {
  test('a recording server receives each alert once, in order, as a JSON POST: generic and Discord bodies', async () => {
    const hook = await server((status) => status(204));
    const discord = await server((status) => status(204));
    const [generic, disc] = deliveryTargets({ MIA_ALERT_WEBHOOK_URL: hook.url, MIA_ALERT_DISCORD_URL: discord.url });
    const a = outbox(generic!);
    const d = outbox(disc!);
    const alerts = [alert(1), alert(2, { severity: 'critical', rule: 'feedDisconnected', key: 'feedDisconnected:S2' }), alert(1, { state: 'resolved', count: 2 })];
    for (const x of alerts) {
      a.accept(x);
      d.accept(x);
    }
    await until(() => a.counters().sent === 3 && d.counters().sent === 3);
    expect(hook.requests.map((r) => r.body)).toEqual(alerts.map(webhookBody).map((b) => JSON.parse(JSON.stringify(b))));
    expect(discord.requests.map((r) => r.body)).toEqual(alerts.map(discordBody).map((b) => JSON.parse(JSON.stringify(b))));
    for (const r of [...hook.requests, ...discord.requests]) {
      expect(r.method).toBe('POST');
      expect(r.url).toBe('/hook/secret-token');
      expect(r.headers['content-type']).toBe('application/json');
    }
    expect(a.counters()).toEqual({ target: 'webhook', url: `${new URL(hook.url).origin}/…`, sent: 3, failed: 0, retried: 0, dropped: 0, queued: 0 });
  });

  test('a server answering 500 is retried with backoff, then the alert counts as failed; a 404 is not retried', async () => {
    const broken = await server((status) => status(500));
    const o = outbox({ ...deliveryTargets({ MIA_ALERT_WEBHOOK_URL: broken.url })[0]! }, { retries: 3 });
    o.accept(alert(1));
    await until(() => o.counters().failed === 1);
    expect(broken.requests).toHaveLength(4);
    expect(o.counters()).toMatchObject({ sent: 0, failed: 1, retried: 3, dropped: 0, queued: 0 });
    // Every attempt carried the same alert.
    expect(new Set(broken.requests.map((r) => JSON.stringify(r.body))).size).toBe(1);

    const missing = await server((status) => status(404));
    const m = outbox(deliveryTargets({ MIA_ALERT_WEBHOOK_URL: missing.url })[0]!, { retries: 3 });
    m.accept(alert(2));
    await until(() => m.counters().failed === 1);
    expect(missing.requests).toHaveLength(1);
    expect(m.counters().retried).toBe(0);
  });

  test('a server that never answers: each attempt times out and fails, while the monitor, its stream sink and another target carry on', async () => {
    const hang = await server(() => undefined);
    const good = await server((status) => status(200));
    const targets = deliveryTargets({ MIA_ALERT_WEBHOOK_URL: hang.url, MIA_ALERT_DISCORD_URL: good.url });
    const stuck = outbox(targets[0]!, { timeoutMs: 300, retries: 1 });
    const fine = outbox(targets[1]!);
    const published: AlertEvent[] = [];
    const stream: AlertSink = { name: 'stream', accept: (e) => published.push(e) };
    let quality = 0;
    const settings: AlertSettings = { ...DEFAULT_ALERT_SETTINGS, evaluateMs: 20 };
    monitor = new AlertMonitor(settings, {
      feeds: () => [{ symbol: 'ES', quality }], sourceConnected: () => true, risk: () => null,
    }, [stream, stuck, fine], silent);
    monitor.start();

    quality = QualityFlag.Gap;
    await until(() => published.length === 1 && fine.counters().sent === 1 && hang.requests.length === 1);
    // The stuck target holds its request open: the timer still evaluates, a second alert is raised, published and
    // delivered to the other target.
    const before = monitor.health().counts.evaluations;
    quality = QualityFlag.Gap | QualityFlag.Stale;
    await until(() => published.length === 2 && fine.counters().sent === 2);
    expect(published.map((e) => `${e.key} ${e.state}`)).toEqual(['feedGap:ES raised', 'feedStale:ES raised']);
    expect(monitor.health().counts.evaluations).toBeGreaterThan(before);

    // Each alert gets its two attempts, each ended by the timeout, and counts as failed.
    await until(() => stuck.counters().failed === 2);
    expect(stuck.counters()).toMatchObject({ sent: 0, failed: 2, retried: 2, dropped: 0, queued: 0 });
    expect(hang.requests.map((r) => (r.body as { key: string }).key)).toEqual(['feedGap:ES', 'feedGap:ES', 'feedStale:ES', 'feedStale:ES']);
    expect(monitor.health().delivery.map((c) => [c.target, c.sent])).toEqual([['webhook', 0], ['discord', 2]]);
  });

  test('a full outbox drops its oldest waiting alert; closing gives the waiting ones the grace, then drops what is left', async () => {
    const hang = await server(() => undefined);
    const o = outbox(deliveryTargets({ MIA_ALERT_WEBHOOK_URL: hang.url })[0]!, { timeoutMs: 60_000, capacity: 2 });
    // Five at once: the first in flight, the last two waiting, the two between dropped; accept never waits.
    for (let n = 1; n <= 5; n++) o.accept(alert(n));
    expect(o.counters()).toMatchObject({ dropped: 2, queued: 3 });
    await until(() => hang.requests.length === 1);
    expect((hang.requests[0]!.body as { key: string }).key).toBe('feedStale:S1');
    await o.close(10);
    // The request in flight is aborted and fails; the two waiting were never attempted.
    await until(() => o.counters().queued === 0 && o.counters().failed === 1);
    expect(o.counters()).toMatchObject({ sent: 0, failed: 1, dropped: 4 });
    expect(hang.requests).toHaveLength(1);
    o.accept(alert(6));
    expect(o.counters().dropped).toBe(5);
  });
});
