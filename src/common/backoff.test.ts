import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Backoff, backoffDelayMs, checkBackoff, type BackoffOptions } from './backoff.js';

const options = fc
  .record({
    initialDelayMs: fc.integer({ min: 1, max: 5_000 }),
    capFactor: fc.integer({ min: 1, max: 100 }),
    factor: fc.double({ min: 1, max: 4, noNaN: true }),
    jitterBelow: fc.double({ min: 0, max: 0.99, noNaN: true }),
    jitterAbove: fc.double({ min: 0, max: 2, noNaN: true }),
  })
  .map(({ capFactor, ...o }): BackoffOptions => ({ ...o, maxDelayMs: o.initialDelayMs * capFactor }));

describe('backoff', () => {
  test('each delay is whole ms, at least 1, within the jitter band of the capped exponential delay, never past the cap', () => {
    fc.assert(
      fc.property(options, fc.integer({ min: 1, max: 80 }), fc.double({ min: 0, max: 0.999_999, noNaN: true }), (o, attempt, r) => {
        const d = Math.min(o.maxDelayMs, o.initialDelayMs * o.factor ** (attempt - 1));
        const delay = backoffDelayMs(attempt, o, () => r);
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(Math.max(1, Math.round(d * (1 - o.jitterBelow)) - 1));
        expect(delay).toBeLessThanOrEqual(Math.min(o.maxDelayMs, d * (1 + o.jitterAbove) + 0.5));
      }),
    );
  });

  test('the ends of the band: ±20 % around 250 ms, and equal jitter (half to all) of 500 ms', () => {
    const client = { initialDelayMs: 250, maxDelayMs: 10_000, factor: 2, jitterBelow: 0.2, jitterAbove: 0.2 };
    expect([0, 0.5, 0.999_999].map((r) => backoffDelayMs(1, client, () => r))).toEqual([200, 250, 300]);
    const ib = { initialDelayMs: 500, maxDelayMs: 30_000, factor: 2, jitterBelow: 0.5, jitterAbove: 0 };
    expect([0, 0.999_999].map((r) => backoffDelayMs(1, ib, () => r))).toEqual([250, 500]);
    expect(backoffDelayMs(1_000, ib, () => 0)).toBe(15_000);
  });

  test('a Backoff counts its attempts and starts over on reset', () => {
    const b = new Backoff({ initialDelayMs: 100, maxDelayMs: 1_000, factor: 2, jitterBelow: 0, jitterAbove: 0 });
    expect([b.next(), b.next(), b.next()]).toEqual([100, 200, 400]);
    expect(b.attempts).toBe(3);
    b.reset();
    expect([b.next(), b.attempts]).toEqual([100, 1]);
  });

  test('options that could reconnect in a tight loop are MIA_ERR_BAD_CONFIG, named with the prefix', () => {
    const ok: BackoffOptions = { initialDelayMs: 250, maxDelayMs: 10_000, factor: 2, jitterBelow: 0.2, jitterAbove: 0.2 };
    expect(() => checkBackoff(ok)).not.toThrow();
    for (const bad of [{ initialDelayMs: 0 }, { maxDelayMs: 100 }, { factor: 0.5 }, { jitterBelow: 1 }, { jitterAbove: -0.1 }]) {
      expect(() => checkBackoff({ ...ok, ...bad }, 'reconnect.')).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_CONFIG', message: expect.stringMatching(/^reconnect\./) }));
    }
  });
});
