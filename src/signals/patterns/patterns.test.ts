import { describe, expect, it } from 'vitest';
import type { BarInput, LevelInput } from '../../model/signal-input.js';
import { detectAbsorption } from './absorption-pattern.js';
import { ExhaustionDetector } from './exhaustion-pattern.js';
import { initiativeSide } from './initiative-pattern.js';
import { PatternTracker } from './order-flow-patterns.js';
import { checkPatternConfig, DEFAULT_PATTERN_CONFIG as C } from './pattern-config.js';

const TICK = 0.25;

/** A footprint row: bid = sell-aggressor volume, ask = buy-aggressor volume. */
const row = (price: number, bid: number, ask: number): LevelInput => ({ price, bid, ask, bidTrades: 1, askTrades: 1 });

/** A bar built from its rows: high/low from the rows, volumes and delta summed from them. */
function bar(open: number, close: number, levels: LevelInput[], over: Partial<BarInput> = {}): BarInput {
  const prices = levels.map((l) => l.price);
  const buy = levels.reduce((s, l) => s + l.ask, 0);
  const sell = levels.reduce((s, l) => s + l.bid, 0);
  return {
    tsMs: 0, timeframe: '1m', open, close, high: Math.max(...prices), low: Math.min(...prices), volume: buy + sell, trades: 2 * levels.length,
    buyVolume: buy, sellVolume: sell, delta: buy - sell, stackedBuy: 0, stackedSell: 0, levels, ...over,
  };
}

/** A bar given by its range and delta alone (exhaustion reads no rows). */
const hl = (high: number, low: number, delta: number): BarInput => bar(low, high, [row(low, 0, 0), row(high, 0, 0)], { delta });

describe('absorption', () => {
  it('buyers absorbed: 400 lots lifted at 5000.00, the high one tick above: sellers (−1) at that row', () => {
    const b = bar(4999.5, 4999.75, [row(4999.5, 20, 10), row(4999.75, 30, 40), row(5000, 60, 400), row(5000.25, 5, 5)]);
    expect(detectAbsorption(b, TICK, C)).toEqual({ side: -1, price: 5000 });
  });

  it('sellers absorbed: 300 lots hit at the low row: buyers (+1)', () => {
    const b = bar(5001, 5000.75, [row(5000, 300, 20), row(5000.25, 40, 30), row(5000.5, 10, 10), row(5001, 5, 5)]);
    expect(detectAbsorption(b, TICK, C)).toEqual({ side: 1, price: 5000 });
  });

  it('none when the heavy buying moved the price: the high 3 ticks above the row', () => {
    const b = bar(4999.5, 5000.75, [row(5000, 20, 400), row(5000.25, 10, 50), row(5000.5, 10, 50), row(5000.75, 10, 50)]);
    expect(detectAbsorption(b, TICK, C).side).toBe(0);
  });

  it('none when no row reaches the volume, or the bar has no footprint', () => {
    expect(detectAbsorption(bar(5000, 5000, [row(5000, 100, 149)]), TICK, C).side).toBe(0);
    expect(detectAbsorption(bar(5000, 5000, [row(5000, 100, 400)], { levels: undefined }), TICK, C).side).toBe(0);
  });

  it('both sides heavy in a one-row bar: the heavier wins, equal is none', () => {
    expect(detectAbsorption(bar(5000, 5000, [row(5000, 200, 400)]), TICK, C)).toEqual({ side: -1, price: 5000 });
    expect(detectAbsorption(bar(5000, 5000, [row(5000, 400, 400)]), TICK, C).side).toBe(0);
  });
});

describe('exhaustion', () => {
  /** Five prior bars, the highest (high 5010) pushed by delta +200, the lowest (low 4990) by −200. */
  function primed(): ExhaustionDetector {
    const x = new ExhaustionDetector(C);
    for (const b of [hl(5005, 4995, 10), hl(5010, 5000, 200), hl(5006, 4996, 20), hl(5000, 4990, -200), hl(5004, 4994, 0)]) {
      expect(x.update(b).side).toBe(0);
    }
    return x;
  }

  it('a new high on delta +80 (≤ 0.5 × 200): buyers exhausted (−1) at the new high', () => {
    expect(primed().update(hl(5011, 5001, 80))).toEqual({ side: -1, price: 5011 });
  });

  it('a new low on delta −100 (≤ 0.5 × 200 selling): sellers exhausted (+1) at the new low', () => {
    expect(primed().update(hl(4999, 4989, -100))).toEqual({ side: 1, price: 4989 });
  });

  it('none when the delta keeps up (+150 > 100), without a new extreme, or before 5 prior bars', () => {
    expect(primed().update(hl(5011, 5001, 150)).side).toBe(0);
    expect(primed().update(hl(5010, 4995, 0)).side).toBe(0);
    const x = new ExhaustionDetector(C);
    for (const b of [hl(5005, 4995, 300), hl(5006, 4996, 300), hl(5007, 4997, 300), hl(5008, 4998, 300)]) x.update(b);
    expect(x.update(hl(5020, 5000, 0)).side).toBe(0);
  });

  it('none when the prior extreme was not pushed (its delta under exhaustionMinDelta)', () => {
    const x = new ExhaustionDetector(C);
    for (const b of [hl(5005, 4995, 10), hl(5010, 5000, 40), hl(5006, 4996, 0), hl(5004, 4996, 0), hl(5004, 4996, 0)]) x.update(b);
    expect(x.update(hl(5011, 5001, 0)).side).toBe(0);
  });
});

describe('initiative', () => {
  const va = { vah: 5010, val: 5000 };

  it('stacked buying opening inside value and closing above VAH: buyers (+1)', () => {
    expect(initiativeSide(bar(5009, 5012, [row(5009, 1, 1), row(5012, 1, 1)], { stackedBuy: 1 }), va, C)).toBe(1);
  });

  it('stacked selling opening inside value and closing below VAL: sellers (−1)', () => {
    expect(initiativeSide(bar(5001, 4998, [row(4998, 1, 1), row(5001, 1, 1)], { stackedSell: 2 }), va, C)).toBe(-1);
  });

  it('none: no stack, a close still inside value, a bar already above value, or no value area yet', () => {
    expect(initiativeSide(bar(5009, 5012, [row(5009, 1, 1)]), va, C)).toBe(0);
    expect(initiativeSide(bar(5005, 5009, [row(5005, 1, 1)], { stackedBuy: 2 }), va, C)).toBe(0);
    expect(initiativeSide(bar(5011, 5014, [row(5011, 1, 1)], { stackedBuy: 2 }), va, C)).toBe(0);
    expect(initiativeSide(bar(5009, 5012, [row(5009, 1, 1)], { stackedBuy: 1 }), { vah: 0, val: 0 }, C)).toBe(0);
  });
});

describe('PatternTracker', () => {
  it('publishes each pattern of the last closed bar, initiative against the value area of the decision', () => {
    const t = new PatternTracker(C);
    expect(t.at({ vah: 5010, val: 5000 }).absorption.side).toBe(0);
    t.update(bar(5009, 5012, [row(5009, 10, 10), row(5012, 10, 400)], { stackedBuy: 1 }), TICK);
    const p = t.at({ vah: 5010, val: 5000 });
    expect(p.absorption).toEqual({ side: -1, price: 5012 });
    expect(p.initiative).toEqual({ side: 1, price: 5010 });
    // Same inputs: the same object (nothing allocated); value area grown over the bar: the initiative is gone.
    expect(t.at({ vah: 5010, val: 5000 })).toBe(p);
    expect(t.at({ vah: 5013, val: 5000 }).initiative.side).toBe(0);
    t.update(bar(5012, 5012, [row(5012, 10, 10)]), TICK);
    expect(t.at({ vah: 5013, val: 5000 }).absorption.side).toBe(0);
  });

  it('refuses a bad configuration', () => {
    expect(() => checkPatternConfig({ ...C, exhaustionDeltaRatio: 1 })).toThrow(/exhaustionDeltaRatio/);
    expect(() => new PatternTracker({ ...C, exhaustionBars: 0 })).toThrow(/exhaustionBars/);
  });
});
