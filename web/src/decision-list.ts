import type { DecisionMessage } from '../../src/protocol/messages.js';
import { THRESHOLDS } from './config.js';

/** A bounded ring of the latest decisions: pushing never shifts or grows an array. */
export class DecisionRing {
  private readonly items: (DecisionMessage | undefined)[];
  private head = 0;
  private n = 0;
  /** Bumped on every push or clear. */
  version = 0;

  constructor(capacity: number) {
    this.items = new Array<DecisionMessage | undefined>(capacity);
  }

  get size(): number {
    return this.n;
  }

  push(d: DecisionMessage): void {
    this.items[this.head] = d;
    this.head = (this.head + 1) % this.items.length;
    this.n = Math.min(this.n + 1, this.items.length);
    this.version++;
  }

  clear(): void {
    this.items.fill(undefined);
    this.head = 0;
    this.n = 0;
    this.version++;
  }

  /** The i-th latest (0 = newest). */
  at(i: number): DecisionMessage | undefined {
    if (i >= this.n) return undefined;
    const cap = this.items.length;
    return this.items[(this.head - 1 - i + cap * 2) % cap];
  }

  /** Newest first (allocates: for `__mia.decisions()`, not for rendering). */
  latestFirst(): DecisionMessage[] {
    return Array.from({ length: this.n }, (_, i) => this.at(i)!);
  }
}

/** Why a decision is what it is, in a trader's words: the signal, the ML filter, the risk engine. */
export function decisionReasons(d: DecisionMessage): { signal: string; ml: string; risk: string } {
  let signal: string;
  if (d.direction !== 'flat') signal = `${d.direction}: score ${d.score.toFixed(2)}, confidence ${d.confidence.toFixed(2)}`;
  else if (Math.abs(d.score) < THRESHOLDS.score) signal = `flat: score ${d.score.toFixed(2)} inside ±${THRESHOLDS.score}`;
  else signal = `flat: confidence ${d.confidence.toFixed(2)} below ${THRESHOLDS.confidence}`;
  let ml: string;
  if (d.ml.state === 'off') ml = 'ML off';
  else if (d.ml.state === 'failed') ml = 'ML failed';
  else if (d.ml.state === 'skipped') ml = 'ML skipped';
  else ml = `ML ${d.ml.mean?.toFixed(2) ?? '–'} ${d.ml.approved ? 'approved' : 'rejected'}`;
  let risk: string;
  if (!d.risk.evaluated) risk = 'risk not asked';
  else if (d.risk.approved) risk = `risk approved ${d.risk.qty} @ stop ${d.risk.stopPrice ?? '–'} target ${d.risk.targetPrice ?? '–'}`;
  else risk = `risk refused ${d.risk.reason ?? ''}`;
  return { signal, ml, risk };
}

/** Decisions that read the same in the list (direction, ML state and verdict, risk verdict and reason). */
export function sameOutcome(a: DecisionMessage, b: DecisionMessage): boolean {
  return a.direction === b.direction && a.ml.state === b.ml.state && a.ml.approved === b.ml.approved &&
    a.risk.evaluated === b.risk.evaluated && a.risk.approved === b.risk.approved && a.risk.reason === b.risk.reason;
}
