// Volume profile over a run of rows: point of control and value area (docs/features.md "Volume profile").
// Rows are read in place through (ptr, stride): ptr addresses the i64 volume of grid index 0, so the same
// code serves footprint grids (32-byte rows) and the session grid (8-byte rows).
import { rowPrice } from './price-rows';

/** Value-area result of the last valueArea call: lowest and highest grid index, accumulated volume. */
export let vaLo: i32 = 0;
export let vaHi: i32 = 0;
export let vaVolume: i64 = 0;

@inline function vol(ptr: usize, stride: i32, r: i32): i64 {
  return load<i64>(ptr + <usize>(r * stride));
}

/** Σ volume of grid indices lo..hi. */
export function totalVolume(ptr: usize, stride: i32, lo: i32, hi: i32): i64 {
  let t: i64 = 0;
  for (let r = lo; r <= hi; r++) t += vol(ptr, stride, r);
  return t;
}

/**
 * Index of the row with the most volume. Ties go to the row nearest the middle of lo..hi, then the lower
 * row: scanning upward and replacing only on a strictly smaller distance keeps the lower of equals.
 */
export function pointOfControl(ptr: usize, stride: i32, lo: i32, hi: i32): i32 {
  const mid2 = lo + hi; // twice the middle, so distances stay integers
  let best = lo;
  let bestV = vol(ptr, stride, lo);
  let bestD = abs<i32>(2 * lo - mid2);
  for (let r = lo + 1; r <= hi; r++) {
    const v = vol(ptr, stride, r);
    const d = abs<i32>(2 * r - mid2);
    if (v > bestV || (v == bestV && d < bestD)) {
      best = r;
      bestV = v;
      bestD = d;
    }
  }
  return best;
}

/**
 * Grows the value area from the POC until it holds `share` of `total` (cbot2: pairs of rows, greedy1:
 * single rows; the larger side wins, ties go up, an exhausted side yields to the other). Results in
 * vaLo, vaHi, vaVolume.
 */
export function valueArea(ptr: usize, stride: i32, lo: i32, hi: i32, poc: i32, total: i64, share: f64, method: i32): void {
  const target = share * <f64>total;
  const step = method == 0 ? 2 : 1;
  let a = poc;
  let b = poc;
  let acc = vol(ptr, stride, poc);
  while (<f64>acc < target) {
    const upOpen = b < hi;
    const downOpen = a > lo;
    if (!upOpen && !downOpen) break;
    let up: i64 = 0;
    let down: i64 = 0;
    for (let k = 1; k <= step; k++) {
      if (b + k <= hi) up += vol(ptr, stride, b + k);
      if (a - k >= lo) down += vol(ptr, stride, a - k);
    }
    if (upOpen && (!downOpen || up >= down)) {
      acc += up;
      b = min<i32>(b + step, hi);
    } else {
      acc += down;
      a = max<i32>(a - step, lo);
    }
  }
  vaLo = a;
  vaHi = b;
  vaVolume = acc;
}

/** Smoothed volume at r: centred mean over r−k..r+k, rows outside lo..hi left out. */
function smoothed(ptr: usize, stride: i32, lo: i32, hi: i32, r: i32, k: i32): f64 {
  const a = max<i32>(lo, r - k);
  const b = min<i32>(hi, r + k);
  let s: i64 = 0;
  for (let i = a; i <= b; i++) s += vol(ptr, stride, i);
  return <f64>s / <f64>(b - a + 1);
}

/** Number of HVN and LVN rows found by the last nodes call; their grid indices are written to the outputs. */
export let hvnCount: i32 = 0;
export let lvnCount: i32 = 0;

/**
 * High and low volume nodes of the smoothed profile (docs/features.md): HVN rows rise from below, do not
 * fall above and reach minShare of the smoothed maximum; LVN rows are interior troughs. Writes at most
 * maxNodes grid indices (as f64 prices of row base + index, in the tick of the state block at st) to each output.
 */
export function nodes(
  ptr: usize, stride: i32, lo: i32, hi: i32, k: i32, minShare: f64,
  hvnOut: usize, lvnOut: usize, maxNodes: i32, rowBase: i32, st: usize,
): void {
  hvnCount = 0;
  lvnCount = 0;
  if (hi - lo < 2) return;
  let peak: f64 = 0;
  for (let r = lo; r <= hi; r++) peak = max<f64>(peak, smoothed(ptr, stride, lo, hi, r, k));
  let prev = smoothed(ptr, stride, lo, hi, lo, k);
  let cur = smoothed(ptr, stride, lo, hi, lo + 1, k);
  for (let r = lo + 1; r < hi; r++) {
    const next = smoothed(ptr, stride, lo, hi, r + 1, k);
    const price = rowPrice(st, rowBase + r);
    if (cur > prev && cur >= next && cur >= minShare * peak && hvnCount < maxNodes) {
      store<f64>(hvnOut + <usize>(hvnCount << 3), price);
      hvnCount++;
    }
    if (cur < prev && cur <= next && lvnCount < maxNodes) {
      store<f64>(lvnOut + <usize>(lvnCount << 3), price);
      lvnCount++;
    }
    prev = cur;
    cur = next;
  }
}
