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

  test('the anchors remembered per day give the same starts whatever order times are asked in, each at the local anchor time', () => {
    const clocks = new Map<string, Intl.DateTimeFormat>();
    const wall = (zone: string, n: bigint): string => {
      if (!clocks.has(zone)) clocks.set(zone, new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' }));
      return clocks.get(zone)!.format(new Date(Number(n / 1_000_000n)));
    };
    const times = Array.from({ length: 4 * 366 }, (_, i) => ns('2024-01-01T03:00:00Z') + BigInt(i) * 21_600_000_000_000n);
    for (const [anchor, zone, local] of [['globex', 'America/Chicago', '17:00'], ['rth', 'America/New_York', '09:30']] as const) {
      const forward = times.map((t) => [sessionStartNs(t, anchor), nextSessionStartNs(t, anchor)]);
      // Backwards, every seventh time: answers now come from days remembered in another order.
      for (let i = times.length - 1; i >= 0; i -= 7) {
        expect([sessionStartNs(times[i]!, anchor), nextSessionStartNs(times[i]!, anchor)]).toEqual(forward[i]);
      }
      for (const [i, [start, next]] of forward.entries()) {
        expect(start! <= times[i]! && times[i]! < next!).toBe(true);
        expect([wall(zone, start!), wall(zone, next!)]).toEqual([local, local]);
      }
    }
  });
});
