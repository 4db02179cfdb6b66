import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { ChallengeVerdict } from './champion-gate.js';
import type { ClassifierMetrics } from './classifier-metrics.js';
import type { DriftReference } from './feature-drift.js';
import type { FeatureMeaning } from './feature-meaning.js';
import type { ModelWarning } from './model-warnings.js';
import type { NeuralManifest } from './neural/neural-manifest.js';
import type { LabelConfig } from './trade-labeler.js';
import type { Fold } from './walk-forward.js';

/** The three models, in the order of every score array. */
export const MODEL_NAMES = ['lr', 'gbt', 'rf'] as const;
/** One of the model names. */
export type ModelName = (typeof MODEL_NAMES)[number];

/** Manifest file name inside a models directory. */
export const MANIFEST_FILE = 'manifest.json';
/** Format tag and version of the manifest; a loader refuses any other. */
export const MANIFEST_FORMAT = 'mia-ml-models';
/** Current manifest version. */
export const MANIFEST_VERSION = 1;

/** One exported model. */
export interface ManifestModel {
  name: ModelName;
  file: string;
  /** sha256 of the file's bytes, hex. */
  sha256: string;
  /** What the graph is (ops), for a reader of the manifest. */
  graph: string;
  /** Training parameters. */
  params: Record<string, number>;
  /** Walk-forward metrics: pooled over the folds' test blocks, and each fold. */
  walkForward: { pooled: ClassifierMetrics; folds: (ClassifierMetrics & Fold)[] };
}

/** The manifest written next to the models (docs/ml.md). */
export interface ModelManifest {
  format: typeof MANIFEST_FORMAT;
  version: number;
  /** Given by the caller (not read from a clock), so the same inputs give the same bytes. */
  createdAt: string;
  /** Feature order of the input tensor's columns. */
  features: string[];
  /**
   * What the features meant when the models were trained (kernel, footprint and signal settings): a run that
   * computes them otherwise is refused (MIA_ERR_MODEL_MISMATCH). Absent in manifests written before it existed.
   */
  featureMeaning?: FeatureMeaning;
  /** What a feature that is not warm yet (null) is given. */
  missingFeatureValue: number;
  /**
   * Each feature's training distribution (quantile bins of the training rows), what the engine's drift monitor
   * compares the live rows with. Absent in manifests written before it existed: drift is then off.
   */
  featureDrift?: DriftReference;
  input: { name: string; type: 'float32'; shape: [string, number] };
  output: { name: string; type: 'float32'; shape: [string, number]; meaning: string };
  /** Default approval threshold of the ensemble mean. */
  threshold: number;
  label: LabelConfig & { definition: string };
  training: {
    samples: number;
    positives: number;
    /** sha256 of the labelled training data (float32 feature rows then uint8 labels, little-endian). */
    dataSha256: string;
    /** sha256 of the input file, when trained from one. */
    inputSha256?: string;
    folds: number;
    embargo: number;
    seed: number;
  };
  models: ManifestModel[];
  /**
   * Coded warnings of the training (too few samples, a model no better than chance), repeated by whatever loads
   * the models. Absent in manifests written before warnings existed: read as none.
   */
  warnings?: ModelWarning[];
  /** Versions of the libraries that trained, wrote and run the models. */
  libraries: Record<string, string>;
  /**
   * The explanations' parameters (explain.json: the trees' covers, the features' training means), hashed like the
   * models. Absent in manifests written before explanations existed: such models score but are not explained.
   */
  explain?: { file: string; sha256: string };
  /**
   * The champion/challenger verdict of `mia train --challenge` (champion-gate.ts); absent when trained without one.
   * `mia serve --models-watch` swaps in only a directory whose `challenge.approved` is true.
   */
  challenge?: ChallengeVerdict;
  /**
   * Whether the neural models' outputs join decisions (`mia train --neural`, docs/ml.md "Neural models"): true only
   * when they beat their walk-forward baseline. Absent (read as false) without --neural.
   */
  neuralEnabled?: boolean;
  /** The neural models, their labels and walk-forward metrics; absent without --neural. */
  neural?: NeuralManifest;
}

/** sha256 of bytes, hex. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** sha256 of labelled samples: every row as float32 little-endian, then the labels as bytes. */
export function trainingDataHash(x: readonly Float32Array[], y: ArrayLike<number>): string {
  const h = createHash('sha256');
  const row = new DataView(new ArrayBuffer(4 * (x[0]?.length ?? 0)));
  for (const r of x) {
    for (let j = 0; j < r.length; j++) row.setFloat32(4 * j, r[j]!, true);
    h.update(new Uint8Array(row.buffer));
  }
  h.update(Uint8Array.from(y as ArrayLike<number>));
  return h.digest('hex');
}

const require = createRequire(import.meta.url);

/** Installed versions of the ML libraries (from their package.json). */
export function libraryVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of ['onnxruntime-node', 'onnx-proto', 'ml-random-forest', 'ml-cart']) {
    out[p] = (require(`${p}/package.json`) as { version: string }).version;
  }
  return out;
}
