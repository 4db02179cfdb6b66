// The neural outputs on decisions: off by default (no `nn` on the decision event or on the wire), published with
// every decision when a scorer is given, NaN outputs as null on the wire, and a failing scorer marked, not fatal.
import pino from 'pino';
import { describe, expect, test } from 'vitest';
import type { NeuralVerdict } from '../ml/neural/neural-scorer.js';
import type { SnapshotInput } from '../model/signal-input.js';
import { qualityBits } from '../protocol/frame-decoder.js';
import { snapshotInputOf } from '../protocol/signal-input.js';
import { DecisionPipeline, type DecisionPipelineOptions } from './decision-pipeline.js';
import { DecisionCollector, emptySnapshot as snapshot } from './decision.test-kit.js';
import { closedBarMs, type NeuralDecisionScorer } from './neural-stage.js';

const log = pino({ level: 'silent' });

function run(o: Partial<DecisionPipelineOptions>): DecisionCollector {
  const c = new DecisionCollector();
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

  test('a models swap brings its own neural models from the next decision on, or turns them off', () => {
    const first = new StubNeural();
    const c = new DecisionCollector();
    const p = new DecisionPipeline({ startingBalance: 25_000, winProbability: 0.5, symbols: ['ES'], neural: first }, log).attach(c.bus);
    const decide = (i: number): void => {
      const m = snapshot('ES', i);
      p.onSnapshot({ symbol: m.symbol, sequence: BigInt(i), tsNs: BigInt(m.tsNs), quality: qualityBits(m.quality), input: snapshotInputOf(m) });
    };
    const scorer = { score: () => ({ scores: [0.5, 0.5, 0.5] as [number, number, number], mean: 0.5, approved: false, hashes: ['a', 'b', 'c'] as [string, string, string] }) };
    const filter = { enabled: false as const, reason: 'test' };
    decide(1);
    const second = new StubNeural();
    p.swapScorer({ scorer, filter, neural: second });
    decide(2);
    p.swapScorer({ scorer, filter, neural: null });
    decide(3);
    expect([first.calls.length, second.calls.length]).toEqual([1, 1]);
    expect(c.events.map((e) => e.nn === undefined)).toEqual([false, false, true]);
  });

  test('closedBarMs reads the base timeframe\'s last closed bar, undefined before one', () => {
    const input = { frames: [{ timeframe: '5m', lastClosed: { tsMs: 300_000 } }, { timeframe: '1m', lastClosed: { tsMs: 60_000 } }] } as unknown as SnapshotInput;
    expect(closedBarMs(input, '1m')).toBe(60_000);
    expect(closedBarMs(input, '5m')).toBe(300_000);
    expect(closedBarMs({ frames: [{ timeframe: '1m', lastClosed: null }] } as unknown as SnapshotInput, '1m')).toBeUndefined();
    expect(closedBarMs(input, '1h')).toBeUndefined();
  });
});
