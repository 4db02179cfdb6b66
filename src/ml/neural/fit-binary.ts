import * as tfl from '@tensorflow/tfjs-layers';
import { tf } from './tf-backend.js';

/** Optimiser settings shared by the neural trainers. */
export interface FitConfig {
  /** Passes over the training samples. */
  epochs: number;
  batchSize: number;
  /** Adam's step size. */
  learningRate: number;
}

/**
 * Fits a model whose last layer is one sigmoid unit on 0/1 labels by binary cross-entropy with Adam. The
 * samples are not shuffled (tfjs shuffles with Math.random, which no seed reaches): batches follow time order,
 * so the same samples and seed give the same weights.
 */
export async function fitBinary(model: tfl.LayersModel, x: tf.Tensor, y: ArrayLike<number>, c: FitConfig): Promise<number[]> {
  model.compile({ optimizer: tf.train.adam(c.learningRate), loss: 'binaryCrossentropy' });
  const labels = tf.tensor2d(Float32Array.from(y), [y.length, 1], 'float32');
  try {
    const h = await model.fit(x, labels, { epochs: c.epochs, batchSize: c.batchSize, shuffle: false, verbose: 0 });
    return (h.history.loss as number[]).map(Number);
  } finally {
    labels.dispose();
  }
}

/** The model's sigmoid outputs for `x`, one per sample (float32 values widened). */
export function predictBinary(model: tfl.LayersModel, x: tf.Tensor): Float32Array {
  return tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync() as Float32Array).slice();
}
