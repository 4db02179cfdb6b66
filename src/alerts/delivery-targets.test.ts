import { describe, expect, test } from 'vitest';
import { ErrorCode } from '../common/errors.js';
import type { AlertEvent } from '../engine/engine-events.js';
import { deliveryTargets, redactUrl } from './delivery-targets.js';
import { discordBody, webhookBody } from './webhook-formats.js';

const token = 'AbCdEf-secret-token_123';

const alert: AlertEvent = {
  key: 'feedDisconnected:ES', rule: 'feedDisconnected', symbol: 'ES', severity: 'critical', state: 'raised',
  message: 'ES: Disconnected: the market-data source is disconnected', value: null, threshold: null,
  sinceMs: Date.UTC(2026, 11, 3, 13, 0, 0), atMs: Date.UTC(2026, 11, 3, 13, 0, 5), count: 1,
};

describe('delivery targets', () => {
  test('the environment names the targets; none when unset or empty', () => {
    expect(deliveryTargets({})).toEqual([]);
    expect(deliveryTargets({ MIA_ALERT_WEBHOOK_URL: ' ' })).toEqual([]);
    const t = deliveryTargets({ MIA_ALERT_WEBHOOK_URL: 'http://127.0.0.1:9000/hook?key=1', MIA_ALERT_DISCORD_URL: `https://discord.com/api/webhooks/1/${token}` });
    expect(t.map((x) => [x.name, x.redacted])).toEqual([['webhook', 'http://127.0.0.1:9000/…'], ['discord', 'https://discord.com/…']]);
    expect(t[1]!.body).toBe(discordBody);
  });

  test('a redacted URL keeps no path, query or credentials', () => {
    expect(redactUrl(new URL(`https://user:pw@hooks.example.com:8443/services/${token}?t=${token}`))).toBe('https://hooks.example.com:8443/…');
  });

  test('a value that is not an http(s) URL is MIA_ERR_BAD_CONFIG naming the variable and never the value', () => {
    for (const value of [`not a url ${token}`, `ftp://example.com/${token}`]) {
      let err: unknown;
      try {
        deliveryTargets({ MIA_ALERT_DISCORD_URL: value });
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ code: ErrorCode.BAD_CONFIG, details: { variable: 'MIA_ALERT_DISCORD_URL' } });
      expect((err as Error).message).toContain('MIA_ALERT_DISCORD_URL');
      expect((err as Error).message).not.toContain(token);
    }
  });
});

describe('webhook bodies', () => {
  test('the generic body is the alert with ISO times', () => {
    expect(webhookBody(alert)).toEqual({
      type: 'alert', source: 'mia', ...alert, since: '2026-12-03T13:00:00.000Z', at: '2026-12-03T13:00:05.000Z',
    });
  });

  test('the Discord body: content line, one embed coloured by severity (green once resolved), no mention parsed', () => {
    const d = discordBody(alert);
    expect(d.content).toBe('CRITICAL feedDisconnected ES: ES: Disconnected: the market-data source is disconnected');
    expect(d.allowed_mentions).toEqual({ parse: [] });
    expect(d.embeds).toHaveLength(1);
    expect(d.embeds[0]).toMatchObject({ title: 'CRITICAL feedDisconnected ES', color: 0xe74c3c, timestamp: '2026-12-03T13:00:05.000Z' });
    expect(d.embeds[0]!.fields.find((f) => f.name === 'value')!.value).toBe('–');
    const resolved = discordBody({ ...alert, state: 'resolved', count: 2 });
    expect(resolved.embeds[0]!.color).toBe(0x2ecc71);
    expect(resolved.content.startsWith('RESOLVED feedDisconnected ES')).toBe(true);
    const long = discordBody({ ...alert, message: 'x'.repeat(5000) });
    expect(long.content).toHaveLength(2000);
    expect(long.embeds[0]!.description).toHaveLength(4096);
  });
});
