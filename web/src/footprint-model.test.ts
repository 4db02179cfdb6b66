import { describe, expect, test } from 'vitest';
import type { FootprintRow } from './bar-book.js';
import { cellText, footprintCells } from './footprint-model.js';

const row = (price: number, bid: number, ask: number): FootprintRow => ({ price, bid, ask, bidTrades: 1, askTrades: 1 });
const ATAS = { ratio: 3, minVolume: 30, stackedLevels: 3 };

describe('footprintCells', () => {
  test('lays rows on the tick grid with the empty rows inside the range, and marks diagonal imbalances', () => {
    // Worked by hand (docs/features.md): buy at p+1 when ask[p+1] ≥ 3 × bid[p] and ≥ 30; sell at p when
    // bid[p] ≥ 3 × ask[p+1] and ≥ 30. Row 100.50 has no trade.
    const c = footprintCells([row(100.75, 0, 50), row(100, 40, 10), row(100.25, 10, 31)], 0.25, 100.25, ATAS)!;
    expect(c.lowPrice).toBe(100);
    expect(Array.from(c.bid)).toEqual([40, 10, 0, 0]);
    expect(Array.from(c.ask)).toEqual([10, 31, 0, 50]);
    // ask[100.25] 31 ≥ 3 × bid[100] 40? no. ask[100.75] 50 ≥ 3 × bid[100.50] 0 and ≥ 30: buy at 100.75.
    expect(Array.from(c.buy)).toEqual([0, 0, 0, 1]);
    // bid[100] 40 ≥ 3 × ask[100.25] 31? no. bid[100.25] 10 < 30. No sell imbalance.
    expect(Array.from(c.sell)).toEqual([0, 0, 0, 0]);
    expect(c.pocRow).toBe(1);
    expect(c.maxCell).toBe(50);
    expect(c.rows.map((r) => r.price)).toEqual([100, 100.25, 100.75]);
  });

  test('a run of three buy imbalances is a stacked zone; two are not', () => {
    const rows = [row(10, 10, 0), row(10.25, 10, 40), row(10.5, 10, 40), row(10.75, 10, 40), row(11, 40, 0), row(11.25, 0, 200)];
    const c = footprintCells(rows, 0.25, 10.5, ATAS)!;
    expect(Array.from(c.buy)).toEqual([0, 1, 1, 1, 0, 1]);
    expect(Array.from(c.stackedBuy)).toEqual([0, 1, 1, 1, 0, 0]);
  });

  test('no rows, no footprint', () => {
    expect(footprintCells([], 0.25, 1, ATAS)).toBeUndefined();
    expect(footprintCells(undefined, 0.25, 1, ATAS)).toBeUndefined();
  });

  test('cell numbers are whole units, shortened past five digits', () => {
    expect(cellText(0)).toBe('0');
    expect(cellText(12345)).toBe('12345');
    expect(cellText(123456)).toBe('123k');
  });
});
