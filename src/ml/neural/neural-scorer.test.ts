import { describe, expect, test } from 'vitest';
import { predictLstm, trainLstm } from './lstm-trainer.js';
import { predictMlp, trainMlp } from './mlp-trainer.js';
import { lstmGraph, mlpGraph } from './neural-graph.js';
import { NeuralScorer } from './neural-scorer.js';

// ONNX against tfjs in float32: the same tolerance as neural-graph.test.ts, for the same reason (summation order
// and transcendental functions round differently by an ulp or two).
const TOL = 1e-6;
const d = 8;
const steps = 4;
const fit = { epochs: 2, batchSize: 16, learningRate: 0.01, seed: 11 };

function rows(n: number, seed: number): Float32Array {
  let a = seed;
  // A linear congruential sequence in [-1, 1): deterministic inputs, no library needed.
  return Float32Array.from({ length: n * d }, () => ((a = (a * 1103515245 + 12345) % 2147483648) / 1073741824) - 1);
}

describe('NeuralScorer', () => {
  test('MLP outputs on every row, the LSTM once per closed bar over the symbol\'s last rows, as tfjs predicts them', async () => {
    const x = rows(48, 1);
    const y = Uint8Array.from({ length: 48 }, (_, i) => i % 2);
    const vol = await trainMlp(x, d, y, { ...fit, hidden: [4] });
    const reg = await trainMlp(x, d, y.map((v) => 1 - v), { ...fit, hidden: [4], seed: 12 });
    const seqX = rows(48 * steps, 2);
    const dir = await trainLstm(seqX, d, y, { ...fit, steps, units: 3 });
    const scorer = new NeuralScorer({
      nn_volatility: mlpGraph(vol.layers, 'v'), nn_regime: mlpGraph(reg.layers, 'r'), nn_direction: lstmGraph(dir.lstm, dir.head, steps, 'd'),
    }, { steps }, d);
    const r = rows(4, 3);
    const row = (i: number): Float32Array => r.slice(i * d, (i + 1) * d);
    const seq = (...ids: Array<number | null>): Float32Array => {
      const out = new Float32Array(steps * d);
      ids.forEach((id, t) => id !== null && out.set(row(id), t * d));
      return out;
    };

    // Before the first close: the MLPs score, the LSTM has nothing to read.
    const a = scorer.score('ES', undefined, row(0));
    expect(Math.abs(a.volatility - predictMlp(vol, row(0), d)[0]!)).toBeLessThan(TOL);
    expect(Math.abs(a.regime - predictMlp(reg, row(0), d)[0]!)).toBeLessThan(TOL);
    expect(a.direction).toBeNaN();

    // The first row of bar 60 000 is kept: the LSTM reads zeros then it.
    const b = scorer.score('ES', 60_000, row(1));
    const pb = predictLstm(dir, seq(null, null, null, 1), d)[0]!;
    expect(Math.abs(b.direction - pb)).toBeLessThan(TOL);
    // A later decision of the same bar: new MLP outputs, the bar's LSTM output kept.
    const c = scorer.score('ES', 60_000, row(2));
    expect(Math.abs(c.volatility - predictMlp(vol, row(2), d)[0]!)).toBeLessThan(TOL);
    expect(c.direction).toBe(b.direction);
    // The next bar: rows 1 and 3, oldest first.
    const e = scorer.score('ES', 120_000, row(3));
    expect(Math.abs(e.direction - predictLstm(dir, seq(null, null, 1, 3), d)[0]!)).toBeLessThan(TOL);
    // Another symbol has its own history.
    expect(scorer.score('NQ', undefined, row(3)).direction).toBeNaN();
    scorer.close();
    for (const m of [vol.model, reg.model, dir.model]) m.dispose();
  });
});
