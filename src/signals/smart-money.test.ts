import { describe, expect, test } from 'vitest';
import type { BarInput, LevelInput } from '../model/signal-input.js';
import { DEFAULT_SMART_MONEY_CONFIG, SmartMoneyTracker } from './smart-money.js';

const cfg = { ...DEFAULT_SMART_MONEY_CONFIG, sizeWindow: 10, sizeMinSamples: 4, flowBars: 2, absorptionBars: 3 };

function bar(p: Partial<BarInput>): BarInput {
  return {
    tsMs: 0, timeframe: '1m', open: 100, high: 100.5, low: 99.5, close: 100, volume: 100, trades: 50,
    buyVolume: 50, sellVolume: 50, delta: 0, stackedBuy: 0, stackedSell: 0, levels: undefined, ...p,
  };
}
const level = (price: number, bid: number, bidTrades: number, ask: number, askTrades: number): LevelInput => ({ price, bid, ask, bidTrades, askTrades });

describe('SmartMoneyTracker', () => {
  test('a footprint row whose average buy size tops the prior distribution is large buy volume', () => {
    const t = new SmartMoneyTracker(cfg);
    // 8 samples of average size 1; no ranks yet (fewer than 4 prior samples when ranked)
    t.update(bar({ levels: [level(100, 2, 2, 1, 1), level(100.25, 2, 2, 1, 1), level(100.5, 2, 2, 1, 1), level(100.75, 2, 2, 1, 1)] }));
    expect(t.state(0.25).largeFlow).toBe(0);
    // ask 20 in 2 trades (avg 10) ranks 1.0 ≥ 0.9 → large buy 20; bid 3 in 3 trades (avg 1) ranks 0.5
    t.update(bar({ levels: [level(100, 3, 3, 20, 2)] }));
    expect(t.state(0.25).largeFlow).toBe(1);
  });

  test('rows of one bar are ranked before any joins the distribution', () => {
    const t = new SmartMoneyTracker({ ...cfg, sizeMinSamples: 1 });
    t.update(bar({ levels: [level(100, 0, 0, 1, 1)] }));
    // both rows average 5 against the prior {1}: both large, whatever their order
    t.update(bar({ levels: [level(100, 5, 1, 0, 0), level(100.25, 0, 0, 5, 1)] }));
    expect(t.state(0.25).largeFlow).toBe(0);
  });

  test('without footprint rows the bar’s average size decides and its buy/sell volume is attributed', () => {
    const t = new SmartMoneyTracker({ ...cfg, sizeMinSamples: 1 });
    t.update(bar({ volume: 100, trades: 50 }));
    t.update(bar({ volume: 300, trades: 10, buyVolume: 200, sellVolume: 100 }));
    expect(t.state(0.25).largeFlow).toBeCloseTo((200 - 100) / 300, 12);
  });

  test('stacked imbalances over the flow window: (2 + 1 − 0 − 1) / 4 = 0.5, the oldest bar drops out', () => {
    const t = new SmartMoneyTracker(cfg);
    t.update(bar({ stackedSell: 5 }));
    t.update(bar({ stackedBuy: 2 }));
    t.update(bar({ stackedBuy: 1, stackedSell: 1 }));
    expect(t.state(0.25).stacked).toBe(0.5);
  });

  test('absorption: 360 lots sold over 3 bars moving price 1 tick down is bullish; 4 ticks is not absorption', () => {
    const held = new SmartMoneyTracker(cfg);
    held.update(bar({ open: 100, delta: -120 }));
    held.update(bar({ delta: -120 }));
    held.update(bar({ delta: -120, close: 99.75 }));
    expect(held.state(0.25).absorption).toBe(1);
    const moved = new SmartMoneyTracker(cfg);
    moved.update(bar({ open: 100, delta: -120 }));
    moved.update(bar({ delta: -120 }));
    moved.update(bar({ delta: -120, close: 99 }));
    expect(moved.state(0.25).absorption).toBe(0);
  });

  test('absorption: 360 lots bought for a 2-tick rise is bearish; below the volume threshold it is nothing', () => {
    const t = new SmartMoneyTracker(cfg);
    t.update(bar({ open: 100, delta: 120 }));
    t.update(bar({ delta: 120 }));
    t.update(bar({ delta: 120, close: 100.5 }));
    expect(t.state(0.25).absorption).toBe(-1);
    const light = new SmartMoneyTracker(cfg);
    [90, 90, 90].forEach((d) => light.update(bar({ delta: d })));
    expect(light.state(0.25).absorption).toBe(0);
  });

  test('book imbalance and the weighted score (hand calculation)', () => {
    const t = new SmartMoneyTracker(cfg);
    t.update(bar({ open: 100, stackedBuy: 1 }));
    t.update(bar({}));
    t.update(bar({ close: 100 }));
    const s = t.state(0.25, 30, 10);
    expect(s.book).toBe(0.5);
    // flow window holds bars 2 and 3: stacked 0; largeFlow 0; absorption 0; book 0.5 → 0.15·0.5 / 1.0
    expect(s.stacked).toBe(0);
    expect(s.score).toBeCloseTo(0.075, 12);
    expect(t.state(0.25).book).toBeNull();
  });

  test('before any bar every component but the book is null; reset returns there', () => {
    const t = new SmartMoneyTracker(cfg);
    expect(t.state(0.25)).toEqual({ largeFlow: null, stacked: null, absorption: null, book: null, score: null });
    t.update(bar({ stackedBuy: 3 }));
    t.reset();
    expect(t.count).toBe(0);
    expect(t.state(0.25).score).toBeNull();
  });

  test('invalid parameters throw', () => {
    expect(() => new SmartMoneyTracker({ ...cfg, largeQuantile: 0 })).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_CONFIG' }));
    expect(() => new SmartMoneyTracker({ ...cfg, absorptionVolume: 0 })).toThrow(expect.objectContaining({ code: 'MIA_ERR_BAD_CONFIG' }));
  });
});
