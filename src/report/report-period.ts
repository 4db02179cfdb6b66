import { dayNumber, isoDay, weekday } from '../model/calendar/civil-day.js';
import { tradeDate } from '../model/calendar/us-eastern-time.js';
import { nsToMs, type UnixNanos } from '../model/time.js';
import type { ReportPeriod } from './report-input.js';

/**
 * Which days a report covers. A trade belongs to the CME trade date of its exit (src/model/calendar: the
 * Globex session opening at 18:00 New York time belongs to the next day's date), the day its P&L is realised
 * and the day `mia backtest`'s Sharpe ratio and the risk engine's daily loss put it on.
 */

/** CME trade date (day number) of a nanosecond time. */
export function tradeDayOfNs(ns: UnixNanos): number {
  return tradeDate(nsToMs(ns));
}

/** The period of `--date YYYY-MM-DD`; undefined when the text is not a real calendar date. */
export function datePeriod(text: string): ReportPeriod | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const day = dayNumber(Number(m[1]), Number(m[2]), Number(m[3]));
  // Date.UTC rolls 2026-02-30 over to March: a date that does not print back as given does not exist.
  if (isoDay(day) !== text) return undefined;
  return { label: text, kind: 'date', firstDay: day, lastDay: day };
}

/**
 * The period of `--week YYYY-Www` (ISO 8601 week: Monday to Sunday, week 1 holds the year's first Thursday);
 * undefined when the text is not a week of that year (W53 exists only in years that have it).
 */
export function weekPeriod(text: string): ReportPeriod | undefined {
  const m = /^(\d{4})-W(\d{2})$/.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const week = Number(m[2]);
  if (week < 1 || week > isoWeeksInYear(year)) return undefined;
  const monday = isoWeekOneMonday(year) + (week - 1) * 7;
  return { label: text, kind: 'week', firstDay: monday, lastDay: monday + 6 };
}

/** Monday of ISO week 1: the week that holds January 4. */
function isoWeekOneMonday(year: number): number {
  const jan4 = dayNumber(year, 1, 4);
  return jan4 - ((weekday(jan4) + 6) % 7);
}

/** 52 or 53: a year has 53 ISO weeks when December 28 falls in week 53. */
function isoWeeksInYear(year: number): number {
  return (dayNumber(year, 12, 28) - isoWeekOneMonday(year)) / 7 + 1;
}

/** True when the trade date `day` is in the period. */
export function inPeriod(p: ReportPeriod, day: number): boolean {
  return day >= p.firstDay && day <= p.lastDay;
}

/** The period's days as `2026-06-17` or `2026-06-15 to 2026-06-21`. */
export function periodDays(p: ReportPeriod): string {
  return p.firstDay === p.lastDay ? isoDay(p.firstDay) : `${isoDay(p.firstDay)} to ${isoDay(p.lastDay)}`;
}

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

/**
 * First instant (UTC ms) of the CME trade date `day`: 18:00 New York time the calendar day before, 22:00 UTC
 * under daylight saving time, else 23:00 UTC; found with `tradeDate` itself so the two never disagree.
 */
export function tradeDateStartMs(day: number): number {
  const edt = (day - 1) * MS_PER_DAY + 22 * MS_PER_HOUR;
  return tradeDate(edt) >= day ? edt : edt + MS_PER_HOUR;
}

/** The period as a half-open interval of UTC ms: [first instant of its first date, first instant after its last). */
export function periodBoundsMs(p: ReportPeriod): { fromMs: number; toMs: number } {
  return { fromMs: tradeDateStartMs(p.firstDay), toMs: tradeDateStartMs(p.lastDay + 1) };
}
