import { writeFile } from 'node:fs/promises';
import { prepareOutputFolder } from '../common/make-folder.js';
import { join } from 'node:path';
import { configError, ErrorCode } from '../common/errors.js';
import { FEATURE_NAMES } from '../signals/features.js';
import { DEFAULT_BOOSTING_CONFIG, trainBoostedTrees, type BoostedTreesModel, type BoostingConfig } from './boosted-trees.js';
import type { ProbabilityModel } from './decision-tree.js';
import { DEFAULT_LOGISTIC_CONFIG, trainLogistic, type LogisticModel, type LogisticRegressionConfig } from './logistic-regression.js';
import {
  libraryVersions, MANIFEST_FILE, MANIFEST_FORMAT, MANIFEST_VERSION, sha256, trainingDataHash,
  type ManifestModel, type ModelManifest, type ModelName,
} from './model-manifest.js';
import { trainingWarnings } from './model-warnings.js';
import { boostedTreesGraph, forestGraph, INPUT_NAME, logisticGraph, OUTPUT_NAME } from './onnx-graph-writer.js';
import { DEFAULT_FOREST_CONFIG, trainForest, type ForestConfig, type ForestModel } from './random-forest.js';
import type { LabelConfig } from './trade-labeler.js';
import { sampleProblem, walkForward, walkForwardFolds, type WalkForwardResult } from './walk-forward.js';
import type { FeatureMeaning } from './feature-meaning.js';
import { quantileBins } from './feature-drift.js';
import { EXPLAIN_FILE, explainFileOf } from './model-explainer.js';
import type { ChallengeVerdict } from './champion-gate.js';

/** Default approval threshold of the ensemble mean (issue 5). */
export const DEFAULT_THRESHOLD = 0.6;

/** What training needs besides the samples. */
export interface TrainingOptions {
  folds: number;
  /** Samples dropped before each test block (the label horizon). */
  embargo: number;
  seed: number;
  label: LabelConfig;
  /** ISO-8601 time written into the manifest (passed in, so output is reproducible). */
  createdAt: string;
  inputSha256?: string;
  threshold?: number;
  /** What the features mean (the run's kernel, footprint and signal settings), recorded in the manifest. */
  featureMeaning?: FeatureMeaning;
  logistic?: LogisticRegressionConfig;
  boosting?: BoostingConfig;
  forest?: Omit<ForestConfig, 'seed'>;
  /** The champion/challenger verdict (`mia train --challenge`), written into the manifest as `challenge`. */
  challenge?: ChallengeVerdict;
  /** Called before each model's walk-forward and final fit (progress on long inputs). */
  onStage?: (stage: string) => void;
}

/** The three final models, each fitted on every sample. */
export interface TrainedModels {
  lr: LogisticModel;
  gbt: BoostedTreesModel;
  rf: ForestModel;
}

/** Models, their walk-forward results and the manifest written. */
export interface TrainingResult {
  models: TrainedModels;
  evaluation: Record<ModelName, WalkForwardResult>;
  manifest: ModelManifest;
}

/**
 * Trains logistic regression, gradient-boosted trees and a random forest on labelled feature rows (time
 * order), evaluates each walk-forward, fits each again on every sample, exports the three ONNX graphs and
 * writes the manifest into `dir`. Too few samples, or a single class, throw MIA_ERR_BAD_ARGUMENT with the
 * minimum (docs/ml.md) rather than writing models that learned nothing; samples under MIN_LABELLED_SAMPLES
 * or a walk-forward AUC not above MIN_USEFUL_AUC train, and the manifest's `warnings` say so.
 */
export async function trainAndExport(x: readonly Float32Array[], y: Uint8Array, dir: string, o: TrainingOptions): Promise<TrainingResult> {
  const problem = sampleProblem(y, o.folds, o.embargo);
  if (problem) throw configError(ErrorCode.BAD_ARGUMENT, `too few labelled samples to train: ${problem}`, { samples: y.length });
  const lrCfg = o.logistic ?? DEFAULT_LOGISTIC_CONFIG;
  const gbtCfg = o.boosting ?? DEFAULT_BOOSTING_CONFIG;
  const rfCfg: ForestConfig = { ...(o.forest ?? DEFAULT_FOREST_CONFIG), seed: o.seed };
  const trainers: Record<ModelName, (x: readonly ArrayLike<number>[], y: ArrayLike<number>) => ProbabilityModel> = {
    lr: (a, b) => trainLogistic(a, b, lrCfg),
    gbt: (a, b) => trainBoostedTrees(a, b, gbtCfg),
    rf: (a, b) => trainForest(a, b, rfCfg),
  };
  const folds = walkForwardFolds(y.length, o.folds, o.embargo);
  const evaluation = {} as Record<ModelName, WalkForwardResult>;
  for (const name of ['lr', 'gbt', 'rf'] as const) {
    o.onStage?.(`${name}: walk-forward over ${folds.length} folds`);
    evaluation[name] = walkForward(x, y, folds, trainers[name]);
  }
  o.onStage?.('final fits on every sample');
  const models: TrainedModels = {
    lr: trainLogistic(x, y, lrCfg),
    gbt: trainBoostedTrees(x, y, gbtCfg),
    rf: trainForest(x, y, rfCfg),
  };
  const d = FEATURE_NAMES.length;
  const graphs: Record<ModelName, { bytes: Uint8Array; graph: string; params: Record<string, number> }> = {
    lr: { bytes: logisticGraph(models.lr), graph: 'MatMul + Add + Sigmoid', params: { ...lrCfg } },
    gbt: { bytes: boostedTreesGraph(models.gbt, d), graph: 'ai.onnx.ml TreeEnsembleRegressor (SUM) + Sigmoid', params: { ...gbtCfg } },
    rf: { bytes: forestGraph(models.rf.trees, d), graph: 'ai.onnx.ml TreeEnsembleClassifier + Gather(class 1)', params: { ...rfCfg } },
  };
  // Node's recursive mkdir never returns on a path such as /proc/x (src/common/make-folder.ts).
  await prepareOutputFolder(dir);
  const entries: ManifestModel[] = [];
  for (const name of ['lr', 'gbt', 'rf'] as const) {
    const file = `${name}.onnx`;
    const g = graphs[name];
    await writeFile(join(dir, file), g.bytes);
    entries.push({ name, file, sha256: sha256(g.bytes), graph: g.graph, params: g.params, walkForward: evaluation[name] });
  }
  // The explanations' parameters (covers, means) over the same rows the final models were fitted on.
  const explainBytes = Buffer.from(JSON.stringify(explainFileOf(models, x)) + '\n');
  await writeFile(join(dir, EXPLAIN_FILE), explainBytes);
  let positives = 0;
  for (const v of y) positives += v;
  const manifest: ModelManifest = {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    createdAt: o.createdAt,
    features: [...FEATURE_NAMES],
    ...(o.featureMeaning ? { featureMeaning: o.featureMeaning } : {}),
    missingFeatureValue: 0,
    featureDrift: quantileBins(x, FEATURE_NAMES),
    input: { name: INPUT_NAME, type: 'float32', shape: ['N', d] },
    output: { name: OUTPUT_NAME, type: 'float32', shape: ['N', 1], meaning: 'probability that the target is reached before the stop' },
    threshold: o.threshold ?? DEFAULT_THRESHOLD,
    label: { ...o.label, definition: 'target reached before stop within the horizon; a bar touching both counts as the stop' },
    training: {
      samples: y.length, positives, dataSha256: trainingDataHash(x, y),
      ...(o.inputSha256 ? { inputSha256: o.inputSha256 } : {}),
      folds: o.folds, embargo: o.embargo, seed: o.seed,
    },
    models: entries,
    warnings: trainingWarnings(y.length, evaluation),
    libraries: libraryVersions(),
    explain: { file: EXPLAIN_FILE, sha256: sha256(explainBytes) },
    ...(o.challenge ? { challenge: o.challenge } : {}),
  };
  await writeFile(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  return { models, evaluation, manifest };
}
