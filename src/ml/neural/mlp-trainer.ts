import * as tfl from '@tensorflow/tfjs-layers';
import { fitBinary, predictBinary, type FitConfig } from './fit-binary.js';
import { tf, useCpuBackend } from './tf-backend.js';

/** One dense layer's weights as tfjs holds them: kernel [inputs, units] row-major, bias [units]. */
export interface DenseWeights {
  inputs: number;
  units: number;
  kernel: Float32Array;
  bias: Float32Array;
  activation: 'relu' | 'sigmoid';
}

/** Settings of a classifier MLP: hidden ReLU layers, then one sigmoid unit. */
export interface MlpConfig extends FitConfig {
  /** Units of each hidden layer. */
  hidden: number[];
  /** Seed of the weight initialisers (Glorot uniform; biases start at 0). */
  seed: number;
}

/**
 * Defaults: two small hidden layers (8 → 16 → 8 → 1, 289 weights) for eight bounded features. tfjs's CPU backend
 * costs milliseconds per optimiser step whatever the batch (op dispatch, not arithmetic), so batches of 64 and
 * 30 epochs keep a fit to a few hundred steps on a day of 1m bars (docs/ml.md "Neural models", cost).
 */
export const DEFAULT_MLP_CONFIG: MlpConfig = { hidden: [16, 8], epochs: 30, batchSize: 64, learningRate: 0.01, seed: 42 };

/** An MLP classifier built with tfjs-layers: `inputs` → hidden ReLU layers → one sigmoid unit. */
export function buildMlp(inputs: number, c: MlpConfig): tfl.Sequential {
  const m = tfl.sequential();
  const sizes = [...c.hidden, 1];
  sizes.forEach((units, i) => {
    m.add(tfl.layers.dense({
      units, activation: i === sizes.length - 1 ? 'sigmoid' : 'relu',
      ...(i === 0 ? { inputShape: [inputs] } : {}),
      kernelInitializer: tfl.initializers.glorotUniform({ seed: c.seed + i }), biasInitializer: 'zeros',
    }));
  });
  return m;
}

/** A trained MLP: its tfjs model (for predictions) and its weights (for the ONNX export). */
export interface TrainedMlp {
  model: tfl.LayersModel;
  layers: DenseWeights[];
  /** Training loss after each epoch. */
  loss: number[];
}

/** Trains an MLP on `n` rows of `d` features laid end to end and 0/1 labels. */
export async function trainMlp(x: Float32Array, d: number, y: ArrayLike<number>, c: MlpConfig = DEFAULT_MLP_CONFIG): Promise<TrainedMlp> {
  await useCpuBackend();
  const model = buildMlp(d, c);
  const xt = tf.tensor2d(x, [y.length, d], 'float32');
  try {
    const loss = await fitBinary(model, xt, y, c);
    return { model, layers: denseWeights(model.layers), loss };
  } finally {
    xt.dispose();
  }
}

/** The MLP's P(label 1) for `n` rows of `d` features laid end to end. */
export function predictMlp(m: TrainedMlp, x: Float32Array, d: number): Float32Array {
  const xt = tf.tensor2d(x, [x.length / d, d], 'float32');
  try {
    return predictBinary(m.model, xt);
  } finally {
    xt.dispose();
  }
}

/** The weights of dense layers, in order. */
export function denseWeights(layers: tfl.LayersModel['layers']): DenseWeights[] {
  return layers.map((layer) => {
    const [k, b] = layer.getWeights();
    const cfg = layer.getConfig() as { activation?: string };
    if (!k || !b || k.shape.length !== 2) throw new Error(`layer ${layer.name} is not a dense layer with a bias`);
    const activation = cfg.activation === 'relu' ? 'relu' : cfg.activation === 'sigmoid' ? 'sigmoid' : null;
    if (!activation) throw new Error(`layer ${layer.name}: activation ${cfg.activation} has no export`);
    return { inputs: k.shape[0]!, units: k.shape[1]!, kernel: Float32Array.from(k.dataSync()), bias: Float32Array.from(b.dataSync()), activation };
  });
}
