import { nthWeekday, yearOf } from './civil-day.js';

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

/** DST bounds (UTC ms) of the UTC year [yearStart, yearEnd) last asked about. */
const dst = { yearStart: 0, yearEnd: 0, start: 0, end: 0 };

/**
 * Offset of New York time from UTC in hours at a UTC instant: −4 during US daylight saving time (since
 * 2007: from the second Sunday of March 02:00 EST = 07:00 UTC to the first Sunday of November 02:00 EDT =
 * 06:00 UTC), −5 otherwise. Computed by rule so the signal path needs no time-zone database.
 */
export function easternOffsetHours(utcMs: number): number {
  // The last year's DST bounds are kept: a decision asks several times for instants of the same year.
  if (!(utcMs >= dst.yearStart && utcMs < dst.yearEnd)) {
    const year = yearOf(Math.floor(utcMs / MS_PER_DAY));
    dst.yearStart = Date.UTC(year, 0, 1);
    dst.yearEnd = Date.UTC(year + 1, 0, 1);
    dst.start = nthWeekday(year, 3, 0, 2) * MS_PER_DAY + 7 * MS_PER_HOUR;
    dst.end = nthWeekday(year, 11, 0, 1) * MS_PER_DAY + 6 * MS_PER_HOUR;
  }
  return utcMs >= dst.start && utcMs < dst.end ? -4 : -5;
}


/** Milliseconds since New York local midnight-of-epoch: UTC ms shifted by the Eastern offset. */
export function easternLocalMs(utcMs: number): number {
  return utcMs + easternOffsetHours(utcMs) * MS_PER_HOUR;
}

/**
 * CME trade date of an instant as a day number: the New York calendar date, except that the Globex
 * session opening at 18:00 New York time (17:00 Chicago) belongs to the next day's trade date.
 */
export function tradeDate(utcMs: number): number {
  return Math.floor((easternLocalMs(utcMs) + 6 * MS_PER_HOUR) / MS_PER_DAY);
}

/** New York wall-clock minutes after midnight (0–1439) of an instant. */
export function easternMinuteOfDay(utcMs: number): number {
  const local = easternLocalMs(utcMs);
  return Math.floor((local - Math.floor(local / MS_PER_DAY) * MS_PER_DAY) / 60_000);
}

