// Feature drift through the decision pipeline: each decision of a symbol carries the PSI of its window on the
// signal.<SYMBOL> frame, /health's part lists it with the correlation matrix; off without training bins.
import pino from 'pino';
import { describe, expect, test } from 'vitest';
import type { DriftReference } from '../ml/feature-drift.js';
import { decodeFrame } from '../protocol/frame-decoder.js';
import type { DecisionMessage, SnapshotMessage, StreamMessage } from '../protocol/messages.js';
import { snapshotInputOf } from '../protocol/signal-input.js';
import { FEATURE_NAMES } from '../signals/features.js';
import { StreamPublisher, type FrameSink } from '../stream/stream-publisher.js';
import { DecisionPipeline } from './decision-pipeline.js';
import { EventBus } from './engine-events.js';

const log = pino({ level: 'silent' });

/** Decodes what subscribers would get. */
class Collector implements FrameSink {
  readonly out: StreamMessage[] = [];
  readonly bus = new EventBus();
  constructor() {
    new StreamPublisher(this.bus, new WebAssembly.Memory({ initial: 1 }), this);
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

/** A snapshot with no closed bar and no session yet: every feature but time_factor is missing (0). */
function snapshot(sequence: number): SnapshotMessage {
  const tsNs = 1_703_545_200_000_000_000n + BigInt(sequence) * 100_000_000n;
  const session = { poc: 0, vah: 0, val: 0, vaCoverage: 0, hvn: [], lvn: [], vwap: 0, vwapSigma: 0, vwapUpper1: 0, vwapLower1: 0, vwapUpper2: 0, vwapLower2: 0, inferredShare: 0 };
  return {
    type: 'snapshot', topic: 'snapshot.ESH4', symbol: 'ESH4', sequence, ts: '', tsNs: tsNs.toString(),
    tickSize: 0.25, sizeDecimals: 0, quality: [], quote: null, tradesTotal: sequence, dataQuality: null,
    stages: { tickReceivedUs: 0, tapeCommittedUs: 0, kernelsDoneUs: 0, frameBuiltUs: 0, publishedUs: 1 },
    frames: [{ timeframe: '1m', timeframeSec: 60, bar: null, lastClosed: null, footprint: [], session }],
  };
}

/**
 * Hand-built training bins: confluence_score was 0 in half the training rows and 1 or more in the other half
 * (edge 1, fractions ½ ½); every other feature has a single bin (no edge), where any value falls: PSI 0.
 */
const REFERENCE: DriftReference = {
  method: 'quantile', bins: 10, rows: 100,
  features: FEATURE_NAMES.map((name, j) => (j === 0 ? { name, edges: [1], fractions: [0.5, 0.5] } : { name, edges: [], fractions: [1] })),
};

describe('feature drift in the decision pipeline', () => {
  test('each decision carries its window\'s PSI; the hand-computed value once minRows are in; /health has the matrix', () => {
    const c = new Collector();
    const p = new DecisionPipeline({
      startingBalance: 25_000, winProbability: 0.5, symbols: ['ESH4'], drift: { reference: REFERENCE, config: { window: 4, minRows: 2 } },
    }, log).attach(c.bus);
    for (let i = 1; i <= 6; i++) {
      const m = snapshot(i);
      p.onSnapshot({ symbol: 'ESH4', sequence: BigInt(i), tsNs: BigInt(m.tsNs), quality: 0, input: snapshotInputOf(m) });
    }
    const ds = c.decisions();
    expect(ds).toHaveLength(6);
    expect(ds[0]!.drift).toEqual({ psi: new Array(8).fill(null), psiMax: null, flagged: false });
    // Every live confluence_score is 0 (missing): a = (1, 0 → ε = 1e-4) against e = (½, ½):
    // (1 − ½)·ln 2 + (1e-4 − ½)·ln(1e-4 / ½) = 0.34657 + 4.25797 = 4.60454.
    const want = 0.5 * Math.log(2) + (1e-4 - 0.5) * Math.log(1e-4 / 0.5);
    for (const d of ds.slice(1)) {
      // Tolerance: the same two logs, summed in another order.
      expect(d.drift!.psi[0]).toBeCloseTo(want, 12);
      expect(d.drift!.psi.slice(1)).toEqual(new Array(7).fill(0));
      expect(d.drift!.psiMax).toBeCloseTo(want, 12);
      expect(d.drift!.flagged).toBe(true);
      // No closed bar yet: no pattern, published as such.
      expect(d.patterns).toEqual({ absorption: { side: 0, price: null }, exhaustion: { side: 0, price: null }, initiative: { side: 0, price: null } });
    }
    const h = p.health().drift!;
    expect(h.features).toEqual([...FEATURE_NAMES]);
    expect(h.symbols.ESH4!.rows).toBe(4);
    expect(h.symbols.ESH4!.psi.confluence_score).toBeCloseTo(want, 12);
    expect(h.symbols.ESH4!.flagged).toBe(true);
    // Every feature is constant over these rows: no correlation is defined.
    expect(h.symbols.ESH4!.correlation).toEqual(FEATURE_NAMES.map(() => FEATURE_NAMES.map(() => null)));
    expect(p.drift!.psiMaxBySymbol()).toEqual({ ESH4: h.symbols.ESH4!.psiMax });
  });

  test('without training bins drift is off: no drift on the decisions, none in /health', () => {
    const c = new Collector();
    const p = new DecisionPipeline({ startingBalance: 25_000, winProbability: 0.5, symbols: ['ESH4'] }, log).attach(c.bus);
    const m = snapshot(1);
    p.onSnapshot({ symbol: 'ESH4', sequence: 1n, tsNs: BigInt(m.tsNs), quality: 0, input: snapshotInputOf(m) });
    expect(c.decisions()[0]!.drift).toBeUndefined();
    expect(p.health().drift).toBeUndefined();
  });
});
