import { configError, ErrorCode } from '../common/errors.js';

/** The journal file of a `--journal` value; undefined for `off`. */
export function journalPath(text: string): string | undefined {
  if (text === 'off') return undefined;
  if (text.trim() === '') throw configError(ErrorCode.BAD_ARGUMENT, '--journal must be a file path or off');
  return text;
}

/** Parses an age such as `30d`, `12h`, `90m` to ms (`mia journal archive --older-than`). */
export function age(text: string): number {
  return duration('--older-than', text);
}

/** Parses a length of time such as `30d`, `12h`, `90m` given to `flag`, to ms (also `mia train --window`). */
export function duration(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(d|h|m)$/.exec(text.trim());
  if (!m) throw configError(ErrorCode.BAD_ARGUMENT, `${flag} must be a number and a unit d, h or m (30d, 12h, 90m), got "${text}"`);
  return Number(m[1]) * (m[2] === 'd' ? 86_400_000 : m[2] === 'h' ? 3_600_000 : 60_000);
}
