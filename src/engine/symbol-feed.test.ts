import { describe, expect, test } from 'vitest';
import * as L from '../kernels/layout.js';
import { MemoryPlan } from '../kernels/memory-plan.js';
import { DEFAULT_FEATURE_CONFIG } from '../model/bar-features.js';
import { TradeBatch } from '../model/trade-batch.js';
import { splitNs } from '../model/time.js';
import { SignalInputReader } from './signal-input-reader.js';
import { SymbolFeed } from './symbol-feed.js';

const T0 = 1709562600_000_000_000n; // 14:30:00 UTC, a minute boundary

function feed(tapeCapacity = 1024): SymbolFeed {
  const plan = new MemoryPlan({ symbols: 1, timeframes: 5, tapeCapacity, gridRows: 256, ringBars: 16, footprintLevels: 256 });
  const memory = plan.allocate();
  return new SymbolFeed(memory, plan.regions[0]!, { symbol: 'ES', tickSize: 0.25, sizeDecimals: 0, hasSides: true },
    { ...DEFAULT_FEATURE_CONFIG, sizeDecimals: 0 }, false, [], 0, new SignalInputReader(memory));
}

function batch(secondsFromT0: number[]): TradeBatch {
  const b = new TradeBatch(secondsFromT0.length);
  for (const s of secondsFromT0) {
    const [hi, lo] = splitNs(T0 + BigInt(Math.round(s * 1e9)));
    b.push(hi, lo, 5000, 1, 1, b.length);
  }
  return b;
}

describe('SymbolFeed', () => {
  test('takes trades up to and including the first of a new minute, then waits for that close to be dispatched', () => {
    const f = feed();
    const b = batch([0, 10, 59.9, 60, 61, 119, 120.5]);
    expect(f.offer(b, 0, b.length, 1)).toBe(4); // 14:30:00 … 14:31:00: the 14:31 trade closes the 14:30 bar
    expect(f.closeDue).toBe(true);
    expect(f.offer(b, 4, b.length, 2)).toBe(0);
    f.closeDue = false; // the engine dispatched the close's snapshot
    f.dispatchedTo = f.writer.length;
    expect(f.offer(b, 4, b.length, 3)).toBe(3);
    expect(f.closeDue).toBe(true);
    expect([f.trades, f.pending, f.lastReceivedUs]).toEqual([7, 3, 3]);
    expect(f.lastTsNs).toBe(T0 + 120_500_000_000n);
  });

  test('the first trade opens a bar without a close', () => {
    const f = feed();
    expect(f.offer(batch([30]), 0, 1, 1)).toBe(1);
    expect(f.closeDue).toBe(false);
  });

  test('past three quarters of the tape the intake waits for the kernels, then the tape starts over', () => {
    const f = feed(8);
    const b = batch([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(f.offer(b, 0, 9, 1)).toBe(8);
    expect(f.offer(b, 8, 9, 1)).toBe(0); // nothing processed yet: held, nothing lost
    f.state.view.setInt32(f.state.region.state + L.S_CURSOR, 8, true); // the kernels caught up
    expect(f.offer(b, 8, 9, 1)).toBe(1);
    expect([f.writer.length, f.trades]).toEqual([1, 9]);
  });
});
