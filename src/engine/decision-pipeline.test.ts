// The decision pipeline on hand-built snapshots with a stub scorer: every snapshot's decision is published
// before the call returns (trading: once settled), scored when models are loaded, in snapshot order; a failed
// scoring is marked. Decisions reach the collector as subscribers get them: bus → StreamPublisher → frame.
import pino from 'pino';
import { describe, expect, test } from 'vitest';
import type { BracketIds, BracketRequest, ExecutionEvent, OrderView, TradingVenue } from '../execution/execution-venue.js';
import type { EnsembleScore, FilterStatus } from '../ml/model-ensemble.js';
import type { SignalEngineConfig } from '../signals/signal-engine.js';
import { qualityBits } from '../protocol/frame-decoder.js';
import type { BarJson, BarMessage, RiskMessage, SnapshotMessage } from '../protocol/messages.js';
import { readBar, snapshotInputOf } from '../protocol/signal-input.js';
import { DecisionPipeline, type DecisionPipelineOptions, type DecisionScorer } from './decision-pipeline.js';
import { EventBus, type SnapshotEvent } from './engine-events.js';
import { DecisionCollector, emptySnapshot as snapshot } from './decision.test-kit.js';
import { parseTradingHours } from '../signals/strategies/trading-hours.js';

const HASHES: [string, string, string] = ['1'.repeat(64), '2'.repeat(64), '3'.repeat(64)];
const FILTER: FilterStatus = {
  enabled: true, dir: 'models', threshold: 0.6, createdAt: '2023-12-25T23:59:59.000Z',
  models: ['lr', 'gbt', 'rf'].map((name, i) => ({ name, file: `${name}.onnx`, sha256: HASHES[i]! })),
};

/** A pipeline whose decisions and risk state go to `c`. */
function pipelineOn(c: DecisionCollector, o: DecisionPipelineOptions): DecisionPipeline {
  return new DecisionPipeline(o, log).attach(c.bus);
}

/** A decoded snapshot handed to the pipeline as the engine's event would give it. */
function decideOn(p: DecisionPipeline, m: SnapshotMessage): void {
  p.onSnapshot({ symbol: m.symbol, sequence: BigInt(m.sequence), tsNs: BigInt(m.tsNs), quality: qualityBits(m.quality), input: snapshotInputOf(m) });
}

/** A decoded closed bar handed to the pipeline. */
function barOn(p: DecisionPipeline, m: BarMessage): void {
  p.onBar(m.symbol, readBar(m.bar));
}

/** A scorer answering 0.7 from each model (approved at 0.6), recording the rows it was given. */
class StubScorer implements DecisionScorer {
  readonly rows: number[][] = [];
  score(features: Float32Array): EnsembleScore {
    this.rows.push([...features]);
    return { scores: [0.7, 0.7, 0.7], mean: 0.7, approved: true, hashes: HASHES };
  }
}

const log = pino({ level: 'silent' });

/** A venue that answers later, as the IB paper venue does: brackets recorded, fills when the test says. */
class LaterVenue implements TradingVenue {
  readonly brackets: BracketRequest[] = [];
  private readonly listeners: Array<(e: ExecutionEvent) => void> = [];
  private nextId = 1;
  last(): number | undefined {
    return 109.25;
  }
  submitBracket(r: BracketRequest): BracketIds {
    this.brackets.push(r);
    const entry = this.nextId;
    this.nextId += 3;
    return { entry, stop: entry + 1, target: entry + 2 };
  }
  liquidate(): void {}
  fill(r: BracketRequest, price: number): void {
    const order: OrderView = {
      id: this.nextId++, symbol: r.symbol, side: r.side, qty: r.qty, type: 'market', limitPrice: undefined, stopPrice: undefined, status: 'filled',
      submittedNs: 0n, parentId: undefined, ocoId: undefined, tag: r.tag,
    };
    for (const l of this.listeners) l({ kind: 'filled', order, fill: { orderId: order.id, symbol: r.symbol, side: r.side, qty: r.qty, price, tsNs: 0n, commissionUsd: 0 } });
  }
  submit(): number {
    throw new Error('not used by the trader');
  }
  cancel(): boolean {
    return false;
  }
  order(): OrderView | undefined {
    return undefined;
  }
  onEvent(listener: (e: ExecutionEvent) => void): void {
    this.listeners.push(listener);
  }
}

// A steady rise above every session level, as in signal-engine.test.ts: every snapshot's decision is long.
const TFS: Array<[string, number]> = [['1m', 60], ['5m', 300], ['15m', 900], ['1h', 3600], ['4h', 14400]];
const RISING: Partial<SignalEngineConfig> = {
  direction: { fastPeriod: 2, slowPeriod: 3, atrPeriod: 2, fullSpreadAtr: 0.5 },
  rsiPeriod: 3,
  deltaBars: 3,
};
const RISE_MS = Date.parse('2026-06-16T14:00:00Z');
const RISE_NS = BigInt(RISE_MS) * 1_000_000n;

function risingBars(): BarMessage[] {
  const out: BarMessage[] = [];
  for (const [tf, sec] of TFS) {
    for (let i = 0; i < 10; i++) {
      const close = 100 + i;
      const bar: BarJson = {
        ts: new Date(RISE_MS - (10 - i) * sec * 1000).toISOString(), timeframe: tf, open: close - 1, high: close + 0.5, low: close - 1.5, close,
        volume: 100, trades: 50, buyVolume: 75, sellVolume: 25, delta: 50, stackedBuy: 1, stackedSell: 0,
      };
      out.push({ type: 'bar', topic: `bar.ES.${tf}`, symbol: 'ES', bar, publishedUs: 0 });
    }
  }
  return out;
}

/** A snapshot of the rise at 109.25 with these quality flags. */
function risingSnapshot(sequence: number, quality: string[]): SnapshotMessage {
  const session = { poc: 100, vah: 102, val: 98, vaCoverage: 0.7, hvn: [], lvn: [], vwap: 100, vwapSigma: 1, vwapUpper1: 101, vwapLower1: 99, vwapUpper2: 102, vwapLower2: 98, inferredShare: 0 };
  return {
    type: 'snapshot', topic: 'snapshot.ES', symbol: 'ES', sequence, ts: new Date(RISE_MS).toISOString(), tsNs: RISE_NS.toString(), tickSize: 0.25, sizeDecimals: 0,
    quality, quote: null, tradesTotal: sequence, dataQuality: null, stages: { tickReceivedUs: 0, tapeCommittedUs: 0, kernelsDoneUs: 0, frameBuiltUs: 0, publishedUs: 1 },
    frames: TFS.map(([tf, sec]) => ({ timeframe: tf, timeframeSec: sec, session, footprint: [], bar: { ts: new Date(RISE_MS).toISOString(), timeframe: tf, close: 109.25 }, lastClosed: null })),
  };
}

/** A paper pipeline on a LaterVenue, warmed on the rise. */
function paperStage(c: DecisionCollector, o: { tradeFromNs?: bigint; noEntryQuality?: number; maxEntryLagMs?: number }): { stage: DecisionPipeline; venue: LaterVenue } {
  const venue = new LaterVenue();
  const stage = pipelineOn(c, { startingBalance: 25_000, winProbability: 0.5, symbols: ['ES'], signals: RISING, risk: { maxPosition: 2 }, venue, ...o });
  for (const b of risingBars()) barOn(stage, b);
  return { stage, venue };
}

describe('DecisionPipeline', () => {
  test('without models every snapshot gets its decision at once, the filter off and saying so', () => {
    const c = new DecisionCollector();
    const stage = pipelineOn(c, { startingBalance: 25_000, winProbability: 0.5, symbols: ['ES'] });
    for (let i = 1; i <= 3; i++) decideOn(stage, snapshot('ES', i));
    expect(c.decisions().map((d) => d.sequence)).toEqual([1, 2, 3]);
    expect(c.decisions()[0]!.ml).toEqual({ enabled: false, state: 'off', scores: [], mean: null, approved: false, hashes: [] });
    expect(stage.health().filter.enabled).toBe(false);
    // The first decision publishes the risk state (it changed from nothing); the rest leave it as it was.
    expect(c.out.filter((m): m is RiskMessage => m.type === 'risk').length).toBe(1);
  });

  test('with models every snapshot is scored before the call returns, in order, whatever the symbol', () => {
    const c = new DecisionCollector();
    const scorer = new StubScorer();
    const stage = pipelineOn(c, { filter: FILTER, scorer, startingBalance: 25_000, winProbability: 0.5, symbols: ['ES', 'NQ'] });
    decideOn(stage, snapshot('ES', 1));
    expect(c.decisions('ES').map((d) => d.sequence)).toEqual([1]);
    decideOn(stage, snapshot('NQ', 1));
    for (let i = 2; i <= 4; i++) decideOn(stage, snapshot('ES', i));
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
    const c = new DecisionCollector();
    let n = 0;
    const scorer: DecisionScorer = {
      score: () => {
        if (n++ === 0) throw Object.assign(new Error('session broke'), { code: 'MIA_ERR_TEST' });
        return { scores: [0.1, 0.2, 0.3], mean: 0.2, approved: false, hashes: HASHES };
      },
    };
    const stage = pipelineOn(c, { filter: FILTER, scorer, startingBalance: 25_000, winProbability: 0.5, symbols: ['ES'] });
    decideOn(stage, snapshot('ES', 1));
    decideOn(stage, snapshot('ES', 2));
    expect(c.decisions().map((d) => [d.sequence, d.ml.state, d.ml.approved])).toEqual([[1, 'failed', false], [2, 'scored', false]]);
    expect(stage.health().counts.failed).toBe(1);
  });

  test('a snapshot the signals cannot read is counted as an error, not thrown', () => {
    const c = new DecisionCollector();
    const stage = pipelineOn(c, { startingBalance: 25_000, winProbability: 0.5, symbols: ['ES'] });
    decideOn(stage, { ...snapshot('ES', 1), frames: [] });
    expect(c.decisions()).toEqual([]);
    expect(stage.health().counts).toMatchObject({ snapshots: 1, decisions: 0, errors: 1 });
  });

  test('warm-up events never reach the signals', () => {
    const c = new DecisionCollector();
    const stage = pipelineOn(c, { startingBalance: 25_000, winProbability: 0.5, symbols: ['ES'] });
    const warm = { symbol: 'ES', warm: true, input: () => { throw new Error('a warm-up snapshot is not read'); } } as unknown as SnapshotEvent;
    const bus = new EventBus();
    stage.attach(bus);
    bus.emit('snapshot', warm);
    expect(stage.health().counts.snapshots).toBe(0);
    expect(c.decisions()).toEqual([]);
  });

  test('paper mode: no entry before tradeFromNs or on a Gap, Stale or Disconnected snapshot; each decision still published, the reason counted', async () => {
    const c = new DecisionCollector();
    const early = paperStage(c, { tradeFromNs: RISE_NS + 1n });
    decideOn(early.stage, risingSnapshot(1, []));
    await early.stage.settle();
    expect(early.venue.brackets).toEqual([]);
    expect(early.stage.health().trading).toMatchObject({ directional: 0, entries: 0, withheld: { beforeStart: 1 } });

    const c2 = new DecisionCollector();
    const { stage, venue } = paperStage(c2, { tradeFromNs: RISE_NS, noEntryQuality: 1 | 2 | 4 }); // Stale | Gap | Disconnected
    decideOn(stage, risingSnapshot(1, ['Gap', 'SidesInferred']));
    decideOn(stage, risingSnapshot(2, ['Stale', 'SidesInferred']));
    decideOn(stage, risingSnapshot(3, ['Disconnected', 'Gap'])); // counted under the worse: Disconnected
    await stage.settle();
    expect(venue.brackets).toEqual([]);
    expect(c2.decisions().map((d) => [d.sequence, d.direction, d.risk.approved])).toEqual([[1, 'long', true], [2, 'long', true], [3, 'long', true]]);
    expect(stage.health().trading!.withheld).toEqual({ Gap: 1, Stale: 1, Disconnected: 1 });
    // Clean (SidesInferred does not block): the bracket goes out, sized as the decision's risk verdict says.
    decideOn(stage, risingSnapshot(4, ['SidesInferred']));
    await stage.settle();
    const d = c2.decisions().at(-1)!;
    expect(venue.brackets).toMatchObject([{ symbol: 'ES', side: 'buy', qty: d.risk.qty, entry: { type: 'market' }, stopPrice: d.risk.stopPrice, targetPrice: d.risk.targetPrice }]);
    expect(stage.health().trading).toMatchObject({ directional: 1, entries: 1 });
  });

  test('paper mode: a snapshot further behind the wall clock than maxEntryLagMs is not entered on (Lagging)', async () => {
    const c = new DecisionCollector();
    const { stage, venue } = paperStage(c, { maxEntryLagMs: 5000 }); // the rise is dated 2026-06-16: long ago
    decideOn(stage, risingSnapshot(1, []));
    await stage.settle();
    expect(venue.brackets).toEqual([]);
    expect(stage.health().trading!.withheld).toEqual({ Lagging: 1 });
  });

  test('paper mode on a venue that fills later: the fill publishes the risk state with the position', async () => {
    const c = new DecisionCollector();
    const { stage, venue } = paperStage(c, {});
    decideOn(stage, risingSnapshot(1, []));
    await stage.settle();
    const risk = (): RiskMessage[] => c.out.filter((m): m is RiskMessage => m.type === 'risk');
    expect(risk().at(-1)!.positions).toEqual([{ symbol: 'ES', qty: 0 }]);
    venue.fill(venue.brackets[0]!, 109.25);
    expect(risk().at(-1)).toMatchObject({ ordersEnabled: true, positions: [{ symbol: 'ES', qty: venue.brackets[0]!.qty }] });
  });

  test('strategies: the window withholds the rise\'s long outside 11:00–16:00 New York (it is 10:00 EDT) and lets it through in 09:00–16:00, tagged', async () => {
    for (const [window, entered] of [['11:00-16:00', false], ['09:00-16:00', true]] as const) {
      const c = new DecisionCollector();
      const venue = new LaterVenue();
      const stage = pipelineOn(c, {
        startingBalance: 25_000, winProbability: 0.5, symbols: ['ES'], signals: RISING, risk: { maxPosition: 2 }, venue,
        strategies: { enabled: [], tradingHours: parseTradingHours(window) },
      });
      for (const b of risingBars()) barOn(stage, b);
      decideOn(stage, risingSnapshot(1, []));
      await stage.settle();
      const d = c.decisions().at(-1)!;
      expect(d.strategy).toEqual({ id: 'signal', signalDirection: 'long', reason: entered ? 'signal' : 'outside-trading-hours' });
      expect(d.direction).toBe(entered ? 'long' : 'flat');
      expect(d.risk.evaluated).toBe(entered);
      expect(venue.brackets.map((b) => b.tag)).toEqual(entered ? ['1/signal'] : []);
    }
  });

  test('strategies off: decisions carry no strategy and brackets the bare trade id', async () => {
    const c = new DecisionCollector();
    const { stage, venue } = paperStage(c, {});
    decideOn(stage, risingSnapshot(1, []));
    await stage.settle();
    expect(c.decisions()[0]).not.toHaveProperty('strategy');
    expect(venue.brackets.map((b) => b.tag)).toEqual(['1']);
  });
});
