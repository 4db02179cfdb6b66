import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configError, ErrorCode } from '../../common/errors.js';
import { classifierMetrics, type ClassifierMetrics } from '../classifier-metrics.js';
import { sha256 } from '../model-manifest.js';
import { MIN_LABELLED_SAMPLES } from '../model-warnings.js';
import type { LabelInput } from '../trade-labeler.js';
import { sampleProblem, walkForwardFolds, type Fold } from '../walk-forward.js';
import { DEFAULT_LSTM_CONFIG, predictLstm, trainLstm, type LstmConfig } from './lstm-trainer.js';
import { DEFAULT_MLP_CONFIG, predictMlp, trainMlp, type MlpConfig } from './mlp-trainer.js';
import { neuralDataset, type NeuralDataset } from './neural-dataset.js';
import { lstmGraph, mlpGraph } from './neural-graph.js';
import { TREND_EFFICIENCY } from './neural-labels.js';
import { NEURAL_BASELINE, NEURAL_MODELS, type NeuralManifest, type NeuralManifestModel, type NeuralWalkForward } from './neural-manifest.js';

/** What neural training needs besides the decision rows. */
export interface NeuralTrainingOptions {
  folds: number;
  /** Bars the labels look ahead; also the walk-forward embargo (a label spans that many bars). */
  horizonBars: number;
  mlp?: MlpConfig;
  lstm?: LstmConfig;
  /** Called before each model's walk-forward and final fit. */
  onStage?: (stage: string) => void;
}

/** A trainer of one model kind: fits on the first `n` samples and returns a scorer of samples by index range. */
type Fit = (n: number) => Promise<{ predict: (from: number, to: number) => Float32Array; bytes: () => Uint8Array; dispose: () => void }>;

function fitter(ds: NeuralDataset, input: 'row' | 'sequence', y: Uint8Array, name: string, mlp: MlpConfig, lstm: LstmConfig): Fit {
  const d = ds.d;
  if (input === 'row') {
    return async (n) => {
      const m = await trainMlp(ds.rows.subarray(0, n * d), d, y.subarray(0, n), mlp);
      return { predict: (a, b) => predictMlp(m, ds.rows.subarray(a * d, b * d), d), bytes: () => mlpGraph(m.layers, name), dispose: () => m.model.dispose() };
    };
  }
  const w = ds.steps * d;
  return async (n) => {
    const m = await trainLstm(ds.sequences.subarray(0, n * w), d, y.subarray(0, n), lstm);
    return { predict: (a, b) => predictLstm(m, ds.sequences.subarray(a * w, b * w), d), bytes: () => lstmGraph(m.lstm, m.head, ds.steps, name), dispose: () => m.model.dispose() };
  };
}

/** Walk-forward of one model against the constant forecast of each training window's positive rate. */
async function evaluate(fit: Fit, y: Uint8Array, folds: readonly Fold[]): Promise<NeuralWalkForward> {
  const allP: number[] = [];
  const allB: number[] = [];
  const allY: number[] = [];
  const out: (ClassifierMetrics & Fold)[] = [];
  for (const f of folds) {
    const m = await fit(f.trainEnd);
    const p = Array.from(m.predict(f.testStart, f.testEnd));
    m.dispose();
    let pos = 0;
    for (let i = 0; i < f.trainEnd; i++) pos += y[i]!;
    const rate = pos / f.trainEnd;
    const t = Array.from(y.subarray(f.testStart, f.testEnd));
    out.push({ ...f, ...classifierMetrics(p, t) });
    for (let i = 0; i < p.length; i++) (allP.push(p[i]!), allB.push(rate), allY.push(t[i]!));
  }
  const pooled = classifierMetrics(allP, allY);
  const baseline = classifierMetrics(allB, allY);
  return { pooled, folds: out, baseline: { pooled: baseline }, brierSkill: baseline.brier > 0 ? 1 - pooled.brier / baseline.brier : 0 };
}

/**
 * Trains the neural models on `mia train`'s decision rows (time order): an MLP for the volatility regime and one
 * for the market regime on each decision's row, an LSTM for direction on its last `steps` rows. Each is
 * evaluated walk-forward against its baseline, fitted again on every sample, exported to ONNX into `dir`, and
 * described in the returned manifest block. `enabled` only when every model's pooled Brier score is below its
 * baseline's and there are at least MIN_LABELLED_SAMPLES samples: until then the outputs stay off. Too few
 * samples, or a label of one class, throw MIA_ERR_BAD_ARGUMENT naming the target.
 */
export async function trainNeural(inputs: readonly LabelInput<Float32Array>[], dir: string, o: NeuralTrainingOptions): Promise<NeuralManifest> {
  const mlp = o.mlp ?? DEFAULT_MLP_CONFIG;
  const lstm = o.lstm ?? DEFAULT_LSTM_CONFIG;
  const ds = neuralDataset(inputs, o.horizonBars, lstm.steps);
  for (const spec of NEURAL_MODELS) {
    const problem = sampleProblem(ds[spec.target], o.folds, o.horizonBars);
    if (problem) throw configError(ErrorCode.BAD_ARGUMENT, `too few labelled samples to train ${spec.name}: ${problem}`, { samples: ds.n });
  }
  const folds = walkForwardFolds(ds.n, o.folds, o.horizonBars);
  const models: NeuralManifestModel[] = [];
  for (const spec of NEURAL_MODELS) {
    const y = ds[spec.target];
    const fit = fitter(ds, spec.input, y, spec.name, mlp, lstm);
    o.onStage?.(`${spec.name}: walk-forward over ${folds.length} folds`);
    const walkForward = await evaluate(fit, y, folds);
    o.onStage?.(`${spec.name}: final fit on every sample`);
    const final = await fit(ds.n);
    const bytes = final.bytes();
    final.dispose();
    await writeFile(join(dir, spec.file), bytes);
    const isRow = spec.input === 'row';
    models.push({
      name: spec.name, file: spec.file, sha256: sha256(bytes), width: isRow ? ds.d : ds.steps * ds.d,
      graph: isRow ? 'Gemm + Relu layers, Gemm + Sigmoid' : 'Reshape + Transpose + LSTM + Squeeze + Gemm + Sigmoid',
      params: isRow ? { ...mlp } : { ...lstm }, walkForward,
    });
  }
  const beaten = models.filter((m) => !(m.walkForward.brierSkill > 0)).map((m) => m.name);
  const enabled = beaten.length === 0 && ds.n >= MIN_LABELLED_SAMPLES;
  const reason = beaten.length > 0
    ? `off: ${beaten.join(', ')} not better than the baseline (walk-forward Brier score)`
    : ds.n < MIN_LABELLED_SAMPLES
      ? `off: ${ds.n} labelled samples are under the minimum of ${MIN_LABELLED_SAMPLES}`
      : 'on: every model has a lower walk-forward Brier score than its baseline';
  return {
    enabled, reason, baseline: NEURAL_BASELINE, samples: ds.n, horizonBars: o.horizonBars, steps: lstm.steps, volatilityCut: ds.volatilityCut,
    labels: {
      volatility: `1 when the range of the next ${o.horizonBars} bars (entry included) is at or above ${ds.volatilityCut} (the training samples' upper tercile)`,
      regime: `1 (trend) when the net move over the next ${o.horizonBars} bars is at least ${TREND_EFFICIENCY} of their range, else 0 (range)`,
      direction: `1 when the midpoint of the ${o.horizonBars}th bar after the entry is above the entry`,
    },
    models,
  };
}
