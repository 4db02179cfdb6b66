/**
 * Calendar days as integers: the day number is days since 1970-01-01 (UTC civil date), so date arithmetic
 * is integer arithmetic with no Date objects on the signal path.
 */

const MS_PER_DAY = 86_400_000;

/** Day number of a civil date (month 1–12). */
export function dayNumber(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

/** Day of the week of a day number: 0 Sunday … 6 Saturday (1970-01-01 was a Thursday). */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Calendar year of a day number (no Date object). */
export function yearOf(day: number): number {
  let y = 1970 + Math.floor(day / 365.2425);
  if (dayNumber(y, 1, 1) > day) y--;
  else if (dayNumber(y + 1, 1, 1) <= day) y++;
  return y;
}

/** Civil date of a day number, formatted YYYY-MM-DD (for messages and tests, not the hot path). */
export function isoDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Day number of an ISO date `YYYY-MM-DD`. */
export function parseIsoDay(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${text}`);
  return dayNumber(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** The `n`-th (1-based) given weekday of a month; n = −1 gives the last one. */
export function nthWeekday(year: number, month: number, dow: number, n: number): number {
  if (n > 0) {
    const first = dayNumber(year, month, 1);
    return first + ((dow - weekday(first) + 7) % 7) + (n - 1) * 7;
  }
  const last = dayNumber(year, month + 1, 1) - 1;
  return last - ((weekday(last) - dow + 7) % 7);
}
