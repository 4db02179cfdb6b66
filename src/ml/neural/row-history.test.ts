import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { RowHistory } from './row-history.js';

describe('RowHistory', () => {
  test('keeps the first row of each bar, oldest first, zeros before the first', () => {
    const h = new RowHistory(3, 2);
    const out = new Float32Array(6);
    expect(Array.from(h.read('ES', out))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(h.push('ES', 60_000, Float32Array.of(1, 1))).toBe(true);
    // A later decision of the same bar does not replace the bar's row.
    expect(h.push('ES', 60_000, Float32Array.of(9, 9))).toBe(false);
    h.push('ES', 120_000, Float32Array.of(2, 2));
    expect(Array.from(h.read('ES', out))).toEqual([0, 0, 1, 1, 2, 2]);
    h.push('ES', 180_000, Float32Array.of(3, 3));
    h.push('ES', 240_000, Float32Array.of(4, 4));
    expect(Array.from(h.read('ES', out))).toEqual([2, 2, 3, 3, 4, 4]);
    expect(Array.from(h.read('NQ', out))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  test('after any pushes, the read equals the last `steps` distinct-bar rows of a plain list (zero-padded)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.float({ noNaN: true })), { maxLength: 40 }), (steps, events) => {
      const h = new RowHistory(steps, 1);
      const list: number[] = [];
      let bar = 0;
      for (const [advance, v] of events) {
        bar += advance;
        if (h.push('X', bar, Float32Array.of(v))) list.push(Math.fround(v));
      }
      const want = [...Array(Math.max(0, steps - list.length)).fill(0), ...list.slice(-steps)];
      expect(Array.from(h.read('X', new Float32Array(steps)))).toEqual(want);
    }));
  });
});
