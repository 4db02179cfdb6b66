import { describe, expect, test } from 'vitest';
import { nextSessionStartNs, sessionStartNs } from './session.js';

const ns = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n;
const iso = (n: bigint): string => new Date(Number(n / 1_000_000n)).toISOString();

describe('session calendar', () => {
  test('globex opens 17:00 Chicago: 23:00 UTC in winter (CST), 22:00 UTC after the March DST change', () => {
    expect(iso(sessionStartNs(ns('2024-03-08T22:30:00Z'), 'globex'))).toBe('2024-03-07T23:00:00.000Z');
    expect(iso(sessionStartNs(ns('2024-03-08T23:30:00Z'), 'globex'))).toBe('2024-03-08T23:00:00.000Z');
    // Sunday 2024-03-10 is the DST change: that evening's open is 17:00 CDT = 22:00 UTC.
    expect(iso(sessionStartNs(ns('2024-03-10T22:30:00Z'), 'globex'))).toBe('2024-03-10T22:00:00.000Z');
    expect(iso(nextSessionStartNs(ns('2024-03-10T22:30:00Z'), 'globex'))).toBe('2024-03-11T22:00:00.000Z');
  });

  test('the ESH4 file starts exactly at a globex open (2023-12-25 17:00 CST)', () => {
    expect(sessionStartNs(1703545200000000000n, 'globex')).toBe(1703545200000000000n);
    expect(nextSessionStartNs(1703545200000000000n, 'globex')).toBe(1703631600000000000n);
  });

  test('rth opens 09:30 New York: 14:30 UTC in winter, 13:30 UTC in summer', () => {
    expect(iso(sessionStartNs(ns('2024-01-02T15:00:00Z'), 'rth'))).toBe('2024-01-02T14:30:00.000Z');
    expect(iso(sessionStartNs(ns('2024-07-01T14:00:00Z'), 'rth'))).toBe('2024-07-01T13:30:00.000Z');
    expect(iso(sessionStartNs(ns('2024-01-02T14:00:00Z'), 'rth'))).toBe('2024-01-01T14:30:00.000Z');
  });

  test('utc sessions start at midnight; a start is its own session, the next is strictly later', () => {
    const midnight = ns('2024-01-02T00:00:00Z');
    expect(sessionStartNs(midnight, 'utc')).toBe(midnight);
    expect(sessionStartNs(midnight - 1n, 'utc')).toBe(ns('2024-01-01T00:00:00Z'));
    expect(nextSessionStartNs(midnight, 'utc')).toBe(ns('2024-01-03T00:00:00Z'));
  });
});
