import { configError, ErrorCode } from '../common/errors.js';

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
