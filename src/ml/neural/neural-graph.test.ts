import { describe, expect, test } from 'vitest';
import { SyncOnnxSession } from '../onnx-session.js';
import { trainLstm, predictLstm, type LstmConfig } from './lstm-trainer.js';
import { trainMlp, predictMlp, type MlpConfig } from './mlp-trainer.js';
import { lstmGraph, mlpGraph } from './neural-graph.js';

// Tolerance of ONNX against tfjs: both compute in float32, but sum a Gemm's or a gate's products in their own
// order, and tfjs's CPU sigmoid/tanh are not onnxruntime's: each step rounds differently by about one float32
// ulp (6e-8 at 0.5). Measured differences are 6e-8 to 9e-8 (one or two ulps of the probability); 1e-6 leaves
// room for other CPUs' summation order. A wrong gate order moves outputs by 0.1 and more.
const TOL = 1e-6;

/** A small deterministic generator (mulberry32), so the random inputs are the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uniform(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => 2 * r() - 1);
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

const d = 8;

describe('neural ONNX export against tfjs predict', () => {
  test('the MLP (Gemm + Relu, Gemm + Sigmoid) on 200 random rows', async () => {
    const n = 120;
    const x = uniform(n * d, 1);
    // A learnable label: the sign of a fixed mix of features, so training moves the weights off their start.
    const y = Uint8Array.from({ length: n }, (_, i) => (x[i * d]! + 0.5 * x[i * d + 3]! > 0 ? 1 : 0));
    const cfg: MlpConfig = { hidden: [16, 8], epochs: 5, batchSize: 32, learningRate: 0.01, seed: 7 };
    const m = await trainMlp(x, d, y, cfg);
    const probe = uniform(200 * d, 2);
    const session = new SyncOnnxSession(mlpGraph(m.layers, 'mlp_test'), d);
    const onnx = session.run(probe, 200);
    const tfjs = predictMlp(m, probe, d);
    session.release();
    expect(onnx).toHaveLength(200);
    expect(maxDiff(onnx, tfjs)).toBeLessThan(TOL);
  });

  const lstmCfg: LstmConfig = { steps: 6, units: 5, epochs: 4, batchSize: 16, learningRate: 0.02, seed: 3 };

  test('the LSTM (Reshape, Transpose, LSTM, Gemm + Sigmoid) on 100 random sequences', async () => {
    const n = 64;
    const x = uniform(n * lstmCfg.steps * d, 4);
    const y = Uint8Array.from({ length: n }, (_, i) => (x[i * lstmCfg.steps * d + d]! > 0 ? 1 : 0));
    const m = await trainLstm(x, d, y, lstmCfg);
    const probe = uniform(100 * lstmCfg.steps * d, 5);
    const session = new SyncOnnxSession(lstmGraph(m.lstm, m.head, lstmCfg.steps, 'lstm_test'), lstmCfg.steps * d);
    const onnx = session.run(probe, 100);
    const tfjs = predictLstm(m, probe, d);
    session.release();
    expect(maxDiff(onnx, tfjs)).toBeLessThan(TOL);
  });

  test("Keras's gate order taken as ONNX's (i, f, c, o for i, o, f, c) gives other outputs: the reorder is needed", async () => {
    const n = 32;
    const x = uniform(n * lstmCfg.steps * d, 6);
    const y = Uint8Array.from({ length: n }, (_, i) => i % 2);
    const m = await trainLstm(x, d, y, lstmCfg);
    const probe = uniform(50 * lstmCfg.steps * d, 7);
    const tfjs = predictLstm(m, probe, d);
    const wrong = new SyncOnnxSession(lstmGraph(m.lstm, m.head, lstmCfg.steps, 'lstm_wrong', [0, 1, 2, 3]), lstmCfg.steps * d);
    const right = new SyncOnnxSession(lstmGraph(m.lstm, m.head, lstmCfg.steps, 'lstm_right'), lstmCfg.steps * d);
    const wrongDiff = maxDiff(wrong.run(probe, 50), tfjs);
    const rightDiff = maxDiff(right.run(probe, 50), tfjs);
    wrong.release();
    right.release();
    expect(rightDiff).toBeLessThan(TOL);
    expect(wrongDiff).toBeGreaterThan(1e-3);
  });
});
