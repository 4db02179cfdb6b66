import { describe, expect, test } from 'vitest';
import { frontMonth, thirdFriday } from './front-month.js';

const at = (iso: string): Date => new Date(iso);

describe('thirdFriday', () => {
  // CME expiries of ES: 2024-03-15, 2024-06-21, 2024-09-20, 2024-12-20, 2025-03-21.
  test.each([
    [2024, 3, '2024-03-15'], [2024, 6, '2024-06-21'], [2024, 9, '2024-09-20'], [2024, 12, '2024-12-20'], [2025, 3, '2025-03-21'],
  ])('%i-%i expires %s', (y, m, iso) => {
    expect(thirdFriday(y, m).toISOString().slice(0, 10)).toBe(iso);
  });
});

describe('frontMonth', () => {
  test('the March contract until the day before the roll Thursday', () => {
    expect(frontMonth(at('2024-03-06T23:59:59Z')).contractMonth).toBe('202403');
  });

  test('the June contract from the roll Thursday, eight days before expiry', () => {
    const c = frontMonth(at('2024-03-07T00:00:00Z'));
    expect(c.contractMonth).toBe('202406');
    expect(c.code).toBe('M');
    expect(frontMonth(at('2024-03-06T12:00:00Z')).rollDate.toISOString().slice(0, 10)).toBe('2024-03-07');
  });

  test('a month between quarterlies takes the next quarterly', () => {
    expect(frontMonth(at('2024-04-15T10:00:00Z')).contractMonth).toBe('202406');
    expect(frontMonth(at('2024-01-02T10:00:00Z')).contractMonth).toBe('202403');
  });

  test('the December roll crosses into the next year', () => {
    expect(frontMonth(at('2024-12-11T20:00:00Z')).contractMonth).toBe('202412');
    expect(frontMonth(at('2024-12-12T00:00:00Z')).contractMonth).toBe('202503');
  });

  test('expiry week after the roll stays on the next quarterly', () => {
    expect(frontMonth(at('2024-06-21T14:00:00Z')).contractMonth).toBe('202409');
  });
});
