// The decision stage on hand-built snapshots with a stub scorer: every snapshot's decision is published
// before the call returns, scored when models are loaded, in snapshot order; a failed scoring is marked.
import pino from 'pino';
import { describe, expect, test } from 'vitest';
import type { EnsembleScore, FilterStatus } from '../ml/model-ensemble.js';
import { decodeFrame } from '../stream/frame-decoder.js';
import type { BuiltFrame } from '../stream/frame-writer.js';
import type { DecisionMessage, RiskMessage, SnapshotMessage, StreamMessage } from '../stream/messages.js';
import { DecisionStage, type DecisionScorer, type TopicPublisher } from './decision-stage.js';

const HASHES: [string, string, string] = ['1'.repeat(64), '2'.repeat(64), '3'.repeat(64)];
const FILTER: FilterStatus = {
  enabled: true, dir: 'models', threshold: 0.6, createdAt: '2023-12-25T23:59:59.000Z',
  models: ['lr', 'gbt', 'rf'].map((name, i) => ({ name, file: `${name}.onnx`, sha256: HASHES[i]! })),
};

/** Collects what the stage publishes, decoded. */
class Collector implements TopicPublisher {
  readonly out: StreamMessage[] = [];
  snapshots = 0;
  snapshot(): void {
    this.snapshots++;
  }
  bar(): void {}
  status(): void {}
  publish(_topic: string, bytes: Uint8Array): void {
    this.out.push(decodeFrame(bytes));
  }
  counters(): { subscribers: number; framesConflated: number; closedSlow: number; controlErrors: number } {
    return { subscribers: 0, framesConflated: 0, closedSlow: 0, controlErrors: 0 };
  }
  decisions(symbol?: string): DecisionMessage[] {
    return this.out.filter((m): m is DecisionMessage => m.type === 'signal' && (!symbol || m.symbol === symbol));
  }
}

/** A scorer answering 0.7 from each model (approved at 0.6), recording the rows it was given. */
class StubScorer implements DecisionScorer {
  readonly rows: number[][] = [];
  score(features: Float32Array): EnsembleScore {
    this.rows.push([...features]);
    return { scores: [0.7, 0.7, 0.7], mean: 0.7, approved: true, hashes: HASHES };
  }
}

function snapshot(symbol: string, sequence: number): SnapshotMessage {
  const tsNs = 1_703_545_200_000_000_000n + BigInt(sequence) * 100_000_000n;
  const session = { poc: 0, vah: 0, val: 0, vaCoverage: 0, hvn: [], lvn: [], vwap: 0, vwapSigma: 0, vwapUpper1: 0, vwapLower1: 0, vwapUpper2: 0, vwapLower2: 0, inferredShare: 0 };
  return {
    type: 'snapshot', topic: `snapshot.${symbol}`, symbol, sequence, ts: new Date(Number(tsNs / 1_000_000n)).toISOString(), tsNs: tsNs.toString(),
    tickSize: 0.25, sizeDecimals: 0, quality: [], quote: null, tradesTotal: sequence,
    stages: { tickReceivedUs: 0, tapeCommittedUs: 0, kernelsDoneUs: 0, frameBuiltUs: 0, publishedUs: 1 },
    frames: [{ timeframe: '1m', timeframeSec: 60, bar: null, lastClosed: null, footprint: [], session }],
  };
}

const log = pino({ level: 'silent' });

describe('DecisionStage', () => {
  test('without models every snapshot gets its decision at once, the filter off and saying so', () => {
    const c = new Collector();
    const stage = new DecisionStage(c, { startingBalance: 25_000, winProbability: 0.5, symbols: ['ES'] }, log);
    for (let i = 1; i <= 3; i++) stage.onSnapshot(snapshot('ES', i));
    expect(c.decisions().map((d) => d.sequence)).toEqual([1, 2, 3]);
    expect(c.decisions()[0]!.ml).toEqual({ enabled: false, state: 'off', scores: [], mean: null, approved: false, hashes: [] });
    expect(stage.health().filter.enabled).toBe(false);
    // The first decision publishes the risk state (it changed from nothing); the rest leave it as it was.
    expect(c.out.filter((m): m is RiskMessage => m.type === 'risk').length).toBe(1);
  });

  test('with models every snapshot is scored before the call returns, in order, whatever the symbol', () => {
    const c = new Collector();
    const scorer = new StubScorer();
    const stage = new DecisionStage(c, { filter: FILTER, scorer, startingBalance: 25_000, winProbability: 0.5, symbols: ['ES', 'NQ'] }, log);
    stage.onSnapshot(snapshot('ES', 1));
    expect(c.decisions('ES').map((d) => d.sequence)).toEqual([1]);
    stage.onSnapshot(snapshot('NQ', 1));
    for (let i = 2; i <= 4; i++) stage.onSnapshot(snapshot('ES', i));
    expect(c.decisions('ES').map((d) => [d.sequence, d.ml.state])).toEqual([[1, 'scored'], [2, 'scored'], [3, 'scored'], [4, 'scored']]);
    expect(c.decisions('NQ').map((d) => [d.sequence, d.ml.state])).toEqual([[1, 'scored']]);
    expect(c.decisions('ES')[0]!.ml).toEqual({ enabled: true, state: 'scored', scores: [0.7, 0.7, 0.7], mean: 0.7, approved: true, hashes: HASHES });
    // The row scored is the decision's eight features in FEATURE_NAMES order (warming up: the missing value 0).
    const d = c.decisions('ES')[0]!;
    const f = d.features;
    expect(scorer.rows[0]).toEqual([f.confluence_score, f.momentum_flow, f.trend_alignment, f.volume_profile, f.support_resistance, f.market_regime_score, f.volatility_regime, f.time_factor].map((v) => Math.fround(v ?? 0)));
    expect(stage.health().counts).toMatchObject({ snapshots: 5, decisions: 5, scored: 5, mlApproved: 5, failed: 0 });
  });

  test('a failed scoring is counted and its decision goes out marked failed; the next is scored', () => {
    const c = new Collector();
    let n = 0;
    const scorer: DecisionScorer = {
      score: () => {
        if (n++ === 0) throw Object.assign(new Error('session broke'), { code: 'MIA_ERR_TEST' });
        return { scores: [0.1, 0.2, 0.3], mean: 0.2, approved: false, hashes: HASHES };
      },
    };
    const stage = new DecisionStage(c, { filter: FILTER, scorer, startingBalance: 25_000, winProbability: 0.5, symbols: ['ES'] }, log);
    stage.onSnapshot(snapshot('ES', 1));
    stage.onSnapshot(snapshot('ES', 2));
    expect(c.decisions().map((d) => [d.sequence, d.ml.state, d.ml.approved])).toEqual([[1, 'failed', false], [2, 'scored', false]]);
    expect(stage.health().counts.failed).toBe(1);
  });

  test('a snapshot the signals cannot read is counted as an error, not thrown', () => {
    const c = new Collector();
    const stage = new DecisionStage(c, { startingBalance: 25_000, winProbability: 0.5, symbols: ['ES'] }, log);
    stage.onSnapshot({ ...snapshot('ES', 1), frames: [] });
    expect(c.decisions()).toEqual([]);
    expect(stage.health().counts).toMatchObject({ snapshots: 1, decisions: 0, errors: 1 });
  });

  test("warm-up frames never reach the signals; the counters are the server's", () => {
    const c = new Collector();
    const stage = new DecisionStage(c, { startingBalance: 25_000, winProbability: 0.5, symbols: ['ES'] }, log);
    stage.warm({ bytes: new Uint8Array(8), publishedAt: -1 } satisfies BuiltFrame);
    expect(stage.health().counts.snapshots).toBe(0);
    expect(stage.counters().subscribers).toBe(0);
  });
});
