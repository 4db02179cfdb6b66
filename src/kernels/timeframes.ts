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

/** Parses `1m`, `5m`, `1h`, `4h`, `1d`, `30s` or a bare number of seconds. */
export function parseTimeframe(text: string): number {
  const m = /^(\d+)\s*([smhd]?)$/i.exec(text.trim());
  if (!m) throw configError(ErrorCode.BAD_ARGUMENT, `timeframe "${text}" is not like 30s, 1m, 5m, 1h or 4h`);
  const n = Number(m[1]);
  const unit = (m[2] ?? '').toLowerCase();
  const sec = unit === 'm' ? n * 60 : unit === 'h' ? n * 3600 : unit === 'd' ? n * 86400 : n;
  if (sec < 1) throw configError(ErrorCode.BAD_ARGUMENT, `timeframe "${text}" must be at least one second`);
  return sec;
}

/** Formats seconds the way traders write timeframes (60 → 1m, 14400 → 4h). */
export function formatTimeframe(sec: number): string {
  if (sec % 86400 === 0) return `${sec / 86400}d`;
  if (sec % 3600 === 0) return `${sec / 3600}h`;
  if (sec % 60 === 0) return `${sec / 60}m`;
  return `${sec}s`;
}
