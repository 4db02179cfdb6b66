import { describe, expect, test } from 'vitest';
import { DEFAULT_FEATURE_CONFIG } from '../model/bar-features.js';
import { DEFAULT_SIGNAL_ENGINE_CONFIG } from '../signals/signal-engine.js';
import { featureMeaning, meaningDifferences, meaningMismatch } from './feature-meaning.js';

const base = featureMeaning(DEFAULT_FEATURE_CONFIG, true, DEFAULT_SIGNAL_ENGINE_CONFIG);

describe('feature meaning', () => {
  test('what changes the eight features is recorded; thresholds, expiry sizing and the fallback tick are not', () => {
    expect(Object.keys(base.features).sort()).toEqual(['footprint', 'imbalanceMinVolume', 'imbalanceRatio', 'session', 'stackedLevels', 'tickSize', 'timeframesSec', 'valueAreaMethod', 'valueAreaShare']);
    expect(Object.keys(base.signals)).not.toContain('battleNavale');
    expect(Object.keys(base.signals)).not.toContain('expiry');
    expect(Object.keys(base.signals)).not.toContain('defaultTickSize');
    expect(Object.keys(base.signals)).not.toContain('patterns'); // published with decisions, never a feature
    const other = featureMeaning(DEFAULT_FEATURE_CONFIG, true, {
      ...DEFAULT_SIGNAL_ENGINE_CONFIG, battleNavale: { ...DEFAULT_SIGNAL_ENGINE_CONFIG.battleNavale, longThreshold: 0.9 }, defaultTickSize: 1,
      patterns: { ...DEFAULT_SIGNAL_ENGINE_CONFIG.patterns, absorptionVolume: 999 },
    });
    expect(meaningDifferences(base, other)).toEqual([]);
  });

  test('each differing setting is named with both values; the order of timeframes does not matter', () => {
    const run = featureMeaning({ ...DEFAULT_FEATURE_CONFIG, session: 'rth', timeframesSec: [300, 60] }, false,
      { ...DEFAULT_SIGNAL_ENGINE_CONFIG, rsiPeriod: 9 });
    expect(meaningDifferences(base, run)).toEqual([
      'features.footprint: model true, this run false',
      'features.session: model "globex", this run "rth"',
      'features.timeframesSec: model [60,300,900,3600,14400], this run [60,300]',
      'signals.rsiPeriod: model 14, this run 9',
    ]);
    expect(meaningDifferences(base, featureMeaning({ ...DEFAULT_FEATURE_CONFIG, timeframesSec: [14400, 3600, 900, 300, 60] }, true, DEFAULT_SIGNAL_ENGINE_CONFIG))).toEqual([]);
    expect(meaningMismatch('models', base, run)).toMatchObject({ code: 'MIA_ERR_MODEL_MISMATCH', details: { dir: 'models' } });
    expect(meaningMismatch('models', base, base)).toBeUndefined();
  });
});
