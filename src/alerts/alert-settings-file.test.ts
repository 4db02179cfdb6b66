import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ErrorCode, MiaError } from '../common/errors.js';
import { DEFAULT_ALERT_SETTINGS } from './alert-rules.js';
import { loadAlertSettings, parseAlertSettings } from './alert-settings-file.js';

/** The coded error `parseAlertSettings` throws for `text`. */
function refusal(text: string): MiaError {
  try {
    parseAlertSettings(text, 'alerts.json');
  } catch (e) {
    if (e instanceof MiaError) return e;
    throw e;
  }
  throw new Error(`accepted: ${text}`);
}

describe('alerts file', () => {
  test('an empty object is the defaults', () => {
    expect(parseAlertSettings('{}', 'alerts.json')).toEqual(DEFAULT_ALERT_SETTINGS);
  });

  test('keys given override the defaults; top-level repeatMs and clearMs apply to every rule without its own', () => {
    const s = parseAlertSettings(JSON.stringify({
      evaluateMs: 250, repeatMs: 60_000, clearMs: 5000,
      rules: { latency: { p99Ms: 20, forMs: 0 }, feedGap: { enabled: false, clearMs: 0 }, drawdown: { usd: 750, share: null } },
      delivery: { retries: 0, minSeverity: 'critical' },
    }), 'alerts.json');
    expect(s.evaluateMs).toBe(250);
    expect(s.rules.latency).toEqual({ ...DEFAULT_ALERT_SETTINGS.rules.latency, p99Ms: 20, forMs: 0, repeatMs: 60_000, clearMs: 5000 });
    expect(s.rules.feedGap).toMatchObject({ enabled: false, clearMs: 0, repeatMs: 60_000 });
    expect(s.rules.drawdown).toMatchObject({ usd: 750, share: null });
    expect(s.rules.riskHalted).toMatchObject({ severity: 'critical', repeatMs: 60_000, clearMs: 5000 });
    expect(s.delivery).toEqual({ ...DEFAULT_ALERT_SETTINGS.delivery, retries: 0, minSeverity: 'critical' });
  });

  test.each([
    ['{"evaluateMs": 0}', 'evaluateMs', 'positive number'],
    ['{"rate": 1}', 'rate', 'unknown key'],
    ['{"rules": {"latencyy": {}}}', 'rules.latencyy', 'unknown key'],
    ['{"rules": {"latency": {"p99ms": 5}}}', 'rules.latency.p99ms', 'unknown key'],
    ['{"rules": {"latency": {"p99Ms": "5"}}}', 'rules.latency.p99Ms', 'positive number'],
    ['{"rules": {"feedStale": {"severity": "fatal"}}}', 'rules.feedStale.severity', 'info, warning, critical'],
    ['{"rules": {"riskWarning": {"enabled": "yes"}}}', 'rules.riskWarning.enabled', 'true or false'],
    ['{"rules": {"feedGap": {"forMs": -1}}}', 'rules.feedGap.forMs', '>= 0'],
    ['{"rules": {"drawdown": {"share": 5}}}', 'rules.drawdown.share', 'between 0 and 1'],
    ['{"rules": {"drawdown": {"usd": null, "share": null}}}', 'rules.drawdown', 'needs usd or share'],
    ['{"rules": {"journalLag": {"queueDepth": 2.5}}}', 'rules.journalLag.queueDepth', 'whole number'],
    ['{"rules": {"dataQuality": {"min": 90}}}', 'rules.dataQuality.min', 'share in (0, 1]'],
    ['{"rules": []}', 'rules', 'JSON object'],
    ['{"delivery": {"retries": -1}}', 'delivery.retries', 'whole number'],
    ['{"delivery": {"initialDelayMs": 5000, "maxDelayMs": 1000}}', 'delivery.maxDelayMs', 'at least delivery.initialDelayMs'],
    ['{"delivery": {"url": "https://example.com"}}', 'delivery.url', 'unknown key'],
  ])('%s is MIA_ERR_BAD_CONFIG naming %s', (text, key, reason) => {
    const e = refusal(text);
    expect(e.code).toBe(ErrorCode.BAD_CONFIG);
    expect(e.details).toMatchObject({ file: 'alerts.json', key });
    expect(e.message).toContain(`alerts.json: ${key}: `);
    expect(e.message).toContain(reason);
  });

  test('text that is not JSON, or not an object, is MIA_ERR_BAD_CONFIG naming the file', () => {
    expect(refusal('{ rules: ').message).toMatch(/^alerts\.json: not JSON/);
    expect(refusal('[1]').message).toContain('must be a JSON object, got an array');
    expect(refusal('[1]').code).toBe(ErrorCode.BAD_CONFIG);
  });

  test('a file is read over the defaults; a missing file is MIA_ERR_INPUT_UNREADABLE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mia-alerts-'));
    const path = join(dir, 'alerts.json');
    writeFileSync(path, '{"rules": {"latency": {"p99Ms": 10}}}');
    expect((await loadAlertSettings(path)).rules.latency.p99Ms).toBe(10);
    await expect(loadAlertSettings(join(dir, 'none.json'))).rejects.toMatchObject({ code: ErrorCode.INPUT_UNREADABLE });
  });
});
