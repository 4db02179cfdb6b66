import type { Logger } from 'pino';
import type { DecisionPipelineOptions } from '../engine/decision-pipeline.js';
import type { MarketSource } from '../engine/market-source.js';
import type { FeatureConfig } from '../model/bar-features.js';
import { featureMeaning } from '../ml/feature-meaning.js';
import type { ModelEnsemble, ModelFilter } from '../ml/model-ensemble.js';
import { DEFAULT_BATTLE_NAVALE_CONFIG } from '../signals/battle-navale.js';
import { DEFAULT_SIGNAL_ENGINE_CONFIG } from '../signals/signal-engine.js';
import { driftOptions } from './drift-options.js';
import type { ServeOptions } from './serve-options.js';
import { strategyConfig } from './strategy-options.js';

// `mia serve`'s decision side: the pipeline's settings from the options, and the models checked against the run.

/** The decision pipeline's settings from `mia serve`'s options (risk, signals, the ML filter). */
export function servePipelineOptions(o: ServeOptions, filter: ModelFilter, symbols: string[]): DecisionPipelineOptions {
  const bn = DEFAULT_BATTLE_NAVALE_CONFIG;
  const thresholds = o.longThreshold !== undefined || o.shortThreshold !== undefined || o.minConfidence !== undefined;
  return {
    filter: filter.status, scorer: filter.ensemble, missingFeature: filter.ensemble?.manifest.missingFeatureValue ?? 0,
    neural: filter.ensemble?.neural ?? null,
    ...driftOptions(filter.ensemble?.manifest, o.driftThreshold, o.driftWindow),
    startingBalance: o.balance, winProbability: o.winProbability, symbols, strategies: strategyConfig(o),
    risk: {
      dailyLossLimit: o.dailyLossLimit, maxPosition: o.maxPosition,
      ...(o.stopTicks !== undefined ? { stop: { kind: 'ticks', ticks: o.stopTicks } } : {}),
      ...(o.targetTicks !== undefined ? { target: { kind: 'ticks', ticks: o.targetTicks } } : {}),
    },
    ...(thresholds ? {
      signals: { battleNavale: {
        ...bn, longThreshold: o.longThreshold ?? bn.longThreshold, shortThreshold: o.shortThreshold ?? bn.shortThreshold,
        minConfidence: o.minConfidence ?? bn.minConfidence,
      } },
    } : {}),
  };
}

/**
 * The models must have learnt features computed as this run computes them (kernel settings at the instruments'
 * tick, footprints, signal settings): MIA_ERR_MODEL_MISMATCH otherwise, the source closed first. Models that
 * predate the record are used with a warning.
 */
export async function checkModels(ensemble: ModelEnsemble, source: MarketSource, features: Omit<FeatureConfig, 'sizeDecimals'>, o: ServeOptions, log: Logger): Promise<void> {
  const tickSize = source.instruments[0]?.tickSize ?? features.tickSize;
  const mismatch = ensemble.mismatch(featureMeaning({ ...features, tickSize }, o.footprint, DEFAULT_SIGNAL_ENGINE_CONFIG));
  if (mismatch) {
    await source.close();
    ensemble.close();
    throw mismatch;
  }
  if (!ensemble.recordsMeaning) log.warn({ dir: o.models }, 'Models record no feature settings (trained before they were recorded): not checked against this run');
}
