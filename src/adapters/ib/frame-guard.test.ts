import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { TwsFrameGuard } from './frame-guard.js';

/** One TWS message: 4-byte big-endian length, then the NUL-terminated fields. */
function frame(fields: string[]): Buffer {
  const body = Buffer.from(fields.map((f) => `${f}\0`).join(''), 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

/** Feeds `bytes` split at `cuts` and returns the bytes accepted in total. */
function feed(g: TwsFrameGuard, bytes: Buffer, cuts: number[]): number {
  let accepted = 0;
  let from = 0;
  for (const to of [...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length]) {
    const part = bytes.subarray(from, to);
    const ok = g.accept(part);
    accepted += ok;
    if (ok < part.length) break;
    from = to;
  }
  return accepted;
}

describe('TwsFrameGuard', () => {
  test('well-formed messages split anywhere, even inside a length prefix, are all accepted', () => {
    fc.assert(fc.property(
      fc.array(fc.array(fc.string({ maxLength: 20 }).map((s) => s.replace(/\0/g, '')), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 10 }),
      fc.array(fc.nat(400), { maxLength: 8 }),
      (messages, cuts) => {
        const bytes = Buffer.concat(messages.map(frame));
        const g = new TwsFrameGuard();
        expect(feed(g, bytes, cuts)).toBe(bytes.length);
        expect(g.fault).toBeUndefined();
        expect(g.frames).toBe(messages.length);
        expect(g.midFrame).toBe(false);
      },
    ), { numRuns: 300 });
  });

  test('a length the client library reads as negative is refused before any of its bytes pass', () => {
    const good = frame(['1', '2']);
    const bad = Buffer.from([0xff, 0xff, 0xff, 0xfc, 1, 2, 3, 4, 5]);
    const g = new TwsFrameGuard();
    expect(g.accept(Buffer.concat([good, bad]))).toBe(good.length);
    expect(g.fault).toBe('length');
    expect(g.faultValue).toBe(0xfffffffc);
    // A broken stream stays broken: nothing after the fault is framed.
    expect(g.accept(good)).toBe(0);
  });

  test('zero and oversized lengths are refused; a message not ending in NUL is refused whole', () => {
    const zero = new TwsFrameGuard();
    expect(zero.accept(Buffer.from([0, 0, 0, 0, 0]))).toBe(0);
    expect(zero.fault).toBe('length');
    const big = new TwsFrameGuard(1000);
    expect(big.accept(Buffer.from([0, 0, 0x03, 0xe9]))).toBe(0);
    expect(big.faultValue).toBe(1001);
    const open = new TwsFrameGuard();
    const good = frame(['9']);
    expect(open.accept(Buffer.concat([good, Buffer.from([0, 0, 0, 2, 0x39, 0x39])]))).toBe(good.length);
    expect(open.fault).toBe('terminator');
  });

  test('property: random bytes are accepted only up to the end of the last well-formed message, never past a fault', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.array(fc.nat(200), { maxLength: 4 }), (raw, cuts) => {
      const bytes = Buffer.from(raw);
      const g = new TwsFrameGuard();
      const accepted = feed(g, bytes, cuts);
      expect(accepted).toBeLessThanOrEqual(bytes.length);
      if (g.fault) expect(accepted).toBeLessThan(bytes.length);
      // Re-framing the accepted prefix gives whole frames, each 1..0xffffff bytes and NUL-terminated.
      let at = 0;
      while (at + 4 <= accepted) {
        const n = bytes.readUInt32BE(at);
        expect(n).toBeGreaterThan(0);
        if (at + 4 + n > accepted) break;
        expect(bytes[at + 4 + n - 1]).toBe(0);
        at += 4 + n;
      }
    }), { numRuns: 500 });
  });
});
