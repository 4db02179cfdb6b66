import { describe, expect, test } from 'vitest';
import type { RiskStateEvent } from '../engine/engine-events.js';
import { QualityFlag } from '../protocol/generated/mia/quality-flag.js';
import { observe, type AlertReadings, type Observation } from './alert-conditions.js';
import { DEFAULT_ALERT_SETTINGS, type AlertRules } from './alert-rules.js';

const rules: AlertRules = { ...DEFAULT_ALERT_SETTINGS.rules, riskInfo: { ...DEFAULT_ALERT_SETTINGS.rules.riskInfo, enabled: true } };

function risk(over: Partial<RiskStateEvent> = {}): RiskStateEvent {
  return {
    alert: 'INFO', halted: false, balance: 25_000, dailyPnl: 0, consecutiveLosses: 0, positions: [], lastRefusal: null,
    lastRefusalSymbol: null, ordersEnabled: false, limits: { dailyLoss: 500, maxConsecutiveLosses: 5, maxPosition: 2, minBalance: 1000 }, ...over,
  };
}

function readings(over: Partial<AlertReadings> = {}): AlertReadings {
  return {
    publishedP99Ms: 1, feeds: [{ symbol: 'ES', quality: 0 }, { symbol: 'NQ', quality: 0 }], sourceConnected: true,
    risk: null, peakBalance: null, journal: null, dataQuality: null, ...over,
  };
}

/** The keys of the observations that hold. */
function holding(os: Observation[]): string[] {
  return os.filter((o) => o.holds).map((o) => o.key);
}

describe('observe', () => {
  test('a clean engine: every rule with an input observed, none holding', () => {
    const os = observe(rules, readings({ risk: risk(), peakBalance: 25_000 }));
    expect(holding(os)).toEqual(['riskInfo']);
    expect(os.map((o) => o.key)).toEqual([
      'latency', 'feedStale:ES', 'feedGap:ES', 'feedDisconnected:ES', 'feedStale:NQ', 'feedGap:NQ', 'feedDisconnected:NQ',
      'riskInfo', 'riskWarning', 'riskCritical', 'riskCatastrophe', 'riskHalted', 'drawdown',
    ]);
  });

  test('tick → published p99 above the limit holds, with the reading and the limit; no sample holds nothing', () => {
    const [hi] = observe(rules, readings({ publishedP99Ms: 50.5 }));
    expect(hi).toMatchObject({ key: 'latency', holds: true, value: 50.5, threshold: 50 });
    expect(observe(rules, readings({ publishedP99Ms: 50 }))[0]!.holds).toBe(false);
    expect(observe(rules, readings({ publishedP99Ms: null }))[0]).toMatchObject({ holds: false, value: null });
  });

  test('each feed flag of a symbol holds its rule for that symbol; a source disconnected holds Disconnected for every symbol', () => {
    const flagged = observe(rules, readings({ feeds: [{ symbol: 'ES', quality: QualityFlag.Stale | QualityFlag.SidesInferred }, { symbol: 'NQ', quality: QualityFlag.Gap }] }));
    expect(holding(flagged)).toEqual(['feedStale:ES', 'feedGap:NQ']);
    expect(holding(observe(rules, readings({ sourceConnected: false })))).toEqual(['feedDisconnected:ES', 'feedDisconnected:NQ']);
    expect(holding(observe(rules, readings({ feeds: [{ symbol: 'ES', quality: QualityFlag.Disconnected }] })))).toEqual(['feedDisconnected:ES']);
  });

  test('each risk level holds its own rule; CATASTROPHE with a halt holds riskHalted too', () => {
    for (const level of ['WARNING', 'CRITICAL'] as const) {
      expect(holding(observe(rules, readings({ risk: risk({ alert: level }), peakBalance: 25_000 })))).toEqual([`risk${level[0]}${level.slice(1).toLowerCase()}`]);
    }
    const cat = observe(rules, readings({ risk: risk({ alert: 'CATASTROPHE', halted: true, balance: 900 }), peakBalance: 900 }));
    expect(holding(cat)).toEqual(['riskCatastrophe', 'riskHalted']);
  });

  test('drawdown from the peak balance: the tighter of the dollar and share limits', () => {
    const both: AlertRules = { ...rules, drawdown: { ...rules.drawdown, usd: 2000, share: 0.05 } };
    // Peak 30,000: 5 % is 1,500, tighter than 2,000.
    const at = (balance: number, r = both): Observation => observe(r, readings({ risk: risk({ balance }), peakBalance: 30_000 })).find((o) => o.rule === 'drawdown')!;
    expect(at(28_600)).toMatchObject({ holds: false, value: 1400, threshold: 1500 });
    expect(at(28_500)).toMatchObject({ holds: true, value: 1500, threshold: 1500 });
    const usdOnly: AlertRules = { ...rules, drawdown: { ...rules.drawdown, usd: 2000, share: null } };
    expect(at(28_500, usdOnly)).toMatchObject({ holds: false, threshold: 2000 });
    expect(at(28_000, usdOnly).holds).toBe(true);
    expect(at(28_000, usdOnly).message).toBe('drawdown 2,000.00 USD (6.7 % of the peak balance 30,000.00 USD), limit 2,000.00 USD');
  });

  test('journal lag: the lag or the queue above its limit holds (a fake journal\'s backlog)', () => {
    const j = (lagMs: number, queueDepth: number): boolean => observe(rules, readings({ journal: { lagMs, queueDepth } })).find((o) => o.rule === 'journalLag')!.holds;
    expect(j(4999, 10_000)).toBe(false);
    expect(j(5001, 0)).toBe(true);
    expect(j(0, 10_001)).toBe(true);
  });

  test('data quality under the minimum holds, per symbol (a fake tracker\'s scores)', () => {
    const os = observe(rules, readings({ dataQuality: { ES: 0.95, NQ: 0.89 } })).filter((o) => o.rule === 'dataQuality');
    expect(os.map((o) => [o.key, o.holds, o.value, o.threshold])).toEqual([['dataQuality:ES', false, 0.95, 0.9], ['dataQuality:NQ', true, 0.89, 0.9]]);
    expect(os[1]!.message).toBe('NQ: data quality 89.0 %, minimum 90.0 %');
  });

  test('a disabled rule observes nothing', () => {
    const off: AlertRules = { ...rules, latency: { ...rules.latency, enabled: false } };
    expect(observe(off, readings({ publishedP99Ms: 500 })).some((o) => o.rule === 'latency')).toBe(false);
  });
});
