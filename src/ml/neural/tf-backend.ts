import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

/**
 * Selects tfjs's pure-JavaScript CPU backend (tfjs-node downloads a native binary at install and cannot be
 * installed here; the WASM backend is not a dependency). Idempotent: trainers call it before building a model.
 * The CPU backend runs every kernel in float32 in a fixed order on one thread, so a seeded model trains to the
 * same weights on every run.
 */
export async function useCpuBackend(): Promise<void> {
  // PROD silences tfjs's console nag to install tfjs-node (one stderr line per process): `mia train`'s stderr
  // carries only its own progress and warnings.
  tf.env().set('PROD', true);
  if (tf.getBackend() === 'cpu') return;
  const ok = await tf.setBackend('cpu');
  if (!ok) throw new Error('the tfjs cpu backend could not be initialised');
}

/** tfjs-core, for the trainers: imported through this module so that the CPU backend is registered first. */
export { tf };
