// Closing and folding bars. The base timeframe (block 0) is built trade by trade in orderflow.ts; every
// other timeframe is the fold of the base bars it spans, so a trade touches one footprint grid, not five.
import * as L from './layout';
import { imbalances, buyImbalances, sellImbalances, stackedBuy, stackedSell } from './imbalance';
import { hvnCount, lvnCount, nodes, profileTotal, profileTotalAndPoc, valueArea, vaHi, vaLo, vaVolume } from './volume-profile';
import { rowPrice } from './price-rows';

@inline export function tfBlock(st: usize, i: i32): usize {
  return st + <usize>(L.S_TF + i * L.TF_BYTES);
}

@inline function rowPtr(grid: usize, idx: i32): usize {
  return grid + <usize>(idx * L.ROW_BYTES);
}

/** Session VWAP and σ from the session sums, stored into timeframe block t. */
export function stampSessionVwap(st: usize, t: usize): void {
  const v = <f64>load<i64>(st, L.S_SESS_VOL);
  const m = load<f64>(st, L.S_SESS_PV) / v;
  const varc = load<f64>(st, L.S_SESS_P2V) / v - m * m;
  store<f64>(t, load<f64>(st, L.S_SESS_ANCHOR) + m, L.T_VWAP);
  store<f64>(t, Math.sqrt(varc > 0 ? varc : 0), L.T_SIGMA);
}

/**
 * Writes the Bar struct of timeframe block t, whose footprint is in `grid`, to dst. Profile and
 * imbalances are computed here, once per bar.
 */
export function writeBar(st: usize, t: usize, grid: usize, dst: usize): void {
  const base = load<i32>(st, L.S_GRID_BASE);
  const lo = load<i32>(t, L.T_LO) - base;
  const hi = load<i32>(t, L.T_HI) - base;
  const vptr = grid + L.ROW_VOLUME;
  const poc = profileTotalAndPoc(vptr, L.ROW_BYTES, lo, hi);
  valueArea(vptr, L.ROW_BYTES, lo, hi, poc, profileTotal, load<f64>(st, L.S_VA_SHARE), load<i32>(st, L.S_VA_METHOD));
  imbalances(grid, lo, hi, load<f64>(st, L.S_IMB_RATIO), load<f64>(st, L.S_IMB_MIN), load<i32>(st, L.S_STACKED));
  const vol = load<i64>(t, L.T_VOL);
  store<i64>(dst, load<i64>(t, L.T_TS_OPEN), L.BAR_TS_OPEN);
  store<f64>(dst, load<f64>(t, L.T_OPEN), L.BAR_OPEN);
  store<f64>(dst, load<f64>(t, L.T_HIGH), L.BAR_HIGH);
  store<f64>(dst, load<f64>(t, L.T_LOW), L.BAR_LOW);
  store<f64>(dst, load<f64>(t, L.T_CLOSE), L.BAR_CLOSE);
  store<i64>(dst, vol, L.BAR_VOLUME);
  store<i64>(dst, load<i64>(t, L.T_BUY), L.BAR_BUY_VOLUME);
  store<i64>(dst, load<i64>(t, L.T_SELL), L.BAR_SELL_VOLUME);
  store<i64>(dst, load<i64>(t, L.T_CUM), L.BAR_CUM_DELTA);
  store<i64>(dst, load<i64>(t, L.T_CUM_HI), L.BAR_CUM_DELTA_HIGH);
  store<i64>(dst, load<i64>(t, L.T_CUM_LO), L.BAR_CUM_DELTA_LOW);
  store<f64>(dst, load<f64>(t, L.T_PV) / <f64>vol, L.BAR_VWAP);
  store<f64>(dst, load<f64>(t, L.T_VWAP), L.BAR_SESSION_VWAP);
  store<f64>(dst, load<f64>(t, L.T_SIGMA), L.BAR_SESSION_SIGMA);
  store<f64>(dst, rowPrice(st, base + poc), L.BAR_POC);
  store<f64>(dst, rowPrice(st, base + vaHi), L.BAR_VAH);
  store<f64>(dst, rowPrice(st, base + vaLo), L.BAR_VAL);
  store<i64>(dst, vaVolume, L.BAR_VA_VOLUME);
  store<i64>(dst, load<i64>(t, L.T_INFERRED), L.BAR_INFERRED_VOLUME);
  store<u32>(dst, load<i32>(t, L.T_TF_SEC), L.BAR_TIMEFRAME_SEC);
  store<u32>(dst, load<u32>(t, L.T_TRADES), L.BAR_TRADES);
  store<u16>(dst, <u16>min<i32>(buyImbalances, 0xffff), L.BAR_BUY_IMBALANCES);
  store<u16>(dst, <u16>min<i32>(sellImbalances, 0xffff), L.BAR_SELL_IMBALANCES);
  store<u16>(dst, <u16>min<i32>(stackedBuy, 0xffff), L.BAR_STACKED_BUY);
  store<u16>(dst, <u16>min<i32>(stackedSell, 0xffff), L.BAR_STACKED_SELL);
}

/** Appends the footprint rows that traded (low to high) to the footprint ring; returns how many. */
function writeLevels(st: usize, t: usize, grid: usize): i32 {
  const base = load<i32>(st, L.S_GRID_BASE);
  const ring = <usize>load<u32>(st, L.S_FP_PTR);
  const cap = <i64>load<u32>(st, L.S_FP_CAP);
  let w = load<i64>(st, L.S_FP_WRITE);
  const lo = load<i32>(t, L.T_LO) - base;
  const hi = load<i32>(t, L.T_HI) - base;
  let n = 0;
  for (let r = lo; r <= hi; r++) {
    const src = rowPtr(grid, r);
    const v = load<i64>(src, L.ROW_VOLUME);
    if (v == 0) continue;
    const dst = ring + <usize>((w % cap) * L.LEVEL_BYTES);
    store<f64>(dst, rowPrice(st, base + r), L.LEVEL_PRICE);
    store<i64>(dst, load<i64>(src, L.ROW_BID), L.LEVEL_BID);
    store<i64>(dst, load<i64>(src, L.ROW_ASK), L.LEVEL_ASK);
    store<i64>(dst, v, L.LEVEL_VOLUME);
    store<u32>(dst, load<u32>(src, L.ROW_BID_TRADES), L.LEVEL_BID_TRADES);
    store<u32>(dst, load<u32>(src, L.ROW_ASK_TRADES), L.LEVEL_ASK_TRADES);
    w++;
    n++;
  }
  store<i64>(st, w, L.S_FP_WRITE);
  return n;
}

/** Closes the open bar of timeframe i: writes it to its ring when emitted, clears its grid rows. */
export function closeBar(st: usize, i: i32): void {
  const t = tfBlock(st, i);
  const grid = <usize>load<u32>(t, L.T_GRID);
  if (load<i32>(t, L.T_EMIT) != 0) {
    const w = load<i64>(t, L.T_RING_WRITE);
    const entry = <usize>load<u32>(t, L.T_RING) + <usize>((w % <i64>load<u32>(t, L.T_RING_CAP)) * L.RING_ENTRY_BYTES);
    writeBar(st, t, grid, entry);
    const base = load<i32>(st, L.S_GRID_BASE);
    nodes(grid + L.ROW_VOLUME, L.ROW_BYTES, load<i32>(t, L.T_LO) - base, load<i32>(t, L.T_HI) - base,
      load<i32>(st, L.S_HVN_K), load<f64>(st, L.S_HVN_MIN), entry + L.RING_HVN, entry + L.RING_LVN, L.RING_NODES, base, st);
    store<i32>(entry, hvnCount, L.RING_N_HVN);
    store<i32>(entry, lvnCount, L.RING_N_LVN);
    store<i64>(entry, load<i64>(st, L.S_FP_WRITE), L.RING_FP_START);
    const n = load<i32>(st, L.S_EMIT_FOOTPRINT) != 0 ? writeLevels(st, t, grid) : 0;
    store<i32>(entry, n, L.RING_FP_ROWS);
    atomic.store<i64>(t, w + 1, L.T_RING_WRITE);
  }
  const base = load<i32>(st, L.S_GRID_BASE);
  const lo = load<i32>(t, L.T_LO) - base;
  const hi = load<i32>(t, L.T_HI) - base;
  // An empty bar (lo = i32.MAX, hi = i32.MIN) has no rows to clear; hi − lo + 1 would wrap to 2.
  if (hi >= lo) memory.fill(rowPtr(grid, lo), 0, <usize>((hi - lo + 1) * L.ROW_BYTES));
  store<i64>(t, 0, L.T_END_NS);
}

/** Adds the rows lo..hi of grid src into grid dst. */
export function addRows(dst: usize, src: usize, lo: i32, hi: i32): void {
  for (let r = lo; r <= hi; r++) {
    const s = rowPtr(src, r);
    const d = rowPtr(dst, r);
    store<i64>(d, load<i64>(d, L.ROW_BID) + load<i64>(s, L.ROW_BID), L.ROW_BID);
    store<i64>(d, load<i64>(d, L.ROW_ASK) + load<i64>(s, L.ROW_ASK), L.ROW_ASK);
    store<i64>(d, load<i64>(d, L.ROW_VOLUME) + load<i64>(s, L.ROW_VOLUME), L.ROW_VOLUME);
    store<u32>(d, load<u32>(d, L.ROW_BID_TRADES) + load<u32>(s, L.ROW_BID_TRADES), L.ROW_BID_TRADES);
    store<u32>(d, load<u32>(d, L.ROW_ASK_TRADES) + load<u32>(s, L.ROW_ASK_TRADES), L.ROW_ASK_TRADES);
  }
}

/**
 * Merges the scalars of bar block s into bar block d (opening d on s's values when d has no open bar).
 * Folding preserves every definition: extremes take max/min, sums add, close and session values come
 * from the later bar.
 */
export function mergeBar(d: usize, s: usize): void {
  if (load<i64>(d, L.T_END_NS) == 0) {
    const tf = load<i64>(d, L.T_TF_NS);
    const open = load<i64>(s, L.T_TS_OPEN) / tf * tf;
    store<i64>(d, open, L.T_TS_OPEN);
    store<i64>(d, open + tf, L.T_END_NS);
    store<f64>(d, load<f64>(s, L.T_OPEN), L.T_OPEN);
    store<f64>(d, load<f64>(s, L.T_HIGH), L.T_HIGH);
    store<f64>(d, load<f64>(s, L.T_LOW), L.T_LOW);
    store<i64>(d, load<i64>(s, L.T_CUM_HI), L.T_CUM_HI);
    store<i64>(d, load<i64>(s, L.T_CUM_LO), L.T_CUM_LO);
    store<i32>(d, load<i32>(s, L.T_LO), L.T_LO);
    store<i32>(d, load<i32>(s, L.T_HI), L.T_HI);
    store<i64>(d, 0, L.T_VOL);
    store<i64>(d, 0, L.T_BUY);
    store<i64>(d, 0, L.T_SELL);
    store<f64>(d, 0, L.T_PV);
    store<i64>(d, 0, L.T_INFERRED);
    store<u32>(d, 0, L.T_TRADES);
  } else {
    store<f64>(d, max<f64>(load<f64>(d, L.T_HIGH), load<f64>(s, L.T_HIGH)), L.T_HIGH);
    store<f64>(d, min<f64>(load<f64>(d, L.T_LOW), load<f64>(s, L.T_LOW)), L.T_LOW);
    store<i64>(d, max<i64>(load<i64>(d, L.T_CUM_HI), load<i64>(s, L.T_CUM_HI)), L.T_CUM_HI);
    store<i64>(d, min<i64>(load<i64>(d, L.T_CUM_LO), load<i64>(s, L.T_CUM_LO)), L.T_CUM_LO);
    store<i32>(d, min<i32>(load<i32>(d, L.T_LO), load<i32>(s, L.T_LO)), L.T_LO);
    store<i32>(d, max<i32>(load<i32>(d, L.T_HI), load<i32>(s, L.T_HI)), L.T_HI);
  }
  store<f64>(d, load<f64>(s, L.T_CLOSE), L.T_CLOSE);
  store<i64>(d, load<i64>(s, L.T_CUM), L.T_CUM);
  store<f64>(d, load<f64>(s, L.T_VWAP), L.T_VWAP);
  store<f64>(d, load<f64>(s, L.T_SIGMA), L.T_SIGMA);
  store<i64>(d, load<i64>(d, L.T_VOL) + load<i64>(s, L.T_VOL), L.T_VOL);
  store<i64>(d, load<i64>(d, L.T_BUY) + load<i64>(s, L.T_BUY), L.T_BUY);
  store<i64>(d, load<i64>(d, L.T_SELL) + load<i64>(s, L.T_SELL), L.T_SELL);
  store<f64>(d, load<f64>(d, L.T_PV) + load<f64>(s, L.T_PV), L.T_PV);
  store<i64>(d, load<i64>(d, L.T_INFERRED) + load<i64>(s, L.T_INFERRED), L.T_INFERRED);
  store<u32>(d, load<u32>(d, L.T_TRADES) + load<u32>(s, L.T_TRADES), L.T_TRADES);
}

/**
 * Closes the base bar, folds it into every other timeframe, then closes those whose end is at or before
 * `ts` (i64.MAX_VALUE at the end of input).
 */
export function closeThrough(st: usize, ts: i64): void {
  const n = load<i32>(st, L.S_NTF);
  const t0 = tfBlock(st, 0);
  const g0 = <usize>load<u32>(t0, L.T_GRID);
  const base = load<i32>(st, L.S_GRID_BASE);
  if (load<i64>(t0, L.T_END_NS) != 0) {
    stampSessionVwap(st, t0);
    for (let i = 1; i < n; i++) {
      const t = tfBlock(st, i);
      mergeBar(t, t0);
      addRows(<usize>load<u32>(t, L.T_GRID), g0, load<i32>(t0, L.T_LO) - base, load<i32>(t0, L.T_HI) - base);
    }
    closeBar(st, 0);
  }
  for (let i = 1; i < n; i++) {
    const t = tfBlock(st, i);
    const end = load<i64>(t, L.T_END_NS);
    if (end != 0 && ts >= end) closeBar(st, i);
  }
}

/**
 * True when the rings can take every bar that closing through `ts` would emit (replay mode), so a close
 * never has to drop output. Live mode overwrites the oldest bars instead.
 */
export function hasRoom(st: usize, ts: i64): bool {
  if (load<i32>(st, L.S_RING_MODE) != 0) return true;
  const n = load<i32>(st, L.S_NTF);
  const t0 = tfBlock(st, 0);
  const lo0 = load<i32>(t0, L.T_LO);
  const hi0 = load<i32>(t0, L.T_HI);
  const open0 = load<i64>(t0, L.T_END_NS) != 0;
  let levels: i64 = 0;
  for (let i = 0; i < n; i++) {
    const t = tfBlock(st, i);
    if (load<i32>(t, L.T_EMIT) == 0) continue;
    let end = load<i64>(t, L.T_END_NS);
    let lo = load<i32>(t, L.T_LO);
    let hi = load<i32>(t, L.T_HI);
    if (i > 0 && open0) {
      if (end == 0) {
        const tf = load<i64>(t, L.T_TF_NS);
        end = load<i64>(t0, L.T_TS_OPEN) / tf * tf + tf;
        lo = lo0;
        hi = hi0;
      } else {
        lo = min<i32>(lo, lo0);
        hi = max<i32>(hi, hi0);
      }
    }
    if (end == 0 || (i > 0 && ts < end)) continue;
    if (load<i64>(t, L.T_RING_WRITE) - load<i64>(t, L.T_RING_READ) >= <i64>load<u32>(t, L.T_RING_CAP)) return false;
    levels += <i64>(hi - lo + 1);
  }
  if (load<i32>(st, L.S_EMIT_FOOTPRINT) == 0) return true;
  return load<i64>(st, L.S_FP_WRITE) - load<i64>(st, L.S_FP_READ) + levels <= <i64>load<u32>(st, L.S_FP_CAP);
}
