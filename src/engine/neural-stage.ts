import type { Logger } from 'pino';
import { isMiaError } from '../common/errors.js';
import type { NeuralVerdict } from '../ml/neural/neural-scorer.js';
import type { SnapshotInput } from '../model/signal-input.js';

/** Scores a decision's row with the neural models synchronously: the NeuralScorer, or a test's stub. */
export interface NeuralDecisionScorer {
  score(symbol: string, barMs: number | undefined, row: Float32Array): NeuralVerdict;
}

/** What a decision carries when the neural models failed on it: on, outputs unknown. */
export const NN_FAILED: NeuralVerdict = Object.freeze({ enabled: true, volatility: Number.NaN, regime: Number.NaN, direction: Number.NaN });

/**
 * Open time (ms) of the latest closed bar of `timeframe` in a snapshot, or undefined before its first close: the
 * neural scorer keeps one row per closed base bar (src/ml/neural/row-history.ts). A loop, not `find`: no closure
 * per decision.
 */
export function closedBarMs(input: SnapshotInput, timeframe: string): number | undefined {
  const frames = input.frames;
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i]!;
    if (f.timeframe === timeframe) return f.lastClosed?.tsMs;
  }
  return undefined;
}

/** The neural outputs of a decision's row; a failure is logged with its code and published as NN_FAILED. */
export function neuralVerdict(scorer: NeuralDecisionScorer, symbol: string, input: SnapshotInput, baseTimeframe: string, row: Float32Array, log: Logger): NeuralVerdict {
  try {
    return scorer.score(symbol, closedBarMs(input, baseTimeframe), row);
  } catch (e) {
    log.error({ symbol, err: e, code: isMiaError(e) ? e.code : undefined }, 'Neural scoring failed');
    return NN_FAILED;
  }
}
