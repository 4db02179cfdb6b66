import { configError, ErrorCode } from '../../common/errors.js';

/**
 * The streaming contract every indicator follows (house style practice 3): feed one input with `update`,
 * read `value` (null during warm-up, never a placeholder number), `count` of inputs, `hasInputs`,
 * `initialized` (value no longer null) and `reset()` back to the constructed state.
 */
export interface IndicatorState {
  /** The latest output, or null while warming up. */
  readonly value: number | null;
  /** Number of inputs accepted since construction or the last reset. */
  readonly count: number;
  /** True once at least one input was accepted. */
  readonly hasInputs: boolean;
  /** True once `value` is a number. */
  readonly initialized: boolean;
  /** Forgets every input. */
  reset(): void;
}

/** An indicator over one number per step (usually a close). */
export interface PriceIndicator extends IndicatorState {
  /** Adds one input and returns the new value (null while warming up). */
  update(price: number): number | null;
}

/** An indicator over a bar's high, low and close (separate arguments: no object per update). */
export interface BarIndicator extends IndicatorState {
  /** Adds one bar and returns the new value (null while warming up). */
  update(high: number, low: number, close: number): number | null;
}

/**
 * The read side of the contract, shared by the indicators: `n` inputs taken, `out` null during warm-up.
 * Subclasses update both and reset them in `reset()`.
 */
export abstract class IndicatorBase {
  protected n = 0;
  protected out: number | null = null;

  /** The latest output, or null while warming up. */
  get value(): number | null {
    return this.out;
  }
  /** Number of inputs accepted since construction or the last reset. */
  get count(): number {
    return this.n;
  }
  /** True once at least one input was accepted. */
  get hasInputs(): boolean {
    return this.n > 0;
  }
  /** True once `value` is a number. */
  get initialized(): boolean {
    return this.out !== null;
  }
}

/** Throws MIA_ERR_BAD_CONFIG when a period is not an integer ≥ min: invalid arguments fail at construction. */
export function checkPeriod(name: string, period: number, min = 1): void {
  if (!Number.isInteger(period) || period < min) {
    throw configError(ErrorCode.BAD_CONFIG, `${name}: period must be an integer >= ${min}, got ${period}`);
  }
}
