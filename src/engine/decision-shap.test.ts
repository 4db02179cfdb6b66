// The pipeline's SHAP step with a stub explainer: a scored decision's verdict carries the explainer's base values
// and the 24 values it wrote for that decision's row, in a copy of its own (the scratch is reused); explain: false
// and a scorer without an explainer leave the fields out.
import pino from 'pino';
import { describe, expect, test } from 'vitest';
import type { EnsembleScore } from '../ml/model-ensemble.js';
import type { DecisionExplainer } from '../ml/model-explainer.js';
import type { SnapshotMessage } from '../protocol/messages.js';
import { snapshotInputOf } from '../protocol/signal-input.js';
import { DecisionPipeline, type DecisionScorer } from './decision-pipeline.js';
import { EventBus, type DecisionEvent } from './engine-events.js';

const HASHES: [string, string, string] = ['1'.repeat(64), '2'.repeat(64), '3'.repeat(64)];

/** Writes value i = 100·call + i: each call's values differ, so a shared array would show. */
class StubExplainer implements DecisionExplainer {
  readonly base = Float64Array.of(-0.5, 0.25, 0.5);
  calls = 0;
  explain(_row: ArrayLike<number>, values: Float64Array): void {
    this.calls++;
    for (let i = 0; i < 24; i++) values[i] = 100 * this.calls + i;
  }
}

function scorer(explainer: DecisionExplainer | null): DecisionScorer {
  return { explainer, score: (): EnsembleScore => ({ scores: [0.7, 0.7, 0.7], mean: 0.7, approved: true, hashes: HASHES }) };
}

function snapshot(sequence: number): SnapshotMessage {
  const tsNs = 1_703_545_200_000_000_000n + BigInt(sequence) * 100_000_000n;
  const session = { poc: 0, vah: 0, val: 0, vaCoverage: 0, hvn: [], lvn: [], vwap: 0, vwapSigma: 0, vwapUpper1: 0, vwapLower1: 0, vwapUpper2: 0, vwapLower2: 0, inferredShare: 0 };
  return {
    type: 'snapshot', topic: 'snapshot.ES', symbol: 'ES', sequence, ts: '', tsNs: tsNs.toString(), tickSize: 0.25, sizeDecimals: 0, quality: [],
    quote: null, tradesTotal: sequence, dataQuality: null, stages: { tickReceivedUs: 0, tapeCommittedUs: 0, kernelsDoneUs: 0, frameBuiltUs: 0, publishedUs: 1 },
    frames: [{ timeframe: '1m', timeframeSec: 60, bar: null, lastClosed: null, footprint: [], session }],
  };
}

/** The decision events of two snapshots through a pipeline with `s`. */
function decisions(s: DecisionScorer, explain?: boolean): DecisionEvent[] {
  const bus = new EventBus();
  const out: DecisionEvent[] = [];
  bus.on('decision', (e) => void out.push(e));
  const p = new DecisionPipeline({ startingBalance: 25_000, winProbability: 0.5, symbols: ['ES'], scorer: s, ...(explain !== undefined ? { explain } : {}) }, pino({ level: 'silent' })).attach(bus);
  for (const seq of [1, 2]) {
    const m = snapshot(seq);
    p.onSnapshot({ symbol: 'ES', sequence: BigInt(seq), tsNs: BigInt(m.tsNs), quality: 0, input: snapshotInputOf(m) });
  }
  return out;
}

describe('SHAP in the decision pipeline', () => {
  test("each scored decision carries the explainer's base values and its own copy of the 24 values", () => {
    const ex = new StubExplainer();
    const [a, b] = decisions(scorer(ex));
    expect(a!.ml.state).toBe('scored');
    expect(a!.ml.shapBase).toEqual([-0.5, 0.25, 0.5]);
    expect(a!.ml.shapValues).toEqual(Array.from({ length: 24 }, (_, i) => 100 + i));
    expect(b!.ml.shapValues).toEqual(Array.from({ length: 24 }, (_, i) => 200 + i));
    expect(ex.calls).toBe(2);
  });

  test('explain: false, or a scorer without an explainer, leaves the SHAP fields out', () => {
    const ex = new StubExplainer();
    for (const e of [...decisions(scorer(ex), false), ...decisions(scorer(null))]) {
      expect(e.ml.state).toBe('scored');
      expect(e.ml.shapBase).toBeUndefined();
      expect(e.ml.shapValues).toBeUndefined();
    }
    expect(ex.calls).toBe(0);
  });
});
