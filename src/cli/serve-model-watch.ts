import type { Logger } from 'pino';
import type { MiaError } from '../common/errors.js';
import type { DecisionPipeline } from '../engine/decision-pipeline.js';
import type { EventBus } from '../engine/engine-events.js';
import type { ModelEnsemble } from '../ml/model-ensemble.js';
import { ModelWatcher } from '../ml/model-watcher.js';

/**
 * `mia serve --models-watch`: a ModelWatcher on `--models` whose approved directories are swapped into the decision
 * pipeline between two decisions, each swap and refusal published on the alert topic (rule `modelSwap`, info for a
 * swap, warning for a refusal) besides the log and /health (`decisions.modelSwaps`). Decisions after a swap carry
 * the new model hashes.
 */
export async function watchModels(o: {
  path: string; initial: ModelEnsemble; threshold?: number; pipeline: DecisionPipeline; bus: EventBus; log: Logger;
  check: (e: ModelEnsemble) => MiaError | undefined;
}): Promise<ModelWatcher> {
  let count = 0;
  const watcher = new ModelWatcher({
    path: o.path, initial: o.initial, log: o.log, check: o.check, ...(o.threshold !== undefined ? { threshold: o.threshold } : {}),
    install: (e, applied) => o.pipeline.swapScorer({
      scorer: e, filter: e.status(), missingFeature: e.manifest.missingFeatureValue, driftReference: e.manifest.featureDrift ?? null, neural: e.neural, applied,
      replaced: (s) => (s as ModelEnsemble).close(),
    }),
    notify: (n) => {
      const atMs = Date.now();
      const message = n.kind === 'swapped'
        ? `models swapped to ${n.dir} (${n.hashes.map((h) => h.slice(0, 12)).join(', ')})`
        : `models in ${n.dir} refused (${n.code}): ${n.message}; the running models stay`;
      o.bus.emit('alert', {
        key: 'modelSwap', rule: 'modelSwap', symbol: null, severity: n.kind === 'swapped' ? 'info' : 'warning', state: 'raised',
        message, value: null, threshold: null, sinceMs: atMs, atMs, count: ++count,
      });
    },
  });
  return watcher.start();
}
