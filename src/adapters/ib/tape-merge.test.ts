import { describe, expect, test } from 'vitest';
import { lastSecond, overlap, type IbTrade } from './tape-merge.js';

const t = (sec: number, price: number, size: number): IbTrade => ({ sec, price, size, side: 0, receivedUs: 0 });

describe('overlap', () => {
  test('finds the live stream resuming inside the last historical second', () => {
    const hist = [t(1, 10, 1), t(2, 10.25, 2), t(2, 10.5, 3)];
    const live = [t(2, 10.5, 3), t(2, 10.25, 4), t(3, 10, 1)];
    expect(overlap(hist, live)).toBe(1);
  });

  test('nothing overlaps when the live stream starts after the history', () => {
    expect(overlap([t(1, 10, 1), t(2, 10, 1)], [t(3, 10, 1)])).toBe(0);
  });

  test('a page that repeats everything already taken at its first second', () => {
    const taken = [t(5, 10, 1), t(5, 10.25, 2)];
    const page = [t(5, 10, 1), t(5, 10.25, 2), t(5, 10.5, 1), t(6, 10, 1)];
    expect(overlap(taken, page)).toBe(2);
  });

  test('trades of earlier seconds never count as overlap', () => {
    expect(overlap([t(4, 10, 1), t(5, 11, 1)], [t(5, 10, 1)])).toBe(0);
  });

  test('empty sides overlap by nothing', () => {
    expect(overlap([], [t(1, 1, 1)])).toBe(0);
    expect(overlap([t(1, 1, 1)], [])).toBe(0);
  });
});

describe('lastSecond', () => {
  test('returns the trades of the final second', () => {
    expect(lastSecond([t(1, 1, 1), t(2, 1, 1), t(2, 2, 1)]).map((x) => x.price)).toEqual([1, 2]);
    expect(lastSecond([])).toEqual([]);
  });
});
