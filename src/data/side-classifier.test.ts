import { describe, expect, test } from 'vitest';
import { Side } from '../model/side.js';
import { SideClassifier } from './side-classifier.js';

describe('SideClassifier (quote rule, tick rule fallback)', () => {
  test('quote rule: at or above the ask buys, at or below the bid sells, inside goes to the nearer side', () => {
    const c = new SideClassifier();
    c.onQuote(100, 101);
    expect([c.classify(101), c.classify(101.5), c.classify(100), c.classify(99.5)]).toEqual([Side.Buy, Side.Buy, Side.Sell, Side.Sell]);
    c.onQuote(100, 102);
    expect([c.classify(101.5), c.classify(100.25)]).toEqual([Side.Buy, Side.Sell]);
  });

  test('at the mid the tick rule decides: up-tick buy, down-tick sell, zero-tick repeats', () => {
    const c = new SideClassifier();
    c.onQuote(100, 102);
    c.observe(100.5, Side.Sell);
    expect(c.classify(101)).toBe(Side.Buy); // mid, above the last trade
    expect(c.classify(101)).toBe(Side.Buy); // mid, zero tick: repeats
  });

  test('without a quote: tick rule; the very first trade stays None', () => {
    const c = new SideClassifier();
    expect([c.classify(10), c.classify(10.25), c.classify(10.25), c.classify(10)]).toEqual([Side.None, Side.Buy, Side.Buy, Side.Sell]);
  });
});
