// The neural outputs on decisions: off by default (no `nn` on the decision event or on the wire), published with
// every decision when a scorer is given, NaN outputs as null on the wire, and a failing scorer marked, not fatal.
import pino from 'pino';
import { describe, expect, test } from 'vitest';
import type { NeuralVerdict } from '../ml/neural/neural-scorer.js';
import type { SnapshotInput } from '../model/signal-input.js';
import { decodeFrame, qualityBits } from '../protocol/frame-decoder.js';
import type { DecisionMessage, SnapshotMessage, StreamMessage } from '../protocol/messages.js';
import { snapshotInputOf } from '../protocol/signal-input.js';
import { StreamPublisher, type FrameSink } from '../stream/stream-publisher.js';
import { DecisionPipeline, type DecisionPipelineOptions } from './decision-pipeline.js';
import { EventBus, type DecisionEvent } from './engine-events.js';
import { closedBarMs, type NeuralDecisionScorer } from './neural-stage.js';

const log = pino({ level: 'silent' });

/** The decisions subscribers would get, decoded from the frames, and the decision events themselves. */
class Collector implements FrameSink {
  readonly out: StreamMessage[] = [];
  readonly events: DecisionEvent[] = [];
  readonly bus = new EventBus();
  constructor() {
    new StreamPublisher(this.bus, new WebAssembly.Memory({ initial: 1 }), this);
    this.bus.on('decision', (e) => this.events.push(e));
  }
  snapshot(): void {}
  bar(): void {}
  status(): void {}
  publish(_topic: string, bytes: Uint8Array): void {
    this.out.push(decodeFrame(bytes));
  }
  decisions(): DecisionMessage[] {
    return this.out.filter((m): m is DecisionMessage => m.type === 'signal');
  }
}

function snapshot(symbol: string, sequence: number): SnapshotMessage {
  const tsNs = 1_703_545_200_000_000_000n + BigInt(sequence) * 100_000_000n;
  const session = { poc: 0, vah: 0, val: 0, vaCoverage: 0, hvn: [], lvn: [], vwap: 0, vwapSigma: 0, vwapUpper1: 0, vwapLower1: 0, vwapUpper2: 0, vwapLower2: 0, inferredShare: 0 };
  return {
    type: 'snapshot', topic: `snapshot.${symbol}`, symbol, sequence, ts: new Date(Number(tsNs / 1_000_000n)).toISOString(), tsNs: tsNs.toString(),
    tickSize: 0.25, sizeDecimals: 0, quality: [], quote: null, tradesTotal: sequence, dataQuality: null,
    stages: { tickReceivedUs: 0, tapeCommittedUs: 0, kernelsDoneUs: 0, frameBuiltUs: 0, publishedUs: 1 },
    frames: [{ timeframe: '1m', timeframeSec: 60, bar: null, lastClosed: null, footprint: [], session }],
  };
}

function run(o: Partial<DecisionPipelineOptions>): Collector {
  const c = new Collector();
  const p = new DecisionPipeline({ startingBalance: 25_000, winProbability: 0.5, symbols: ['ES'], ...o }, log).attach(c.bus);
  for (const [i, m] of [snapshot('ES', 1), snapshot('ES', 2)].entries()) {
    p.onSnapshot({ symbol: m.symbol, sequence: BigInt(i + 1), tsNs: BigInt(m.tsNs), quality: qualityBits(m.quality), input: snapshotInputOf(m) });
  }
  return c;
}

/** Answers fixed outputs (the LSTM's unknown before a close), recording what it was asked. */
class StubNeural implements NeuralDecisionScorer {
  readonly calls: Array<{ symbol: string; barMs: number | undefined; width: number }> = [];
  score(symbol: string, barMs: number | undefined, row: Float32Array): NeuralVerdict {
    this.calls.push({ symbol, barMs, width: row.length });
    return { enabled: true, volatility: 0.25, regime: 0.75, direction: Number.NaN };
  }
}

describe('neural outputs on decisions', () => {
  test('off by default: no nn on the events nor on the wire', () => {
    const c = run({});
    expect(c.events).toHaveLength(2);
    for (const e of c.events) expect(e.nn).toBeUndefined();
    for (const d of c.decisions()) expect(d.nn).toBeUndefined();
  });

  test('with a scorer, every decision carries its outputs; NaN goes out as null', () => {
    const stub = new StubNeural();
    const c = run({ neural: stub });
    expect(stub.calls).toEqual([{ symbol: 'ES', barMs: undefined, width: 8 }, { symbol: 'ES', barMs: undefined, width: 8 }]);
    expect(c.events.map((e) => e.nn)).toEqual([
      { enabled: true, volatility: 0.25, regime: 0.75, direction: Number.NaN }, { enabled: true, volatility: 0.25, regime: 0.75, direction: Number.NaN },
    ]);
    // 0.25 and 0.75 are exact in a double: the wire's values equal them.
    expect(c.decisions().map((d) => d.nn)).toEqual([
      { enabled: true, volatility: 0.25, regime: 0.75, direction: null }, { enabled: true, volatility: 0.25, regime: 0.75, direction: null },
    ]);
  });

  test('a scorer that throws marks the decision (on, outputs unknown) and the pipeline goes on', () => {
    const c = run({ neural: { score: () => { throw new Error('boom'); } } });
    expect(c.events).toHaveLength(2);
    expect(c.decisions().map((d) => d.nn)).toEqual([
      { enabled: true, volatility: null, regime: null, direction: null }, { enabled: true, volatility: null, regime: null, direction: null },
    ]);
  });

  test('closedBarMs reads the base timeframe\'s last closed bar, undefined before one', () => {
    const input = { frames: [{ timeframe: '5m', lastClosed: { tsMs: 300_000 } }, { timeframe: '1m', lastClosed: { tsMs: 60_000 } }] } as unknown as SnapshotInput;
    expect(closedBarMs(input, '1m')).toBe(60_000);
    expect(closedBarMs(input, '5m')).toBe(300_000);
    expect(closedBarMs({ frames: [{ timeframe: '1m', lastClosed: null }] } as unknown as SnapshotInput, '1m')).toBeUndefined();
    expect(closedBarMs(input, '1h')).toBeUndefined();
  });
});
