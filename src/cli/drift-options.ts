import type { DecisionPipelineOptions } from '../engine/decision-pipeline.js';
import type { ModelManifest } from '../ml/model-manifest.js';
import { DEFAULT_FEATURE_DRIFT_CONFIG } from '../ml/drift-window.js';

/**
 * The pipeline's drift options from the models' manifest and the command line: drift is on when the models
 * carry their training bins (`featureDrift`, written by `mia train` since 2026-12-04), off otherwise (an older
 * manifest, or no models: there is no training distribution to compare with).
 */
export function driftOptions(manifest: ModelManifest | undefined, threshold?: number, window?: number): Pick<DecisionPipelineOptions, 'drift'> {
  const reference = manifest?.featureDrift;
  if (!reference) return {};
  // The window must hold the rows the PSI waits for: a shorter window than the default's minRows waits for all of it.
  const config = { ...(threshold !== undefined ? { threshold } : {}), ...(window !== undefined ? { window, minRows: Math.min(window, DEFAULT_FEATURE_DRIFT_CONFIG.minRows) } : {}) };
  return { drift: { reference, config } };
}
