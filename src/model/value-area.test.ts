import { describe, expect, test } from 'vitest';
import { diagonalImbalances } from './imbalance.js';
import { pointOfControl, valueArea } from './value-area.js';

// Worked by hand from ../shared/docs/domain.md. The AmiBroker list example (2007): POC 150, 70 % of the
// total is 388, adding the larger neighbour one row at a time gives 150 → 240 → 320 → 390. A profile with
// those numbers: rows (low → high) 50, 54, 60, 150, 90, 80, 70; total 554, target 0.7 × 554 = 387.8.
const AMIBROKER = [50, 54, 60, 150, 90, 80, 70];

describe('value area', () => {
  test('greedy1, AmiBroker worked example: 150 → 240 → 320 → 390, rows 3..6', () => {
    // 90 (up) > 60 (down) → 240; 80 > 60 → 320; 70 > 60 → 390 ≥ 387.8: stop.
    const va = valueArea(AMIBROKER, 3, 0.7, 'greedy1');
    expect(va.steps).toEqual([150, 240, 320, 390]);
    expect([va.lo, va.hi, va.volume, va.total]).toEqual([3, 6, 390, 554]);
  });

  test('cbot2 on the same profile: pairs 170 up vs 114 down, then 70 (one row left) vs 114: rows 1..5', () => {
    // 150 + (90 + 80) = 320; up pair is now 70 + 0 (past the top), down pair 60 + 54 = 114 → 434: stop.
    const va = valueArea(AMIBROKER, 3, 0.7, 'cbot2');
    expect(va.steps).toEqual([150, 320, 434]);
    expect([va.lo, va.hi, va.volume]).toEqual([1, 5, 434]);
  });

  test('ties go up: greedy1 40 vs 40, cbot2 20+20 vs 10+30', () => {
    expect(valueArea([10, 40, 100, 40, 10], 2, 0.7, 'greedy1')).toMatchObject({ lo: 2, hi: 3, volume: 140 });
    expect(valueArea([30, 10, 100, 20, 20], 2, 0.7, 'cbot2')).toMatchObject({ lo: 2, hi: 4, volume: 140 });
  });

  test('an exhausted side yields to the other', () => {
    // POC at the bottom row: only the upper side remains; target 0.9 × 180 = 162.
    expect(valueArea([100, 50, 30], 0, 0.9, 'greedy1')).toMatchObject({ lo: 0, hi: 2, volume: 180, steps: [100, 150, 180] });
    expect(valueArea([100, 50, 30], 0, 0.9, 'cbot2')).toMatchObject({ lo: 0, hi: 2, volume: 180, steps: [100, 180] });
    expect(valueArea([7], 0, 0.7, 'cbot2')).toMatchObject({ lo: 0, hi: 0, volume: 7 });
  });

  test('POC ties go to the row nearest the middle, then to the lower price', () => {
    expect(pointOfControl([5, 9, 1, 9, 5])).toBe(1); // rows 1 and 3 both 1 from the middle (2): lower
    expect(pointOfControl([9, 1, 1, 9, 1, 1])).toBe(3); // middle 2.5: row 3 is 0.5 away, row 0 is 2.5
    expect(pointOfControl([1, 2, 3])).toBe(2);
  });
});

describe('diagonal imbalances', () => {
  // Rows low → high. bid = sell-aggressor volume, ask = buy-aggressor volume; ratio 3, minimum 30.
  const bid = [40, 10, 0, 5];
  const ask = [0, 120, 35, 2];

  test('ask[p+1] against bid[p]: buys at rows 1 (120 ≥ 3×40) and 2 (35 ≥ 3×10); row 3 fails the minimum', () => {
    const r = diagonalImbalances(bid, ask, 3, 30, 2);
    expect(r.buyRows).toEqual([false, true, true, false]);
    expect(r.sellRows).toEqual([false, false, false, false]); // 40 < 3×120, 10 < 3×35, 0 < 3×2
    expect([r.buyCount, r.sellCount, r.stackedBuy, r.stackedSell]).toEqual([2, 0, 1, 0]);
    expect(diagonalImbalances(bid, ask, 3, 30, 3).stackedBuy).toBe(0);
  });

  test('sell imbalances and a ratio of 1.5 (NinjaTrader default)', () => {
    // bid[0]=60 ≥ 1.5 × ask[1]=30 → sell at row 0; bid[1]=50 ≥ 1.5×ask[2]=20 → sell at row 1.
    const r = diagonalImbalances([60, 50, 0], [0, 30, 20], 1.5, 30, 2);
    expect(r.sellRows).toEqual([true, true, false]);
    expect(r.stackedSell).toBe(1);
  });
});
