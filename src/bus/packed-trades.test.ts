import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { TradeBatch } from '../model/trade-batch.js';
import { markOf, MarkSkipper, PackedTrades, TRADE_RECORD_BYTES } from './packed-trades.js';

/** A batch of trades at the given times (hi 1, lo = time), prices counting up so each trade is recognisable. */
function batchAt(times: number[]): TradeBatch {
  const b = new TradeBatch(Math.max(1, times.length));
  times.forEach((t, k) => b.push(1, t, 5000 + k * 0.25, k + 1, 1, k));
  return b;
}

function packed(times: number[], cap = 1 << 16): PackedTrades {
  const p = new PackedTrades(cap, 4);
  const b = batchAt(times);
  p.pushBatch(b, 0, b.length);
  return p;
}

const timesOf = (p: PackedTrades): number[] => Array.from({ length: p.length }, (_, k) => p.loAt(k));

describe('packed trades (the trades stream format)', () => {
  test('25 bytes a trade, decoded back as written', () => {
    const p = packed([10, 20, 20]);
    expect(p.bytes().length).toBe(3 * TRADE_RECORD_BYTES);
    const out = new TradeBatch(8);
    expect(p.decodeInto(out)).toBe(3);
    expect([out.tsHi[1], out.tsLo[1], out.price[1], out.size[1], out.side[1]]).toEqual([1, 20, 5000.25, 2, 1]);
  });

  test('the mark counts the trades at the last time', () => {
    expect(markOf(new Uint8Array(0))).toBeUndefined();
    expect(markOf(packed([10, 20, 20]).bytes())).toEqual({ hi: 1, lo: 20, count: 2 });
    expect(markOf(packed([10, 20, 30]).bytes())).toEqual({ hi: 1, lo: 30, count: 1 });
  });

  test('a feed behind the stream, handed over in pieces: trades before the mark and the first ties are skipped, the rest kept', () => {
    // The stream ends with two trades at 20; the feed has three at 20 (the third is new) then 30.
    const mark = markOf(packed([5, 20, 20]).bytes());
    const s = new MarkSkipper(mark);
    const feed = batchAt([5, 20, 20, 20, 30]);
    expect(s.skip(feed, 0, 2)).toBe(2);
    expect(s.active).toBe(true);
    expect(s.skip(feed, 2, 5)).toBe(1);
    expect(s.active).toBe(false);
    expect(s.skip(feed, 3, 5)).toBe(0);
  });

  test('trim applies the same rule to held trades, and a skipper goes on where the trim stopped', () => {
    const mark = markOf(packed([20, 20]).bytes());
    const held = packed([10, 20]);
    const s = new MarkSkipper(mark);
    expect(s.trim(held)).toBe(2);
    expect(held.length).toBe(0);
    // One tie of two seen in the held trades: the feed's next trade at 20 is the stream's second, the one after is new.
    const feed = batchAt([20, 20, 25]);
    expect(s.skip(feed, 0, 3)).toBe(1);
  });

  test('property: held trades and the feed after them, minus the stream, are exactly the session after the stream, however split', () => {
    fc.assert(fc.property(
      // Non-decreasing times with runs of ties (a step of 0 is a trade in the same nanosecond).
      fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 40 }).map((d) => d.reduce<number[]>((a, x) => [...a, (a.at(-1) ?? 0) + (x > 3 ? 0 : x)], [])),
      fc.nat(), fc.nat(), fc.nat(), fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 12 }),
      (times, cut, heldFrom, heldTo, pieces) => {
        // The stream has the session's first `c` trades; this node's feed starts at `h`, at the latest with the
        // stream's last nanosecond (ties are matched by count: a feed that starts inside them cannot be told apart,
        // and one that starts later is a hole, reported apart), the first part held, the rest arriving after the
        // takeover in pieces.
        const c = 1 + (cut % times.length);
        const h = heldFrom % (times.indexOf(times[c - 1]!) + 1);
        const hh = h + (heldTo % (times.length - h + 1));
        const s = new MarkSkipper(markOf(packed(times.slice(0, c)).bytes()));
        const held = packed(times.slice(h, hh));
        s.trim(held);
        const kept = timesOf(held);
        const feed = batchAt(times);
        let at = hh;
        for (const n of [...pieces, times.length]) {
          const to = Math.min(times.length, at + n);
          at += s.skip(feed, at, to);
          for (; at < to; at++) kept.push(feed.tsLo[at]!);
        }
        expect(kept).toEqual(times.slice(c));
      },
    ));
  });

  test('over the cap the oldest half goes, and a takeover learns when that cut into what the stream lacks', () => {
    const p = new PackedTrades(4, 2);
    const b = batchAt([1, 2, 3, 4, 5, 6]);
    p.pushBatch(b, 0, 4);
    p.pushBatch(b, 4, 6);
    expect(timesOf(p)).toEqual([3, 4, 5, 6]);
    expect(p.dropped).toBe(2);
    expect(p.lostAfter({ hi: 1, lo: 2, count: 1 })).toBe(false);
    expect(p.lostAfter({ hi: 1, lo: 1, count: 1 })).toBe(true);
    expect(p.lostAfter(undefined)).toBe(true);
  });
});
