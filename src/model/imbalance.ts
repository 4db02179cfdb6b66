/**
 * Diagonal imbalances of a footprint (docs/features.md; NinjaTrader volumetric bars, ATAS): the ask at row
 * p+1 against the bid at row p. Rows are dense, index 0 = lowest price.
 */
export interface Imbalances {
  /** Rows with a buy imbalance (ask[p+1] ≥ ratio × bid[p] and ≥ minVolume), marked at p+1. */
  buyRows: boolean[];
  /** Rows with a sell imbalance (bid[p] ≥ ratio × ask[p+1] and ≥ minVolume), marked at p. */
  sellRows: boolean[];
  buyCount: number;
  sellCount: number;
  /** Runs of at least `levels` consecutive buy rows. */
  stackedBuy: number;
  /** Runs of at least `levels` consecutive sell rows. */
  stackedSell: number;
}

function runs(rows: boolean[], levels: number): number {
  let n = 0;
  let run = 0;
  for (const r of rows) {
    run = r ? run + 1 : 0;
    if (run === levels) n++;
  }
  return n;
}

/** Finds diagonal imbalances and stacked runs; `ratio` is a multiplier (3 = "300 %"). */
export function diagonalImbalances(bid: ArrayLike<number>, ask: ArrayLike<number>, ratio: number, minVolume: number, levels: number): Imbalances {
  const n = bid.length;
  const buyRows = new Array<boolean>(n).fill(false);
  const sellRows = new Array<boolean>(n).fill(false);
  for (let p = 0; p + 1 < n; p++) {
    const a = ask[p + 1]!;
    const b = bid[p]!;
    if (a >= ratio * b && a >= minVolume) buyRows[p + 1] = true;
    if (b >= ratio * a && b >= minVolume) sellRows[p] = true;
  }
  return {
    buyRows,
    sellRows,
    buyCount: buyRows.filter(Boolean).length,
    sellCount: sellRows.filter(Boolean).length,
    stackedBuy: runs(buyRows, levels),
    stackedSell: runs(sellRows, levels),
  };
}
