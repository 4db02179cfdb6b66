import { configError, ErrorCode } from '../common/errors.js';
import type { SessionAnchor, ValueAreaMethod } from '../model/bar-features.js';
import { parseTimeframe } from '../model/timeframe-format.js';

/** Parses a positive number option or throws a coded argument error naming the flag. */
export function positiveNumber(flag: string) {
  return (text: string): number => {
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0) throw configError(ErrorCode.BAD_ARGUMENT, `${flag} must be a positive number, got "${text}"`);
    return n;
  };
}

/** Parses a number option ≥ 0. */
export function nonNegative(flag: string) {
  return (text: string): number => {
    const n = Number(text);
    if (!Number.isFinite(n) || n < 0) throw configError(ErrorCode.BAD_ARGUMENT, `${flag} must be a number >= 0, got "${text}"`);
    return n;
  };
}

/** Parses an ISO-8601 date-time option (`2023-12-25T23:30:00Z`) to ms since the epoch. */
export function isoTime(flag: string) {
  return (text: string): number => {
    const ms = Date.parse(text);
    if (!/^\d{4}-\d\d-\d\dT/.test(text) || !Number.isFinite(ms)) {
      throw configError(ErrorCode.BAD_ARGUMENT, `${flag} must be an ISO-8601 time such as 2023-12-25T23:30:00Z, got "${text}"`);
    }
    return ms;
  };
}

/** Futures the simulator and the IB adapter know. */
export type FutureSymbol = 'ES' | 'NQ';

/** Parses a comma-separated `--symbols` list of ES and NQ; `who` names what knows only those (`the simulator`, `IB`). */
export function futureSymbols(text: string, who: string): FutureSymbol[] {
  const symbols = text.split(',').filter(Boolean).map((s) => s.trim().toUpperCase());
  for (const s of symbols) if (s !== 'ES' && s !== 'NQ') throw configError(ErrorCode.BAD_ARGUMENT, `--symbols: ${who} knows ES and NQ, not "${s}"`);
  return symbols as FutureSymbol[];
}

/** Parses a non-negative integer option. */
export function wholeNumber(flag: string) {
  return (text: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0) throw configError(ErrorCode.BAD_ARGUMENT, `${flag} must be a whole number, got "${text}"`);
    return n;
  };
}

/** Parses a comma-separated timeframe list such as `1m,5m,1h`. */
export function timeframeList(text: string): number[] {
  return text.split(',').filter(Boolean).map(parseTimeframe);
}

/** Parses the value-area share: 0.7 or 70 (percent). */
export function share(text: string): number {
  let n = Number(text);
  if (n > 1 && n <= 100) n /= 100;
  if (!(n > 0 && n <= 1)) throw configError(ErrorCode.BAD_ARGUMENT, `--value-area must be in (0, 1] or a percentage, got "${text}"`);
  return n;
}

/** Validates one of a fixed set of words. */
export function oneOf<T extends string>(flag: string, words: readonly T[]) {
  return (text: string): T => {
    if (!(words as readonly string[]).includes(text)) {
      throw configError(ErrorCode.BAD_ARGUMENT, `${flag} must be one of ${words.join(', ')}, got "${text}"`);
    }
    return text as T;
  };
}

/** Value-area methods accepted on the command line. */
export const VALUE_AREA_METHODS: readonly ValueAreaMethod[] = ['cbot2', 'greedy1'];
/** Session anchors accepted on the command line. */
export const SESSIONS: readonly SessionAnchor[] = ['globex', 'rth', 'utc'];

/** A probability in [0, 1]. */
export function probability(flag: string) {
  return (text: string): number => {
    const n = Number(text);
    if (!(n >= 0 && n <= 1)) throw configError(ErrorCode.BAD_ARGUMENT, `${flag} must be in [0, 1], got "${text}"`);
    return n;
  };
}
