import { configError, ErrorCode, type MiaError } from '../common/errors.js';
import type { FeatureConfig } from '../model/bar-features.js';
import type { SignalEngineConfig } from '../signals/signal-engine.js';

/**
 * What the eight features of a decision mean: the kernels' bar, profile and session settings, whether closed
 * bars carry their footprint (the smart-money tracker reads it), and the signal engine's indicator settings.
 * A model learns features of one meaning: `--session rth`, `--value-area 0.6`, `--timeframe 1m,5m` (confluence
 * then null above 5m) or `--no-footprint` change them. Left out, because they do not change the features: the
 * Battle Navale thresholds and the expiry sizing (what is done with a decision), and the signal engine's
 * fallback tick size (every snapshot carries the instrument's own), and the order-flow pattern parameters
 * (published with each decision, never given to a model).
 */
export interface FeatureMeaning {
  features: Omit<FeatureConfig, 'sizeDecimals'> & { footprint: boolean };
  signals: Omit<SignalEngineConfig, 'battleNavale' | 'expiry' | 'defaultTickSize' | 'patterns'>;
}

/** The meaning of the features a run computes, from its kernel settings, footprints and signal engine settings. */
export function featureMeaning(features: Omit<FeatureConfig, 'sizeDecimals'>, footprint: boolean, signals: SignalEngineConfig): FeatureMeaning {
  const { battleNavale: _b, expiry: _e, defaultTickSize: _t, patterns: _p, ...rest } = signals;
  const f = { ...features } as FeatureConfig;
  delete (f as Partial<FeatureConfig>).sizeDecimals;
  return {
    features: {
      tickSize: f.tickSize, timeframesSec: [...f.timeframesSec].sort((a, b) => a - b), valueAreaShare: f.valueAreaShare,
      valueAreaMethod: f.valueAreaMethod, imbalanceRatio: f.imbalanceRatio, imbalanceMinVolume: f.imbalanceMinVolume,
      stackedLevels: f.stackedLevels, session: f.session, footprint,
    },
    signals: JSON.parse(JSON.stringify(rest)) as FeatureMeaning['signals'],
  };
}

/** Every leaf of a JSON value as `path = value` (arrays as one leaf: their order is part of their meaning). */
function leaves(v: unknown, path: string, out: Map<string, string>): void {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) leaves(x, path ? `${path}.${k}` : k, out);
  } else {
    out.set(path, JSON.stringify(v));
  }
}

/** The settings that differ between a model's meaning and a run's, as `path: model X, this run Y`. */
export function meaningDifferences(model: FeatureMeaning, run: FeatureMeaning): string[] {
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  leaves(model, '', a);
  leaves(run, '', b);
  const out: string[] = [];
  for (const k of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(k) ?? 'absent';
    const y = b.get(k) ?? 'absent';
    if (x !== y) out.push(`${k}: model ${x}, this run ${y}`);
  }
  return out;
}

/**
 * MODEL_MISMATCH naming every setting in which a run's features differ from the ones `dir`'s models were
 * trained on; undefined when they agree.
 */
export function meaningMismatch(dir: string, model: FeatureMeaning, run: FeatureMeaning): MiaError | undefined {
  const diff = meaningDifferences(model, run);
  if (diff.length === 0) return undefined;
  return configError(ErrorCode.MODEL_MISMATCH,
    `the models in ${dir} were trained on features computed otherwise than this run's (${diff.join('; ')}): ` +
      'run with the settings the models were trained with, or train models with these', { dir, differences: diff });
}
