// Expected dates are the NYSE published holiday lists (nyse.com "Holidays & Trading Hours") and the
// Easter dates of the Gregorian computus tables.
import { describe, expect, test } from 'vitest';
import { isoDay, parseIsoDay } from './civil-day.js';
import { easterSunday, ExchangeCalendar, holidaysOfYear } from './exchange-holidays.js';

const days = (year: number): string[] => holidaysOfYear(year).map(isoDay);

describe('easterSunday', () => {
  test.each([
    [2000, '2000-04-23'], [2019, '2019-04-21'], [2024, '2024-03-31'], [2025, '2025-04-20'],
    [2026, '2026-04-05'], [2027, '2027-03-28'], [2038, '2038-04-25'], [2285, '2285-03-22'],
  ])('%i is %s', (y, want) => {
    expect(isoDay(easterSunday(y))).toBe(want);
  });
});

describe('holidaysOfYear (NYSE lists)', () => {
  test('2021: Independence Day on Sunday observed Monday, Christmas on Saturday observed Friday, no Juneteenth yet', () => {
    expect(days(2021)).toEqual(['2021-01-01', '2021-01-18', '2021-02-15', '2021-04-02', '2021-05-31', '2021-07-05', '2021-09-06', '2021-11-25', '2021-12-24']);
  });
  test('2022: New Year on Saturday not observed, Juneteenth and Christmas on Sunday observed Monday', () => {
    expect(days(2022)).toEqual(['2022-01-17', '2022-02-21', '2022-04-15', '2022-05-30', '2022-06-20', '2022-07-04', '2022-09-05', '2022-11-24', '2022-12-26']);
  });
  test('2024', () => {
    expect(days(2024)).toEqual(['2024-01-01', '2024-01-15', '2024-02-19', '2024-03-29', '2024-05-27', '2024-06-19', '2024-07-04', '2024-09-02', '2024-11-28', '2024-12-25']);
  });
  test('2025: Good Friday 2025-04-18', () => {
    expect(days(2025)).toEqual(['2025-01-01', '2025-01-20', '2025-02-17', '2025-04-18', '2025-05-26', '2025-06-19', '2025-07-04', '2025-09-01', '2025-11-27', '2025-12-25']);
  });
  test('2026: Independence Day on Saturday observed Friday 2026-07-03', () => {
    expect(days(2026)).toEqual(['2026-01-01', '2026-01-19', '2026-02-16', '2026-04-03', '2026-05-25', '2026-06-19', '2026-07-03', '2026-09-07', '2026-11-26', '2026-12-25']);
  });
  test('2027: Juneteenth on Saturday observed Friday 2027-06-18', () => {
    expect(days(2027)).toEqual(['2027-01-01', '2027-01-18', '2027-02-15', '2027-03-26', '2027-05-31', '2027-06-18', '2027-07-05', '2027-09-06', '2027-11-25', '2027-12-24']);
  });
});

describe('ExchangeCalendar', () => {
  const cal = new ExchangeCalendar([parseIsoDay('2025-01-09')]);
  test('weekends and holidays are not business days; an extra closure (2025-01-09, national mourning) counts', () => {
    expect(cal.isBusinessDay(parseIsoDay('2025-04-17'))).toBe(true);
    expect(cal.isBusinessDay(parseIsoDay('2025-04-18'))).toBe(false);
    expect(cal.isBusinessDay(parseIsoDay('2025-04-19'))).toBe(false);
    expect(cal.isBusinessDay(parseIsoDay('2025-01-09'))).toBe(false);
    expect(new ExchangeCalendar().isBusinessDay(parseIsoDay('2025-01-09'))).toBe(true);
  });
  test('onOrBefore and businessDaysBetween skip weekends and holidays', () => {
    expect(isoDay(cal.onOrBefore(parseIsoDay('2026-07-05')))).toBe('2026-07-02');
    // 2026-06-18 → 2026-06-22: Fri 19 holiday, weekend, Mon 22 → 1
    expect(cal.businessDaysBetween(parseIsoDay('2026-06-18'), parseIsoDay('2026-06-22'))).toBe(1);
    expect(cal.businessDaysBetween(parseIsoDay('2026-06-22'), parseIsoDay('2026-06-18'))).toBe(0);
  });
});
