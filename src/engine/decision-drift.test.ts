// Feature drift through the decision pipeline: each decision of a symbol carries the PSI of its window on the
// signal.<SYMBOL> frame, /health's part lists it with the correlation matrix; off without training bins.
import pino from 'pino';
import { describe, expect, test } from 'vitest';
import type { DriftReference } from '../ml/feature-drift.js';
import { snapshotInputOf } from '../protocol/signal-input.js';
import { FEATURE_NAMES } from '../signals/features.js';
import { DecisionPipeline } from './decision-pipeline.js';
import { DecisionCollector, emptySnapshot as snapshot } from './decision.test-kit.js';

const log = pino({ level: 'silent' });

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
    const c = new DecisionCollector();
    const p = new DecisionPipeline({
      startingBalance: 25_000, winProbability: 0.5, symbols: ['ESH4'], drift: { reference: REFERENCE, config: { window: 4, minRows: 2 } },
    }, log).attach(c.bus);
    for (let i = 1; i <= 6; i++) {
      const m = snapshot('ESH4', i);
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
    const c = new DecisionCollector();
    const p = new DecisionPipeline({ startingBalance: 25_000, winProbability: 0.5, symbols: ['ESH4'] }, log).attach(c.bus);
    const m = snapshot('ESH4', 1);
    p.onSnapshot({ symbol: 'ESH4', sequence: 1n, tsNs: BigInt(m.tsNs), quality: 0, input: snapshotInputOf(m) });
    expect(c.decisions()[0]!.drift).toBeUndefined();
    expect(p.health().drift).toBeUndefined();
  });
});
