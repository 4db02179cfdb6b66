import { describe, expect, test } from 'vitest';
import { DEFAULT_TRADING_HOURS, formatTradingHours, inTradingHours, parseTradingHours } from './trading-hours.js';

const utc = (iso: string): number => Date.parse(iso);

describe('trading hours', () => {
  const h = DEFAULT_TRADING_HOURS; // 09:00–16:00 New York

  test('reads HH:MM-HH:MM and off; formats back', () => {
    expect(parseTradingHours('09:00-16:00')).toEqual({ startMinute: 540, endMinute: 960 });
    expect(parseTradingHours('off')).toBeNull();
    expect(formatTradingHours(parseTradingHours('18:00-17:00')!)).toBe('18:00-17:00');
  });

  test('malformed windows throw MIA_ERR_BAD_CONFIG', () => {
    for (const bad of ['9:00-16:00', '09:00', '09:00-24:00', '09:00-09:00', '09:00-10:00-11:00', 'on']) {
      expect(() => parseTradingHours(bad), bad).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_CONFIG' }));
    }
  });

  test('winter (EST, UTC−5): 09:00 New York is 14:00 UTC; the end is excluded', () => {
    expect(inTradingHours(h, utc('2024-01-16T13:59:59Z'))).toBe(false);
    expect(inTradingHours(h, utc('2024-01-16T14:00:00Z'))).toBe(true);
    expect(inTradingHours(h, utc('2024-01-16T20:59:59Z'))).toBe(true);
    expect(inTradingHours(h, utc('2024-01-16T21:00:00Z'))).toBe(false);
  });

  test('the March DST change (10 March 2024): 13:30 UTC is 08:30 on the Friday before, 09:30 on the Monday after', () => {
    expect(inTradingHours(h, utc('2024-03-08T13:30:00Z'))).toBe(false);
    expect(inTradingHours(h, utc('2024-03-11T13:30:00Z'))).toBe(true);
  });

  test('the November DST change (3 November 2024): 20:30 UTC is 16:30 on the Friday before, 15:30 on the Monday after', () => {
    expect(inTradingHours(h, utc('2024-11-01T20:30:00Z'))).toBe(false);
    expect(inTradingHours(h, utc('2024-11-04T20:30:00Z'))).toBe(true);
  });

  test('a window past midnight (the Globex day 18:00–17:00) holds the evening and the morning, not the halt', () => {
    const globex = parseTradingHours('18:00-17:00')!;
    expect(inTradingHours(globex, utc('2023-12-25T23:00:00Z'))).toBe(true); // 18:00 EST
    expect(inTradingHours(globex, utc('2023-12-26T15:00:00Z'))).toBe(true); // 10:00 EST
    expect(inTradingHours(globex, utc('2023-12-26T22:30:00Z'))).toBe(false); // 17:30 EST, the daily halt
  });
});
