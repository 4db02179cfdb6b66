import { describe, expect, test } from 'vitest';
import { labelConfigProblem, labelOne, labelSamples, type LabelConfig, type PathBar } from './trade-labeler.js';

// Entry 100, tick 0.25, target and stop 4 ticks: long target 101 / stop 99, short target 99 / stop 101.
const c: LabelConfig = { targetTicks: 4, stopTicks: 4, horizonBars: 3, tickSize: 0.25 };
const bar = (low: number, high: number): PathBar => ({ low, high });
const long = (path: PathBar[]) => labelOne({ features: 'f', entryPrice: 100, direction: 'long', path }, c);
const short = (path: PathBar[]) => labelOne({ features: 'f', entryPrice: 100, direction: 'short', path }, c);

describe('labelOne', () => {
  test('long: target touched on the second bar is a 1 held two bars', () => {
    expect(long([bar(99.5, 100.5), bar(100, 101), bar(99, 99.5)])).toEqual({ features: 'f', label: 1, barsHeld: 2 });
  });
  test('long: stop touched first is a 0', () => {
    expect(long([bar(99, 100.5), bar(100, 101), bar(100, 100)])).toEqual({ features: 'f', label: 0, barsHeld: 1 });
  });
  test('a bar touching both target and stop counts as the stop', () => {
    expect(long([bar(99, 101), bar(100, 100), bar(100, 100)])?.label).toBe(0);
    expect(short([bar(99, 101), bar(100, 100), bar(100, 100)])?.label).toBe(0);
  });
  test('short: target below the entry, stop above', () => {
    expect(short([bar(99.75, 100.25), bar(99, 100)])).toEqual({ features: 'f', label: 1, barsHeld: 2 });
    expect(short([bar(99.75, 101), bar(99, 100)])).toEqual({ features: 'f', label: 0, barsHeld: 1 });
  });
  test('one tick short of the target within the horizon is a 0 held the horizon', () => {
    expect(long([bar(99.25, 100.75), bar(99.25, 100.75), bar(99.25, 100.75)])).toEqual({ features: 'f', label: 0, barsHeld: 3 });
  });
  test('a target reached after the horizon is a 0', () => {
    expect(long([bar(100, 100), bar(100, 100), bar(100, 100), bar(100, 102)])?.label).toBe(0);
  });
  test('a path ending before the horizon is unknown unless a barrier was touched', () => {
    expect(long([bar(100, 100), bar(100, 100)])).toBeNull();
    expect(long([bar(100, 101)])).toEqual({ features: 'f', label: 1, barsHeld: 1 });
  });
  test('a price-only path (high = low) labels by the prices', () => {
    expect(long([100.25, 100.75, 101].map((p) => bar(p, p)))?.label).toBe(1);
  });
});

describe('labelSamples', () => {
  test('drops samples whose outcome is unknown, keeps order', () => {
    const path = [bar(100, 101)];
    const out = labelSamples([
      { features: 1, entryPrice: 100, direction: 'long', path },
      { features: 2, entryPrice: 100, direction: 'long', path: [] },
      { features: 3, entryPrice: 101, direction: 'short', path },
    ], c);
    // Third: short from 101, target 100 = the bar's low.
    expect(out.map((s) => [s.features, s.label])).toEqual([[1, 1], [3, 1]]);
  });
  test('invalid barrier settings are reported', () => {
    expect(labelConfigProblem(c)).toBeNull();
    expect(labelConfigProblem({ ...c, horizonBars: 0 })).toMatch(/horizon/);
    expect(labelConfigProblem({ ...c, targetTicks: 1.5 })).toMatch(/target/);
  });
});
