// Expiry dates are the exchange's published monthly expirations (SPX/ES monthly options: third Friday, or
// the Thursday before when the Friday is an exchange holiday); phases follow domain.md.
import { describe, expect, test } from 'vitest';
import { isoDay, parseIsoDay } from './civil-day.js';
import { ExchangeCalendar } from './exchange-holidays.js';
import { expiryPhase, monthlyExpiry } from './options-expiry.js';

const cal = new ExchangeCalendar();

describe('monthlyExpiry', () => {
  test.each([
    [2019, 4, '2019-04-18'], // Good Friday 2019-04-19
    [2022, 4, '2022-04-14'], // Good Friday 2022-04-15
    [2024, 3, '2024-03-15'],
    [2025, 4, '2025-04-17'], // Good Friday 2025-04-18
    [2025, 12, '2025-12-19'],
    [2026, 1, '2026-01-16'],
    [2026, 6, '2026-06-18'], // Juneteenth 2026-06-19 is the third Friday
    [2026, 7, '2026-07-17'],
    [2027, 3, '2027-03-19'],
  ])('%i-%i expires %s', (y, m, want) => {
    expect(isoDay(monthlyExpiry(cal, y, m))).toBe(want);
  });
});

describe('expiryPhase around the June 2026 expiry (Thursday 2026-06-18)', () => {
  const at = (d: string) => expiryPhase(cal, parseIsoDay(d));
  test.each([
    ['2026-06-03', 'normal', 1.0, 11],
    ['2026-06-04', 'gamma_moderate', 1.1, 10],
    ['2026-06-08', 'gamma_moderate', 1.1, 8],
    ['2026-06-10', 'gamma_moderate', 1.1, 6],
    ['2026-06-11', 'gamma_peak', 1.3, 5],
    ['2026-06-15', 'gamma_peak', 1.3, 3],
    ['2026-06-16', 'expiry_week', 0.7, 2],
    ['2026-06-18', 'expiry_week', 0.7, 0],
  ] as const)('%s is %s (factor %f, %i business days to expiry)', (d, phase, factor, days) => {
    const s = at(d);
    expect(s.phase).toBe(phase);
    expect(s.factor).toBe(factor);
    expect(s.daysToExpiry).toBe(days);
    expect(isoDay(s.nextExpiry)).toBe('2026-06-18');
  });

  test('the first two business days after it are post-expiry (the holiday and weekend do not count), the third is normal', () => {
    // business days 06-23…26 (4), 06-29…07-02 (4), 07-03 closed, 07-06…10 (5), 07-13…17 (5): 18 to the July expiry
    expect(at('2026-06-22')).toMatchObject({ phase: 'post_expiry', factor: 1.05, daysSinceExpiry: 1, daysToExpiry: 18 });
    expect(at('2026-06-23')).toMatchObject({ phase: 'post_expiry', daysSinceExpiry: 2, daysToExpiry: 17 });
    expect(at('2026-06-24')).toMatchObject({ phase: 'normal', factor: 1.0, daysSinceExpiry: 3 });
    expect(isoDay(at('2026-06-22').nextExpiry)).toBe('2026-07-17');
  });

  test('year boundary: 2025-12-22 is post-expiry of December and counts to the January 2026 expiry', () => {
    const s = at('2025-12-22');
    expect(s.phase).toBe('post_expiry');
    expect(isoDay(s.nextExpiry)).toBe('2026-01-16');
  });

  test('Good Friday 2025: Thursday 2025-04-17 is expiry day, Monday 2025-04-21 is post-expiry', () => {
    expect(at('2025-04-17')).toMatchObject({ phase: 'expiry_week', daysToExpiry: 0 });
    expect(at('2025-04-21')).toMatchObject({ phase: 'post_expiry', daysSinceExpiry: 1 });
  });
});
