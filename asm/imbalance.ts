// Diagonal footprint imbalances and stacked runs (docs/features.md "Footprint"; NinjaTrader volumetric
// bars, ATAS): ask at row p+1 against bid at row p, ratio as a multiplier, minimum volume in raw units.
import { ROW_ASK, ROW_BID, ROW_BYTES } from './layout';

/** Results of the last imbalances call. */
export let buyImbalances: i32 = 0;
export let sellImbalances: i32 = 0;
export let stackedBuy: i32 = 0;
export let stackedSell: i32 = 0;

@inline function bidAt(grid: usize, r: i32): f64 {
  return <f64>load<i64>(grid + <usize>(r * ROW_BYTES), ROW_BID);
}

@inline function askAt(grid: usize, r: i32): f64 {
  return <f64>load<i64>(grid + <usize>(r * ROW_BYTES), ROW_ASK);
}

/** Counts imbalance rows and stacked runs (a run of at least `levels` rows counts once) over lo..hi. */
export function imbalances(grid: usize, lo: i32, hi: i32, ratio: f64, minVolume: f64, levels: i32): void {
  let nb = 0, ns = 0, sb = 0, ss = 0, runB = 0, runS = 0;
  for (let r = lo; r <= hi; r++) {
    let isBuy = false;
    let isSell = false;
    if (r > lo) {
      const ask = askAt(grid, r);
      isBuy = ask >= ratio * bidAt(grid, r - 1) && ask >= minVolume;
    }
    if (r < hi) {
      const bid = bidAt(grid, r);
      isSell = bid >= ratio * askAt(grid, r + 1) && bid >= minVolume;
    }
    if (isBuy) {
      nb++;
      if (++runB == levels) sb++;
    } else runB = 0;
    if (isSell) {
      ns++;
      if (++runS == levels) ss++;
    } else runS = 0;
  }
  buyImbalances = nb;
  sellImbalances = ns;
  stackedBuy = sb;
  stackedSell = ss;
}
