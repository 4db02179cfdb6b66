import { configError, ErrorCode } from '../../common/errors.js';
import { easternMinuteOfDay } from '../../model/calendar/us-eastern-time.js';

/**
 * A daily window of New York wall-clock time in which entries are allowed, [start, end) in minutes after
 * midnight. start > end wraps past midnight (18:00–17:00 is the Globex day). New York time follows the US DST
 * rule (src/model/calendar/us-eastern-time.ts), so 09:00 is 14:00 UTC in winter and 13:00 UTC in summer.
 */
export interface TradingHours {
  startMinute: number;
  endMinute: number;
}

/** The original system's window: 09:00–16:00 New York time. */
export const DEFAULT_TRADING_HOURS: TradingHours = { startMinute: 9 * 60, endMinute: 16 * 60 };

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * Reads `HH:MM-HH:MM` (New York time, 24 h) or `off` (null: every hour). Start and end must differ.
 * Throws MIA_ERR_BAD_CONFIG otherwise.
 */
export function parseTradingHours(text: string): TradingHours | null {
  if (text.trim().toLowerCase() === 'off') return null;
  const [a, b, ...rest] = text.trim().split('-');
  const s = HHMM.exec(a ?? '');
  const e = HHMM.exec(b ?? '');
  if (!s || !e || rest.length > 0) throw configError(ErrorCode.BAD_CONFIG, `trading hours "${text}": expected HH:MM-HH:MM (New York time) or off`);
  const startMinute = Number(s[1]) * 60 + Number(s[2]);
  const endMinute = Number(e[1]) * 60 + Number(e[2]);
  if (startMinute === endMinute) throw configError(ErrorCode.BAD_CONFIG, `trading hours "${text}": start and end are the same minute`);
  return { startMinute, endMinute };
}

/** The window as `HH:MM-HH:MM`. */
export function formatTradingHours(h: TradingHours): string {
  const f = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return `${f(h.startMinute)}-${f(h.endMinute)}`;
}

/** Whether an instant (UTC ms) lies in the window. */
export function inTradingHours(h: TradingHours, utcMs: number): boolean {
  const m = easternMinuteOfDay(utcMs);
  return h.startMinute < h.endMinute ? m >= h.startMinute && m < h.endMinute : m >= h.startMinute || m < h.endMinute;
}
