import { describe, expect, test } from 'vitest';
import { ibReconnectBackoff } from './reconnect-backoff.js';

describe('IB reconnect backoff', () => {
  test('doubles up to the cap, each delay within [ceiling/2, ceiling]', () => {
    const lo = ibReconnectBackoff(100, 1000, () => 0);
    const hi = ibReconnectBackoff(100, 1000, () => 0.999999);
    const low = Array.from({ length: 7 }, () => lo.next());
    const high = Array.from({ length: 7 }, () => hi.next());
    expect(low).toEqual([50, 100, 200, 400, 500, 500, 500]);
    high.forEach((h, i) => expect(h).toBeCloseTo([100, 200, 400, 800, 1000, 1000, 1000][i]!, 3));
  });

  test('reset starts from the base again', () => {
    const b = ibReconnectBackoff(10, 80, () => 0);
    b.next();
    b.next();
    b.reset();
    expect(b.next()).toBe(5);
    expect(b.attempts).toBe(1);
  });

  test('invalid settings throw at once', () => {
    expect(() => ibReconnectBackoff(0, 10)).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_CONFIG' }));
    expect(() => ibReconnectBackoff(10, 5)).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_CONFIG' }));
  });
});
