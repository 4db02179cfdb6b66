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

/** Σ volume of lo..hi from the last profileTotalAndPoc call. */
export let profileTotal: i64 = 0;

/**
 * Index of the row with the most volume, and Σ volume of lo..hi in profileTotal (one pass over the rows: the
 * session profile is read at every snapshot). Ties go to the row nearest the middle of lo..hi, then the lower
 * row: scanning upward and replacing only on a strictly smaller distance keeps the lower of equals.
 */
export function profileTotalAndPoc(ptr: usize, stride: i32, lo: i32, hi: i32): i32 {
  const mid2 = lo + hi;
  let best = lo;
  let bestV = vol(ptr, stride, lo);
  let bestD = abs<i32>(2 * lo - mid2);
  let t = bestV;
  for (let r = lo + 1; r <= hi; r++) {
    const v = vol(ptr, stride, r);
    t += v;
    const d = abs<i32>(2 * r - mid2);
    if (v > bestV || (v == bestV && d < bestD)) {
      best = r;
      bestV = v;
      bestD = d;
    }
  }
  profileTotal = t;
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
  // A half-width outside 0 … rows: each row's window summed afresh, as the definition reads.
  if (k < 0 || k > hi - lo) {
    nodesScanned(ptr, stride, lo, hi, k, minShare, hvnOut, lvnOut, maxNodes, rowBase, st);
    return;
  }
  // The smoothed rows in order, each window's sum slid from the previous one (an exact integer sum: the same
  // mean as smoothed() summing the window afresh, at one add and one subtract a row). Rows whose windows hold
  // as many rows (all but k at each end) compare by their sums, without the division: with sums in
  // 0 … 2^52 the means of different sums differ by more than a double's spacing, so they order alike.
  const full = 2 * k + 1;
  let peak: f64 = 0;
  let fullMax: i64 = -1;
  let sMin: i64 = 0;
  let sMax: i64 = 0;
  let s = windowSum(ptr, stride, lo, hi, k);
  for (let r = lo; r <= hi; r++) {
    const c = min<i32>(hi, r + k) - max<i32>(lo, r - k) + 1;
    if (c == full) fullMax = max<i64>(fullMax, s);
    else peak = max<f64>(peak, <f64>s / <f64>c);
    sMin = min<i64>(sMin, s);
    sMax = max<i64>(sMax, s);
    s = slide(ptr, stride, lo, hi, r, k, s);
  }
  if (sMin < 0 || sMax >= EXACT_SUMS) {
    nodesScanned(ptr, stride, lo, hi, k, minShare, hvnOut, lvnOut, maxNodes, rowBase, st);
    return;
  }
  // The mean is monotone in the sum: the largest full window's mean is the largest sum's.
  if (fullMax >= 0) peak = max<f64>(peak, <f64>fullMax / <f64>full);
  const floor = minShare * peak;
  s = windowSum(ptr, stride, lo, hi, k);
  let prevS = s;
  let prevC = min<i32>(hi, lo + k) - lo + 1;
  s = slide(ptr, stride, lo, hi, lo, k, s);
  let curS = s;
  let curC = min<i32>(hi, lo + 1 + k) - max<i32>(lo, lo + 1 - k) + 1;
  s = slide(ptr, stride, lo, hi, lo + 1, k, s);
  for (let r = lo + 1; r < hi; r++) {
    const n = r + 1;
    const nextS = s;
    const nextC = min<i32>(hi, n + k) - max<i32>(lo, n - k) + 1;
    s = slide(ptr, stride, lo, hi, n, k, s);
    const vsPrev = order(curS, curC, prevS, prevC);
    const vsNext = order(curS, curC, nextS, nextC);
    if (vsPrev > 0 && vsNext >= 0 && hvnCount < maxNodes && <f64>curS / <f64>curC >= floor) {
      store<f64>(hvnOut + <usize>(hvnCount << 3), rowPrice(st, rowBase + r));
      hvnCount++;
    }
    if (vsPrev < 0 && vsNext <= 0 && lvnCount < maxNodes) {
      store<f64>(lvnOut + <usize>(lvnCount << 3), rowPrice(st, rowBase + r));
      lvnCount++;
    }
    prevS = curS;
    prevC = curC;
    curS = nextS;
    curC = nextC;
  }
}

/** Window sums below this order like their means over windows of one size (see nodes). */
const EXACT_SUMS: i64 = 1 << 52;

/** Sign of mean a − mean b (sums over windows of ca and cb rows; sums in 0 … 2^52). */
@inline function order(sa: i64, ca: i32, sb: i64, cb: i32): i32 {
  if (ca == cb) return sa > sb ? 1 : sa < sb ? -1 : 0;
  const a = <f64>sa / <f64>ca;
  const b = <f64>sb / <f64>cb;
  return a > b ? 1 : a < b ? -1 : 0;
}

/** Σ volume of row lo's window, lo … min(hi, lo + k). */
@inline function windowSum(ptr: usize, stride: i32, lo: i32, hi: i32, k: i32): i64 {
  let s: i64 = 0;
  const b = min<i32>(hi, lo + k);
  for (let i = lo; i <= b; i++) s += vol(ptr, stride, i);
  return s;
}

/** The window sum of row r + 1 from row r's: the row entering above added, the row leaving below taken out. */
@inline function slide(ptr: usize, stride: i32, lo: i32, hi: i32, r: i32, k: i32, s: i64): i64 {
  if (r + 1 + k <= hi) s += vol(ptr, stride, r + 1 + k);
  if (r - k >= lo) s -= vol(ptr, stride, r - k);
  return s;
}

/** nodes() by the definition: every row's window summed afresh (for half-widths outside 0 … rows). */
function nodesScanned(
  ptr: usize, stride: i32, lo: i32, hi: i32, k: i32, minShare: f64,
  hvnOut: usize, lvnOut: usize, maxNodes: i32, rowBase: i32, st: usize,
): void {
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
