import { configError, ErrorCode } from '../common/errors.js';
import { MAX_TF } from './layout.js';

/** Where a requested timeframe lives in a symbol's state block. */
export interface TimeframeSlot {
  /** Timeframe in seconds. */
  sec: number;
  /** Timeframe block index; block 0 is the base timeframe the kernel builds trade by trade. */
  block: number;
  /** Whether closed bars of this block are written to its ring (false for an internal base). */
  emit: boolean;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * Lays out timeframes: the base is the greatest common divisor of the requested ones, so every other
 * bar is an exact fold of base bars (1m, 5m, 15m, 1h, 4h → base 1m). A base that was not requested is
 * computed but not emitted.
 */
export function planTimeframes(requestedSec: readonly number[]): TimeframeSlot[] {
  if (requestedSec.length === 0) throw configError(ErrorCode.BAD_CONFIG, 'at least one timeframe is required');
  for (const s of requestedSec) {
    if (!Number.isInteger(s) || s < 1 || s > 7 * 86400) {
      throw configError(ErrorCode.BAD_CONFIG, `timeframe must be a whole number of seconds from 1 to 604800, got ${s}`);
    }
  }
  const unique = [...new Set(requestedSec)].sort((a, b) => a - b);
  const base = unique.reduce(gcd);
  const slots: TimeframeSlot[] = [{ sec: base, block: 0, emit: unique[0] === base }];
  for (const s of unique) if (s !== base) slots.push({ sec: s, block: slots.length, emit: true });
  if (slots.length > MAX_TF) throw configError(ErrorCode.BAD_CONFIG, `at most ${MAX_TF - 1} timeframes besides the base`);
  return slots;
}
