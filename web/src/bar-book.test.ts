import { describe, expect, test } from 'vitest';
import { BarBook, startsSession, type BarPoint } from './bar-book.js';

/** A closed 1m bar opening `m` minutes after 00:00 UTC with the given delta and session cumDelta. */
function bar(m: number, delta = 1, cumDelta = m + 1, closed = true): BarPoint {
  return {
    time: m * 60, open: 100, high: 101, low: 99, close: 100.5, volume: 10, delta, cumDelta, vwap: 100, vwapSigma: 1, poc: 100,
    stackedBuy: 0, stackedSell: 0, levels: undefined, closed,
  };
}
const times = (b: BarBook): number[] => b.bars.map((x) => x.time / 60);

describe('BarBook', () => {
  test('bars closed between subscribing and the history answer merge at the seam without gap or duplicate', () => {
    const book = new BarBook(100, 10);
    expect(book.addClosed(bar(3))).toEqual({ kind: 'none' });
    expect(book.addClosed(bar(4))).toEqual({ kind: 'none' });
    // The history was taken after bar 3 closed: it holds 0..3, the stream sent 3 and 4.
    expect(book.loadHistory([bar(0), bar(1), bar(2), bar(3)])).toEqual({ kind: 'reset' });
    expect(times(book)).toEqual([0, 1, 2, 3, 4]);
    expect(book.addClosed(bar(5))).toMatchObject({ kind: 'upsert', historical: false });
    expect(times(book)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test('the bar in progress is the last point until its close replaces it', () => {
    const book = new BarBook(100, 10);
    book.loadHistory([bar(0), bar(1)]);
    expect(book.setLive(bar(2, 1, 3, false))).toMatchObject({ kind: 'upsert', historical: false });
    expect(book.setLive(bar(2, 2, 4, false))).toMatchObject({ kind: 'upsert', historical: false });
    expect(book.addClosed(bar(2))).toMatchObject({ kind: 'upsert', historical: false });
    expect(book.bars.at(-1)!.closed).toBe(true);
    // A late snapshot of the closed bar changes nothing.
    expect(book.setLive(bar(2, 9, 9, false))).toEqual({ kind: 'none' });
    expect(times(book)).toEqual([0, 1, 2]);
  });

  test('a close that arrives after the next bar started updates its point in place', () => {
    const book = new BarBook(100, 10);
    book.loadHistory([bar(0)]);
    book.setLive(bar(1, 1, 2, false));
    book.setLive(bar(2, 1, 3, false));
    expect(book.addClosed(bar(1))).toMatchObject({ kind: 'upsert', historical: true });
    expect(times(book)).toEqual([0, 1, 2]);
    expect(book.bars.map((b) => b.closed)).toEqual([true, true, false]);
  });

  test('a bar unseen before the last drawn is inserted with a redraw', () => {
    const book = new BarBook(100, 10);
    book.loadHistory([bar(0), bar(2)]);
    expect(book.addClosed(bar(1))).toEqual({ kind: 'reset' });
    expect(times(book)).toEqual([0, 1, 2]);
  });

  test('past capacity plus slack the oldest bars go in one redraw', () => {
    const book = new BarBook(5, 2);
    book.loadHistory([0, 1, 2, 3, 4].map((m) => bar(m)));
    expect(book.addClosed(bar(5)).kind).toBe('upsert');
    expect(book.addClosed(bar(6)).kind).toBe('upsert');
    expect(book.addClosed(bar(7))).toEqual({ kind: 'reset' });
    expect(times(book)).toEqual([3, 4, 5, 6, 7]);
  });

  test('a history longer than the capacity keeps its newest bars', () => {
    const book = new BarBook(3, 1);
    book.loadHistory([0, 1, 2, 3, 4].map((m) => bar(m)));
    expect(times(book)).toEqual([2, 3, 4]);
  });

  test('a session starts where cumulative delta does not continue', () => {
    expect(startsSession(bar(0, 5, 5), bar(1, -2, 3))).toBe(false);
    expect(startsSession(bar(0, 5, 500), bar(1, -2, -2))).toBe(true);
  });
});
