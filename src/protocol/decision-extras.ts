import type * as flatbuffers from 'flatbuffers';
import { Decision } from './generated/mia/decision.js';
import type { DecisionDriftJson, DecisionPatternJson, DecisionPatternsJson } from './messages.js';

/** What the writer takes of a drift reading: the message's shape, or the engine's live one (PSIs as a typed array). */
export interface DriftFields {
  psi: ArrayLike<number | null>;
  psiMax: number | null;
  flagged: boolean;
}

/**
 * The issue-16 parts of a Decision frame written and read outside the main writer and decoder (order-flow
 * patterns, feature drift), so that those stay small. Both parts are optional on the message: the writer puts
 * a part in the frame only when the message has it, and the decoder gives it back only when the frame has it.
 */

/** vtable slot of pattern_absorption_price (src/protocol/generated/mia/decision.ts): written whenever patterns are. */
const PATTERN_PRICE_SLOT = 100;

/** The drift_psi vector, to create before Decision.startDecision (0 without drift). */
export function createDriftVector(b: flatbuffers.Builder, drift: DriftFields | undefined): number {
  if (!drift) return 0;
  // Element by element (the builder copies anyway): a message's null is NaN on the wire.
  const n = drift.psi.length;
  Decision.startDriftPsiVector(b, n);
  for (let i = n - 1; i >= 0; i--) b.addFloat64(drift.psi[i] ?? Number.NaN);
  return b.endVector();
}

/** Adds the pattern and drift fields, between Decision.startDecision and endDecision. */
export function addDecisionExtras(b: flatbuffers.Builder, patterns: DecisionPatternsJson | undefined, drift: DriftFields | undefined, psiVector: number): void {
  if (patterns) {
    Decision.addPatternAbsorption(b, patterns.absorption.side);
    Decision.addPatternAbsorptionPrice(b, patterns.absorption.price ?? Number.NaN);
    Decision.addPatternExhaustion(b, patterns.exhaustion.side);
    Decision.addPatternExhaustionPrice(b, patterns.exhaustion.price ?? Number.NaN);
    Decision.addPatternInitiative(b, patterns.initiative.side);
    Decision.addPatternInitiativePrice(b, patterns.initiative.price ?? Number.NaN);
  }
  if (drift) {
    Decision.addDriftPsi(b, psiVector);
    Decision.addDriftPsiMax(b, drift.psiMax ?? Number.NaN);
    Decision.addDriftFlagged(b, drift.flagged);
  }
}

/** NaN on the wire is "not known yet": null in the message, as SignalDecision has it. */
export function known(x: number): number | null {
  return Number.isNaN(x) ? null : x;
}
const side = (x: number): DecisionPatternJson['side'] => (x > 0 ? 1 : x < 0 ? -1 : 0);

/** The patterns of a Decision payload; undefined when the frame has none (older servers). */
export function decodePatterns(d: Decision): DecisionPatternsJson | undefined {
  if (!d.bb || d.bb.__offset(d.bb_pos, PATTERN_PRICE_SLOT) === 0) return undefined;
  return {
    absorption: { side: side(d.patternAbsorption()), price: known(d.patternAbsorptionPrice()) },
    exhaustion: { side: side(d.patternExhaustion()), price: known(d.patternExhaustionPrice()) },
    initiative: { side: side(d.patternInitiative()), price: known(d.patternInitiativePrice()) },
  };
}

/** The drift of a Decision payload; undefined when the frame has none (drift off). */
export function decodeDrift(d: Decision): DecisionDriftJson | undefined {
  const n = d.driftPsiLength();
  if (n === 0) return undefined;
  const psi: (number | null)[] = [];
  for (let i = 0; i < n; i++) psi.push(known(d.driftPsi(i)!));
  return { psi, psiMax: known(d.driftPsiMax()), flagged: d.driftFlagged() };
}
