import { describe, expect, test } from 'vitest';
import { halvesToNumber, isoNs, isoToNs, joinNs, msToNs, nsToFractionalMs, nsToMs, splitNs, TWO32 } from './time.js';

// 2023-12-25T23:30:00.123456789Z: 1703547000 s, 123 ms, 456789 ns (worked by hand from the epoch seconds).
const NS = 1_703_547_000_123_456_789n;

describe('time conversions', () => {
  test('ns to ms floors; to fractional ms keeps the sub-millisecond part', () => {
    expect(nsToMs(NS)).toBe(1_703_547_000_123);
    expect(nsToFractionalMs(NS)).toBeCloseTo(1_703_547_000_123.456789, 3);
    expect(nsToFractionalMs(1_500_000n)).toBe(1.5);
  });

  test('whole ms to ns, and back', () => {
    expect(msToNs(1_703_547_000_123)).toBe(1_703_547_000_123_000_000n);
    expect(nsToMs(msToNs(Date.UTC(2024, 2, 4)))).toBe(Date.UTC(2024, 2, 4));
  });

  test('ISO-8601 with nanoseconds, both ways', () => {
    expect(isoNs(NS)).toBe('2023-12-25T23:30:00.123456789Z');
    expect(isoToNs('2023-12-25T23:30:00.123456789Z')).toBe(NS);
    expect(isoToNs('2023-12-25T23:30:00Z')).toBe(1_703_547_000_000_000_000n);
    expect(isoToNs('2023-12-25 23:30:00Z')).toBeUndefined();
  });

  test('u32 halves: split, join, and as a double', () => {
    const [hi, lo] = splitNs(NS);
    expect(joinNs(hi, lo)).toBe(NS);
    expect(halvesToNumber(hi, lo)).toBe(Number(NS));
    expect(halvesToNumber(1, 0)).toBe(TWO32);
  });
});
