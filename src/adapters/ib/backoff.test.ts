import { describe, expect, test } from 'vitest';
import { Backoff } from './backoff.js';

describe('Backoff', () => {
  test('doubles up to the cap, each delay within [ceiling/2, ceiling]', () => {
    const lo = new Backoff({ baseMs: 100, capMs: 1000, random: () => 0 });
    const hi = new Backoff({ baseMs: 100, capMs: 1000, random: () => 0.999999 });
    const low = Array.from({ length: 7 }, () => lo.next());
    const high = Array.from({ length: 7 }, () => hi.next());
    expect(low).toEqual([50, 100, 200, 400, 500, 500, 500]);
    high.forEach((h, i) => expect(h).toBeCloseTo([100, 200, 400, 800, 1000, 1000, 1000][i]!, 3));
  });

  test('reset starts from the base again', () => {
    const b = new Backoff({ baseMs: 10, capMs: 80, random: () => 0 });
    b.next();
    b.next();
    b.reset();
    expect(b.next()).toBe(5);
    expect(b.attempts).toBe(1);
  });

  test('invalid settings throw at once', () => {
    expect(() => new Backoff({ baseMs: 0, capMs: 10 })).toThrow(RangeError);
    expect(() => new Backoff({ baseMs: 10, capMs: 5 })).toThrow(RangeError);
  });
});
