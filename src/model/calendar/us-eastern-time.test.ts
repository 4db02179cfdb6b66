// DST transition instants are those of the US Energy Policy Act of 2005 rule (second Sunday of March,
// first Sunday of November, 02:00 local).
import { describe, expect, test } from 'vitest';
import { isoDay } from './civil-day.js';
import { easternMinuteOfDay, easternOffsetHours, tradeDate } from './us-eastern-time.js';

const ms = (iso: string) => Date.parse(iso);

describe('easternOffsetHours', () => {
  test('2026 switches to EDT at 2026-03-08T07:00Z and back to EST at 2026-11-01T06:00Z', () => {
    expect(easternOffsetHours(ms('2026-03-08T06:59:59Z'))).toBe(-5);
    expect(easternOffsetHours(ms('2026-03-08T07:00:00Z'))).toBe(-4);
    expect(easternOffsetHours(ms('2026-11-01T05:59:59Z'))).toBe(-4);
    expect(easternOffsetHours(ms('2026-11-01T06:00:00Z'))).toBe(-5);
  });
});

describe('tradeDate', () => {
  test('the Globex session opening at 18:00 New York belongs to the next trade date', () => {
    expect(isoDay(tradeDate(ms('2026-06-17T21:59:00Z')))).toBe('2026-06-17'); // 17:59 EDT
    expect(isoDay(tradeDate(ms('2026-06-17T22:30:00Z')))).toBe('2026-06-18'); // 18:30 EDT
    expect(isoDay(tradeDate(ms('2026-01-15T23:30:00Z')))).toBe('2026-01-16'); // 18:30 EST
    expect(isoDay(tradeDate(ms('2023-12-25T23:00:00Z')))).toBe('2023-12-26'); // ESH4 reopening after Christmas
  });
  test('minute of day in New York', () => {
    expect(easternMinuteOfDay(ms('2026-06-17T13:30:00Z'))).toBe(9 * 60 + 30);
    expect(easternMinuteOfDay(ms('2026-01-15T14:30:00Z'))).toBe(9 * 60 + 30);
  });
});
