import { describe, expect, test } from 'vitest';
import { neuralDataset } from './neural-dataset.js';
import { forwardMove, neuralLabels, volatilityCut } from './neural-labels.js';

const bar = (high: number, low: number): { high: number; low: number } => ({ high, low });
const input = (entryPrice: number, path: { high: number; low: number }[], f = 0): { features: Float32Array; entryPrice: number; direction: 'long'; path: typeof path } =>
  ({ features: Float32Array.of(f, -f), entryPrice, direction: 'long', path });

describe('neural labels', () => {
  test('the forward move reads the first horizon bars, the entry included in the range, the last bar midpoint as the close', () => {
    // Entry 100; bars 101/100.5, 103/102, then 110/90 beyond a 2-bar horizon (ignored).
    const m = forwardMove(input(100, [bar(101, 100.5), bar(103, 102), bar(110, 90)]), { horizonBars: 2 });
    expect(m).toEqual({ range: 3, move: 2.5 });
    expect(forwardMove(input(100, [bar(101, 99)]), { horizonBars: 2 })).toBeNull();
  });

  test('a trend needs a net move of at least half the range; up is a positive move', () => {
    expect(neuralLabels({ range: 4, move: 2 }, 10)).toEqual({ volatility: 0, regime: 1, direction: 1 });
    expect(neuralLabels({ range: 4, move: -1.99 }, 10)).toEqual({ volatility: 0, regime: 0, direction: 0 });
    expect(neuralLabels({ range: 4, move: -3 }, 4)).toEqual({ volatility: 1, regime: 1, direction: 0 });
    // No range: no trend and no high volatility, even against a cut of 0.
    expect(neuralLabels({ range: 0, move: 0 }, 0)).toEqual({ volatility: 0, regime: 0, direction: 0 });
  });

  test('the volatility cut is the upper tercile boundary: a third of nine distinct ranges are at or above it', () => {
    const ranges = [9, 1, 8, 2, 7, 3, 6, 4, 5];
    const cut = volatilityCut(ranges);
    expect(cut).toBe(7);
    expect(ranges.filter((r) => r >= cut)).toHaveLength(3);
  });

  test('sequences are the rows up to the sample, oldest first, zeros before the first; unlabelled rows are history only', () => {
    // Rows 1..5 (features [i, -i]); a 1-bar horizon; the last row has no path, so 4 samples.
    const rows = [1, 2, 3, 4, 5].map((i) => input(100, i < 5 ? [bar(100 + i, 100)] : [], i));
    const ds = neuralDataset(rows, 1, 3);
    expect(ds.n).toBe(4);
    expect(Array.from(ds.rows.subarray(0, 2))).toEqual([1, -1]);
    // Sample 0: [0, 0], [0, 0], [1, -1]; sample 3: rows 2, 3, 4.
    expect(Array.from(ds.sequences.subarray(0, 6))).toEqual([0, 0, 0, 0, 1, -1]);
    expect(Array.from(ds.sequences.subarray(18, 24))).toEqual([2, -2, 3, -3, 4, -4]);
    // Ranges 1, 2, 3, 4 → cut at sorted[floor(8/3)] = 3: samples 2 and 3 are high.
    expect(ds.volatilityCut).toBe(3);
    expect(Array.from(ds.volatility)).toEqual([0, 0, 1, 1]);
  });
});
