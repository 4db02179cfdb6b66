import type { ClassifierMetrics } from '../classifier-metrics.js';
import type { Fold } from '../walk-forward.js';

/** The three neural models: name (the decision field it fills), file, and what it reads. */
export const NEURAL_MODELS = [
  { name: 'nn_volatility', file: 'nn-volatility.onnx', input: 'row', target: 'volatility' },
  { name: 'nn_regime', file: 'nn-regime.onnx', input: 'row', target: 'regime' },
  { name: 'nn_direction', file: 'nn-direction.onnx', input: 'sequence', target: 'direction' },
] as const;

/** One of the neural model names. */
export type NeuralModelName = (typeof NEURAL_MODELS)[number]['name'];

/** The files `mia train --neural` adds to a models directory. */
export const NEURAL_FILES: readonly string[] = NEURAL_MODELS.map((m) => m.file);

/** What the neural models are compared with: the training window's base rate, the best constant forecast. */
export const NEURAL_BASELINE = 'constant: the positive rate of each fold\'s training window (climatology)';

/** Out-of-sample results of one model and of its baseline, pooled and per fold. */
export interface NeuralWalkForward {
  pooled: ClassifierMetrics;
  folds: (ClassifierMetrics & Fold)[];
  baseline: { pooled: ClassifierMetrics };
  /** 1 − Brier / baseline Brier: above 0 when the model beats the constant forecast. */
  brierSkill: number;
}

/** One exported neural model. */
export interface NeuralManifestModel {
  name: NeuralModelName;
  file: string;
  /** sha256 of the file's bytes, hex. */
  sha256: string;
  graph: string;
  /** Input tensor: `features` float32 [N, width] (the LSTM's rows end to end). */
  width: number;
  params: Record<string, number | number[]>;
  walkForward: NeuralWalkForward;
}

/** The `neural` block of manifest.json (docs/ml.md "Neural models"). */
export interface NeuralManifest {
  /** Whether the outputs join decisions: every model beat its baseline on enough samples. */
  enabled: boolean;
  /** Why enabled or not, for a reader and for the loader's log. */
  reason: string;
  baseline: string;
  samples: number;
  /** Bars the labels look ahead. */
  horizonBars: number;
  /** Rows in the LSTM's sequence. */
  steps: number;
  /** Forward range (price units) at or above which volatility counts as high. */
  volatilityCut: number;
  labels: Record<'volatility' | 'regime' | 'direction', string>;
  models: NeuralManifestModel[];
}
