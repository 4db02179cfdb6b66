import type { LabelInput } from '../trade-labeler.js';
import { forwardMove, neuralLabels, volatilityCut, type ForwardMove } from './neural-labels.js';

/** The labelled samples of the three neural models, in time order. */
export interface NeuralDataset {
  /** Features per row. */
  d: number;
  /** Rows per LSTM sequence. */
  steps: number;
  /** Labelled samples. */
  n: number;
  /** Each sample's own feature row: n × d (the MLPs' input). */
  rows: Float32Array;
  /** Each sample's last `steps` rows, oldest first, zeros before the first row: n × steps × d (the LSTM's input). */
  sequences: Float32Array;
  volatility: Uint8Array;
  regime: Uint8Array;
  direction: Uint8Array;
  /** The forward range at or above which volatility is high (price units). */
  volatilityCut: number;
}

/**
 * The neural samples of `mia train`'s decision rows (one per closed base bar with a lean, time order). A row's
 * sequence is the rows up to and including it, as the run-time buffer holds them (src/ml/neural/row-history.ts):
 * before `steps` rows have been seen the oldest slots are zero. Rows whose path is shorter than the horizon are
 * history for later sequences but carry no label (their outcome is unknown).
 */
export function neuralDataset(inputs: readonly LabelInput<Float32Array>[], horizonBars: number, steps: number): NeuralDataset {
  const d = inputs[0]?.features.length ?? 0;
  const moves: Array<{ i: number; m: ForwardMove }> = [];
  inputs.forEach((s, i) => {
    const m = forwardMove(s, { horizonBars });
    if (m) moves.push({ i, m });
  });
  const cut = volatilityCut(moves.map((x) => x.m.range));
  const n = moves.length;
  const ds: NeuralDataset = {
    d, steps, n, rows: new Float32Array(n * d), sequences: new Float32Array(n * steps * d),
    volatility: new Uint8Array(n), regime: new Uint8Array(n), direction: new Uint8Array(n), volatilityCut: cut,
  };
  moves.forEach(({ i, m }, k) => {
    ds.rows.set(inputs[i]!.features, k * d);
    for (let t = 0; t < steps; t++) {
      const src = i - (steps - 1) + t;
      if (src >= 0) ds.sequences.set(inputs[src]!.features, (k * steps + t) * d);
    }
    const l = neuralLabels(m, cut);
    ds.volatility[k] = l.volatility;
    ds.regime[k] = l.regime;
    ds.direction[k] = l.direction;
  });
  return ds;
}
