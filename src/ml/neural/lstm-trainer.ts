import * as tfl from '@tensorflow/tfjs-layers';
import { fitBinary, predictBinary, type FitConfig } from './fit-binary.js';
import { denseWeights, type DenseWeights } from './mlp-trainer.js';
import { tf, useCpuBackend } from './tf-backend.js';

/** Settings of the direction LSTM: one LSTM layer over `steps` feature rows, then one sigmoid unit. */
export interface LstmConfig extends FitConfig {
  /** Rows per sequence: the last N closed bars' feature vectors, oldest first. */
  steps: number;
  /** LSTM units (hidden state size). */
  units: number;
  /** Seed of the weight initialisers. */
  seed: number;
}

/**
 * Defaults: 10 bars of history, 8 units (544 LSTM weights). A step of the LSTM costs ten cell steps forward and
 * back in tfjs's CPU backend, so batches of 64 and 20 epochs keep a fit CPU-light (docs/ml.md "Neural models").
 */
export const DEFAULT_LSTM_CONFIG: LstmConfig = { steps: 10, units: 8, epochs: 20, batchSize: 64, learningRate: 0.01, seed: 42 };

/**
 * The LSTM layer's weights as Keras/tfjs hold them: kernel [inputs, 4·units] and recurrent kernel
 * [units, 4·units], both row-major with the gates in column blocks i, f, c, o; bias [4·units], same order.
 */
export interface LstmWeights {
  inputs: number;
  units: number;
  kernel: Float32Array;
  recurrent: Float32Array;
  bias: Float32Array;
}

/**
 * The LSTM classifier. `recurrentActivation: 'sigmoid'`: tfjs's default gate activation is hardSigmoid, ONNX's
 * LSTM default is the logistic sigmoid; training with the logistic one keeps the exported graph on ONNX's
 * defaults (no `activations` attribute to get right) and the two then agree to float32 rounding.
 */
export function buildLstm(inputs: number, c: LstmConfig): tfl.Sequential {
  const m = tfl.sequential();
  m.add(tfl.layers.lstm({
    units: c.units, inputShape: [c.steps, inputs], recurrentActivation: 'sigmoid', activation: 'tanh',
    // Glorot, not tfjs's default orthogonal recurrent initialiser, which needs tfjs's chained-op registry.
    kernelInitializer: tfl.initializers.glorotUniform({ seed: c.seed }),
    recurrentInitializer: tfl.initializers.glorotUniform({ seed: c.seed + 1 }),
    biasInitializer: 'zeros', unitForgetBias: true,
  }));
  m.add(tfl.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tfl.initializers.glorotUniform({ seed: c.seed + 2 }), biasInitializer: 'zeros' }));
  return m;
}

/** A trained LSTM classifier: its tfjs model and its weights (for the ONNX export). */
export interface TrainedLstm {
  model: tfl.LayersModel;
  steps: number;
  lstm: LstmWeights;
  head: DenseWeights;
  /** Training loss after each epoch. */
  loss: number[];
}

/** The weights of a model built by buildLstm. */
export function lstmWeights(model: tfl.LayersModel): { lstm: LstmWeights; head: DenseWeights } {
  const [k, r, b] = model.layers[0]!.getWeights();
  if (!k || !r || !b) throw new Error('the first layer is not an LSTM with a bias');
  const lstm = { inputs: k.shape[0]!, units: r.shape[0]!, kernel: Float32Array.from(k.dataSync()), recurrent: Float32Array.from(r.dataSync()), bias: Float32Array.from(b.dataSync()) };
  const head = denseWeights([model.layers[1]!])[0]!;
  return { lstm, head };
}

/** Trains on `n` sequences of `steps` × `d` features (sample-major, then step, then feature) and 0/1 labels. */
export async function trainLstm(x: Float32Array, d: number, y: ArrayLike<number>, c: LstmConfig = DEFAULT_LSTM_CONFIG): Promise<TrainedLstm> {
  await useCpuBackend();
  const model = buildLstm(d, c);
  const xt = tf.tensor3d(x, [y.length, c.steps, d], 'float32');
  try {
    const loss = await fitBinary(model, xt, y, c);
    return { model, steps: c.steps, ...lstmWeights(model), loss };
  } finally {
    xt.dispose();
  }
}

/** The LSTM's P(label 1) for sequences laid out as in trainLstm. */
export function predictLstm(m: TrainedLstm, x: Float32Array, d: number): Float32Array {
  const xt = tf.tensor3d(x, [x.length / (m.steps * d), m.steps, d], 'float32');
  try {
    return predictBinary(m.model, xt);
  } finally {
    xt.dispose();
  }
}
