import { composeEnsemble } from '../ensemble-graph.js';
import { SyncOnnxSession } from '../onnx-session.js';
import type { NeuralManifest } from './neural-manifest.js';
import { RowHistory } from './row-history.js';

/** The neural part of a decision: P(high volatility), P(trend) and P(up); NaN when off. */
export interface NeuralVerdict {
  /** The outputs join the decision (the manifest enabled them and they were loaded). */
  enabled: boolean;
  volatility: number;
  regime: number;
  direction: number;
}

/** The verdict without neural models (the default). */
export const NN_OFF: NeuralVerdict = Object.freeze({ enabled: false, volatility: Number.NaN, regime: Number.NaN, direction: Number.NaN });

/** The model files' bytes by name, as checked against the manifest by the loader. */
export type NeuralModelBytes = Record<'nn_volatility' | 'nn_regime' | 'nn_direction', Uint8Array>;

/**
 * The three neural models in onnxruntime-node, run synchronously on the caller's thread. The two MLPs are joined
 * into one graph (composeEnsemble: they share the `features` input) and run on every decision's row; the LSTM
 * runs once per closed base bar of a symbol, on the symbol's last `steps` rows (RowHistory), and its output is
 * kept until the next close: it is a model of bars, and training saw one row per close.
 */
export class NeuralScorer {
  private readonly mlps: SyncOnnxSession;
  private readonly lstm: SyncOnnxSession;
  private readonly history: RowHistory;
  private readonly sequence: Float32Array;
  private readonly direction = new Map<string, number>();

  /** Opens the sessions; throws onnxruntime's error for a graph that does not load. */
  constructor(bytes: NeuralModelBytes, m: Pick<NeuralManifest, 'steps'>, d: number) {
    this.mlps = new SyncOnnxSession(composeEnsemble([{ name: 'nn_volatility', bytes: bytes.nn_volatility }, { name: 'nn_regime', bytes: bytes.nn_regime }]), d);
    this.lstm = new SyncOnnxSession(bytes.nn_direction, m.steps * d);
    this.history = new RowHistory(m.steps, d);
    this.sequence = new Float32Array(m.steps * d);
  }

  /**
   * Scores a decision's row of `symbol`; `barMs` is the open time of the latest closed base bar it was taken on
   * (undefined before the first close: the LSTM's output stays NaN until the symbol has one).
   */
  score(symbol: string, barMs: number | undefined, row: Float32Array): NeuralVerdict {
    const p = this.mlps.run(row, 1);
    if (barMs !== undefined && this.history.push(symbol, barMs, row)) {
      this.direction.set(symbol, this.lstm.run(this.history.read(symbol, this.sequence), 1)[0]!);
    }
    return { enabled: true, volatility: p[0]!, regime: p[1]!, direction: this.direction.get(symbol) ?? Number.NaN };
  }

  /** Releases the sessions. */
  close(): void {
    this.mlps.release();
    this.lstm.release();
  }
}
