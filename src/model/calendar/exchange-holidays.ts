import { dayNumber, nthWeekday, weekday, yearOf } from './civil-day.js';

/**
 * NYSE / CME equity-index full holidays of a year, computed by rule (NYSE Rule 7.2 holiday list):
 * New Year's Day, Martin Luther King Jr. Day (third Monday of January), Washington's Birthday (third Monday
 * of February), Good Friday (two days before Western Easter), Memorial Day (last Monday of May), Juneteenth
 * (June 19, from 2022), Independence Day, Labor Day (first Monday of September), Thanksgiving (fourth
 * Thursday of November) and Christmas.
 *
 * Weekend observance: a fixed-date holiday on Saturday is observed the Friday before, on Sunday the Monday
 * after, except New Year's Day on a Saturday, which is not observed (the exchange stays open on
 * December 31 to close the year; e.g. 2022-01-01).
 *
 * Special closures (national days of mourning, 9/11, Hurricane Sandy) are not rules and are not included:
 * pass them as `extraClosures` to `ExchangeCalendar`.
 */
export function holidaysOfYear(year: number): number[] {
  const out: number[] = [];
  const newYear = dayNumber(year, 1, 1);
  const wd = weekday(newYear);
  if (wd === 0) out.push(newYear + 1);
  else if (wd !== 6) out.push(newYear);
  out.push(nthWeekday(year, 1, 1, 3));
  out.push(nthWeekday(year, 2, 1, 3));
  out.push(easterSunday(year) - 2);
  out.push(nthWeekday(year, 5, 1, -1));
  if (year >= 2022) out.push(observed(dayNumber(year, 6, 19)));
  out.push(observed(dayNumber(year, 7, 4)));
  out.push(nthWeekday(year, 9, 1, 1));
  out.push(nthWeekday(year, 11, 4, 4));
  out.push(observed(dayNumber(year, 12, 25)));
  return out.sort((a, b) => a - b);
}

/** Saturday → Friday before, Sunday → Monday after. */
function observed(day: number): number {
  const wd = weekday(day);
  return wd === 6 ? day - 1 : wd === 0 ? day + 1 : day;
}

/**
 * Western (Gregorian) Easter Sunday as a day number: the anonymous Gregorian computus (Meeus/Jones/Butcher,
 * "Astronomical Algorithms", ch. 8).
 */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dayNumber(year, month, day);
}

/**
 * Business days of the exchange: weekdays that are not holidays. Holiday sets are computed once per year
 * and cached, so lookups after the first of a year allocate nothing.
 */
export class ExchangeCalendar {
  private readonly byYear = new Map<number, Set<number>>();
  private readonly extra: Set<number>;

  /** `extraClosures`: day numbers of unscheduled closures to treat as holidays. */
  constructor(extraClosures: readonly number[] = []) {
    this.extra = new Set(extraClosures);
  }

  /** True when `day` is a full exchange holiday (by rule or an extra closure). */
  isHoliday(day: number): boolean {
    if (this.extra.has(day)) return true;
    const year = yearOf(day);
    let set = this.byYear.get(year);
    if (!set) {
      set = new Set(holidaysOfYear(year));
      this.byYear.set(year, set);
    }
    return set.has(day);
  }

  /** True on weekdays that are not holidays. */
  isBusinessDay(day: number): boolean {
    const wd = weekday(day);
    return wd !== 0 && wd !== 6 && !this.isHoliday(day);
  }

  /** The latest business day at or before `day`. */
  onOrBefore(day: number): number {
    let d = day;
    while (!this.isBusinessDay(d)) d--;
    return d;
  }

  /** Business days d with from < d ≤ to (0 when to ≤ from). */
  businessDaysBetween(from: number, to: number): number {
    let n = 0;
    for (let d = from + 1; d <= to; d++) if (this.isBusinessDay(d)) n++;
    return n;
  }
}
