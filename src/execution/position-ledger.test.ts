import { describe, expect, test } from 'vitest';
import type { Fill } from './execution-venue.js';
import { PositionLedger } from './position-ledger.js';

const fill = (side: 'buy' | 'sell', qty: number, price: number, t: number, commissionUsd = 0, symbol = 'ES'): Fill =>
  ({ orderId: t, symbol, side, qty, price, tsNs: BigInt(t), commissionUsd });

describe('PositionLedger', () => {
  test('scaling in averages the entry: buy 1 @ 4800 and 1 @ 4801, sell 2 @ 4803 is (3 + 2) · 50 = 250', () => {
    const l = new PositionLedger();
    expect(l.apply(fill('buy', 1, 4800, 1, 2))).toBeUndefined();
    expect(l.apply(fill('buy', 1, 4801, 2, 2))).toBeUndefined();
    expect(l.position('ES')).toBe(2);
    const t = l.apply(fill('sell', 2, 4803, 3, 4))!;
    expect(t).toMatchObject({ side: 'long', qty: 2, entryPrice: 4800.5, exitPrice: 4803, grossUsd: 250, commissionUsd: 8, netUsd: 242, entryNs: 1n, exitNs: 3n });
    expect(l.realizedUsd).toBe(242);
  });

  test('a fill through zero closes the short and opens a long with the remainder', () => {
    const l = new PositionLedger();
    l.apply(fill('sell', 1, 16800, 1, 0, 'NQ'));
    const t = l.apply(fill('buy', 3, 16790, 2, 3, 'NQ'))!;
    // 10 points · $20 on the one short contract; one of the three contracts' commission belongs to it.
    expect(t).toMatchObject({ side: 'short', qty: 1, grossUsd: 200, commissionUsd: 1, netUsd: 199 });
    expect(l.position('NQ')).toBe(2);
  });
});
