// Expected weeks are ISO 8601's (week 1 holds January 4; 2026 has 53 weeks because it starts on a Thursday);
// trade-date bounds follow the CME Globex day (18:00 New York opens the next date), DST by the 2005 US rule.
import { describe, expect, test } from 'vitest';
import { isoDay } from '../model/calendar/civil-day.js';
import { tradeDate } from '../model/calendar/us-eastern-time.js';
import { datePeriod, periodBoundsMs, tradeDateStartMs, weekPeriod } from './report-period.js';

const days = (p: { firstDay: number; lastDay: number } | undefined): string[] | undefined => p && [isoDay(p.firstDay), isoDay(p.lastDay)];

describe('datePeriod', () => {
  test('a real date is one day', () => {
    expect(days(datePeriod('2026-06-17'))).toEqual(['2026-06-17', '2026-06-17']);
    expect(days(datePeriod('2024-02-29'))).toEqual(['2024-02-29', '2024-02-29']);
  });
  test.each(['2026-02-30', '2025-02-29', '2026-13-01', '2026-6-17', '20260617', '2026-06-17T00:00:00Z', ''])('%j is refused', (t) => {
    expect(datePeriod(t)).toBeUndefined();
  });
});

describe('weekPeriod (ISO 8601)', () => {
  test.each([
    ['2026-W01', '2025-12-29', '2026-01-04'],
    ['2026-W25', '2026-06-15', '2026-06-21'],
    ['2026-W53', '2026-12-28', '2027-01-03'],
    ['2021-W01', '2021-01-04', '2021-01-10'], // 2021-01-01 (a Friday) is in 2020-W53
    ['2020-W53', '2020-12-28', '2021-01-03'],
  ])('%s is %s to %s', (w, from, to) => {
    expect(days(weekPeriod(w))).toEqual([from, to]);
  });
  test.each(['2025-W53', '2026-W00', '2026-W54', '2026-W5', '2026W25', '2026-w25'])('%j is refused', (t) => {
    expect(weekPeriod(t)).toBeUndefined();
  });
});

describe('trade-date bounds', () => {
  test('18:00 New York the day before: 22:00 UTC in summer, 23:00 UTC in winter', () => {
    expect(new Date(tradeDateStartMs(datePeriod('2026-06-18')!.firstDay)).toISOString()).toBe('2026-06-17T22:00:00.000Z');
    expect(new Date(tradeDateStartMs(datePeriod('2026-01-16')!.firstDay)).toISOString()).toBe('2026-01-15T23:00:00.000Z');
    // The Monday after the spring change: the Sunday 18:00 open is already daylight time.
    expect(new Date(tradeDateStartMs(datePeriod('2026-03-09')!.firstDay)).toISOString()).toBe('2026-03-08T22:00:00.000Z');
    expect(new Date(tradeDateStartMs(datePeriod('2023-12-26')!.firstDay)).toISOString()).toBe('2023-12-25T23:00:00.000Z');
  });
  test('the bounds agree with tradeDate one millisecond either side', () => {
    for (const d of ['2026-06-17', '2026-01-15', '2026-03-09', '2026-11-02', '2026-11-01']) {
      const p = datePeriod(d)!;
      const { fromMs, toMs } = periodBoundsMs(p);
      expect(tradeDate(fromMs - 1)).toBe(p.firstDay - 1);
      expect(tradeDate(fromMs)).toBe(p.firstDay);
      expect(tradeDate(toMs - 1)).toBe(p.lastDay);
      expect(tradeDate(toMs)).toBe(p.lastDay + 1);
    }
  });
});
