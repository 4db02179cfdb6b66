import { describe, expect, test } from 'vitest';
import { DepthBook, DepthOp, DepthSide } from './depth-book.js';

describe('DepthBook', () => {
  test('inserts shift rows down, deletes shift them up', () => {
    const b = new DepthBook(5);
    b.apply(0, DepthOp.Insert, DepthSide.Bid, 100, 5);
    b.apply(0, DepthOp.Insert, DepthSide.Bid, 100.25, 7);
    b.apply(2, DepthOp.Insert, DepthSide.Bid, 99.75, 3);
    expect([0, 1, 2].map((i) => b.level(DepthSide.Bid, i)?.price)).toEqual([100.25, 100, 99.75]);
    b.apply(0, DepthOp.Delete, DepthSide.Bid, 0, 0);
    expect([0, 1].map((i) => b.level(DepthSide.Bid, i)?.price)).toEqual([100, 99.75]);
    expect(b.summary().bidLevels).toBe(2);
  });

  test('imbalance is (bid − ask) / (bid + ask) over the levels held', () => {
    const b = new DepthBook(10);
    b.apply(0, DepthOp.Insert, DepthSide.Bid, 100, 30);
    b.apply(1, DepthOp.Insert, DepthSide.Bid, 99.75, 10);
    b.apply(0, DepthOp.Insert, DepthSide.Ask, 100.25, 10);
    const s = b.summary();
    expect(s.bid).toBe(100);
    expect(s.ask).toBe(100.25);
    expect(s.imbalance).toBeCloseTo((40 - 10) / 50, 12);
    b.apply(0, DepthOp.Update, DepthSide.Ask, 100.25, 40);
    expect(b.summary().imbalance).toBe(0);
  });

  test('a full book drops its deepest row on insert', () => {
    const b = new DepthBook(2);
    b.apply(0, DepthOp.Insert, DepthSide.Ask, 101, 1);
    b.apply(1, DepthOp.Insert, DepthSide.Ask, 102, 1);
    b.apply(0, DepthOp.Insert, DepthSide.Ask, 100.75, 1);
    expect([b.level(DepthSide.Ask, 0)?.price, b.level(DepthSide.Ask, 1)?.price]).toEqual([100.75, 101]);
  });

  test('updates that do not fit are counted and ignored', () => {
    const b = new DepthBook(3);
    expect(b.apply(5, DepthOp.Insert, DepthSide.Bid, 100, 1)).toBe(false);
    expect(b.apply(0, DepthOp.Delete, DepthSide.Bid, 0, 0)).toBe(false);
    expect(b.apply(0, 7, DepthSide.Bid, 100, 1)).toBe(false);
    expect(b.apply(0, DepthOp.Insert, 9, 100, 1)).toBe(false);
    expect(b.apply(0, DepthOp.Insert, DepthSide.Bid, Number.NaN, 1)).toBe(false);
    expect(b.summary()).toMatchObject({ rejected: 5, updates: 0, imbalance: undefined });
  });
});
