import { describe, expect, test } from 'vitest';
import { observe, type AlertReadings } from './alert-conditions.js';
import { DEFAULT_ALERT_SETTINGS } from './alert-rules.js';
import { parseAlertSettings } from './alert-settings-file.js';

const readings = (featureDrift: AlertReadings['featureDrift']): AlertReadings => ({
  publishedP99Ms: 1, feeds: [], sourceConnected: true, risk: null, peakBalance: null, journal: null, dataQuality: null, featureDrift,
});

describe('featureDrift rule', () => {
  const rules = DEFAULT_ALERT_SETTINGS.rules;

  test('holds per symbol at or above the PSI limit (0.25 by default), with the value and the limit', () => {
    const os = observe(rules, readings({ ES: 0.31, NQ: 0.1, YM: 0.25 })).filter((o) => o.rule === 'featureDrift');
    expect(os.map((o) => [o.key, o.holds, o.value, o.threshold])).toEqual([
      ['featureDrift:ES', true, 0.31, 0.25], ['featureDrift:NQ', false, 0.1, 0.25], ['featureDrift:YM', true, 0.25, 0.25],
    ]);
    expect(os[0]!.message).toMatch(/ES: feature drift, largest PSI 0\.310/);
  });

  test('drift off (no reading): nothing observed', () => {
    expect(observe(rules, readings(null)).filter((o) => o.rule === 'featureDrift')).toEqual([]);
    expect(observe(rules, readings(undefined)).filter((o) => o.rule === 'featureDrift')).toEqual([]);
  });

  test('the alerts file sets its limit, and refuses a bad one', () => {
    expect(parseAlertSettings('{"rules": {"featureDrift": {"psi": 0.5}}}', 'alerts.json').rules.featureDrift.psi).toBe(0.5);
    expect(() => parseAlertSettings('{"rules": {"featureDrift": {"psi": -1}}}', 'alerts.json')).toThrow(/rules\.featureDrift\.psi/);
  });
});
