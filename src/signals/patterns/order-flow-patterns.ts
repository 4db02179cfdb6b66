import type { BarInput, SessionInput } from '../../model/signal-input.js';
import { detectAbsorption } from './absorption-pattern.js';
import { ExhaustionDetector } from './exhaustion-pattern.js';
import { initiativeSide } from './initiative-pattern.js';
import { checkPatternConfig, DEFAULT_PATTERN_CONFIG, NO_PATTERN, type PatternConfig, type PatternHit } from './pattern-config.js';

/** The three patterns of a decision: each as of the symbol's last closed base bar. */
export interface OrderFlowPatterns {
  readonly absorption: PatternHit;
  readonly exhaustion: PatternHit;
  readonly initiative: PatternHit;
}

/** No pattern of any kind (before the first bar). */
export const NO_PATTERNS: OrderFlowPatterns = Object.freeze({ absorption: NO_PATTERN, exhaustion: NO_PATTERN, initiative: NO_PATTERN });

/**
 * One symbol's order-flow patterns, from its closed base bars (footprint rows included) and the session's value
 * area at each decision. Absorption and exhaustion are found once per closed bar; initiative at each decision,
 * against the value area of that moment, for the last closed bar. The result is an immutable object replaced
 * only when a pattern changes, so a decision holds it without a copy and most decisions allocate nothing.
 */
export class PatternTracker {
  /** Parameters in use. */
  readonly config: PatternConfig;
  private readonly exhaustion: ExhaustionDetector;
  private last: BarInput | null = null;
  private current: OrderFlowPatterns = NO_PATTERNS;

  constructor(config: PatternConfig = DEFAULT_PATTERN_CONFIG) {
    checkPatternConfig(config);
    this.config = config;
    this.exhaustion = new ExhaustionDetector(config);
  }

  /** Takes a closed base bar. */
  update(bar: BarInput, tickSize: number): void {
    this.last = bar;
    const absorption = detectAbsorption(bar, tickSize, this.config);
    const exhaustion = this.exhaustion.update(bar);
    this.current = { absorption, exhaustion, initiative: this.current.initiative };
  }

  /** The patterns at a decision made with the session's value area `s`. */
  at(s: Pick<SessionInput, 'vah' | 'val'>): OrderFlowPatterns {
    const bar = this.last;
    const side = bar ? initiativeSide(bar, s, this.config) : 0;
    const price = side === 1 ? s.vah : side === -1 ? s.val : Number.NaN;
    const was = this.current.initiative;
    if (side !== was.side || (side !== 0 && price !== was.price)) {
      this.current = { ...this.current, initiative: side === 0 ? NO_PATTERN : { side, price } };
    }
    return this.current;
  }

  /** Forgets every bar. */
  reset(): void {
    this.exhaustion.reset();
    this.last = null;
    this.current = NO_PATTERNS;
  }
}
