// The live view: the session profile and, per timeframe, the bar in progress (the timeframe's folded
// base bars merged with the open base bar). Costs the rows of the open bars, not the trades behind them.
import * as L from './layout';
import { addRows, mergeBar, stampSessionVwap, tfBlock, writeBar } from './bars';
import { nodes, hvnCount, lvnCount, profileTotal, profileTotalAndPoc, valueArea, vaHi, vaLo, vaVolume } from './volume-profile';
import { rowPrice } from './price-rows';

const TEMP_BLOCK: i32 = L.S_TF + L.MAX_TF * L.TF_BYTES;

/** Writes the session block and one Bar per timeframe (ts_open 0 when none is in progress) to out. */
export function snapshot(st: usize, out: usize): void {
  writeSession(st, out + L.SNAP_SESSION);
  const n = load<i32>(st, L.S_NTF);
  const t0 = tfBlock(st, 0);
  const open0 = load<i64>(t0, L.T_END_NS) != 0;
  if (open0) stampSessionVwap(st, t0);
  const gbase = load<i32>(st, L.S_GRID_BASE);
  const scratch = <usize>load<u32>(st, L.S_SCRATCH);
  const grid0 = <usize>load<u32>(t0, L.T_GRID);
  for (let i = 0; i < n; i++) {
    const dst = out + <usize>(L.SNAP_BARS + i * L.BAR_BYTES);
    const t = tfBlock(st, i);
    const openI = load<i64>(t, L.T_END_NS) != 0;
    if (i == 0 || !open0) {
      if (openI) writeBar(st, t, <usize>load<u32>(t, L.T_GRID), dst);
      else store<i64>(dst, 0, L.BAR_TS_OPEN);
      continue;
    }
    const tmp = st + <usize>TEMP_BLOCK;
    memory.copy(tmp, t, <usize>L.TF_BYTES);
    mergeBar(tmp, t0);
    const lo = load<i32>(tmp, L.T_LO) - gbase;
    const hi = load<i32>(tmp, L.T_HI) - gbase;
    // The scratch grid is all zeros: the timeframe's rows go in whole (every byte of a row is a field), a copy
    // instead of a row-by-row sum onto zero; the open base bar's rows are then added.
    if (openI) {
      const loI = load<i32>(t, L.T_LO) - gbase;
      const rows = load<i32>(t, L.T_HI) - gbase - loI + 1;
      const at = <usize>(loI * L.ROW_BYTES);
      if (rows > 0) memory.copy(scratch + at, <usize>load<u32>(t, L.T_GRID) + at, <usize>(rows * L.ROW_BYTES));
    }
    addRows(scratch, grid0, load<i32>(t0, L.T_LO) - gbase, load<i32>(t0, L.T_HI) - gbase);
    writeBar(st, tmp, scratch, dst);
    memory.fill(scratch + <usize>(lo * L.ROW_BYTES), 0, <usize>((hi - lo + 1) * L.ROW_BYTES));
  }
}

function writeSession(st: usize, out: usize): void {
  const vol = load<i64>(st, L.S_SESS_VOL);
  store<i64>(out, vol, L.SP_TOTAL);
  store<i64>(out, load<i64>(st, L.S_CUM_DELTA), L.SP_CUM_DELTA);
  store<i64>(out, load<i64>(st, L.S_SESS_INFERRED), L.SP_INFERRED);
  store<i32>(out, 0, L.SP_N_HVN);
  store<i32>(out, 0, L.SP_N_LVN);
  if (vol == 0) return;
  const v = <f64>vol;
  const m = load<f64>(st, L.S_SESS_PV) / v;
  const varc = load<f64>(st, L.S_SESS_P2V) / v - m * m;
  store<f64>(out, load<f64>(st, L.S_SESS_ANCHOR) + m, L.SP_VWAP);
  store<f64>(out, Math.sqrt(varc > 0 ? varc : 0), L.SP_SIGMA);
  const gbase = load<i32>(st, L.S_GRID_BASE);
  const g = <usize>load<u32>(st, L.S_SESSION_GRID);
  const lo = load<i32>(st, L.S_SESS_LO) - gbase;
  const hi = load<i32>(st, L.S_SESS_HI) - gbase;
  const poc = profileTotalAndPoc(g, 8, lo, hi);
  valueArea(g, 8, lo, hi, poc, profileTotal, load<f64>(st, L.S_VA_SHARE), load<i32>(st, L.S_VA_METHOD));
  store<f64>(out, rowPrice(st, gbase + poc), L.SP_POC);
  store<f64>(out, rowPrice(st, gbase + vaHi), L.SP_VAH);
  store<f64>(out, rowPrice(st, gbase + vaLo), L.SP_VAL);
  store<i64>(out, vaVolume, L.SP_VA_VOLUME);
  nodes(g, 8, lo, hi, load<i32>(st, L.S_HVN_K), load<f64>(st, L.S_HVN_MIN),
    out + L.SP_HVN, out + L.SP_LVN, L.MAX_NODES, gbase, st);
  store<i32>(out, hvnCount, L.SP_N_HVN);
  store<i32>(out, lvnCount, L.SP_N_LVN);
}

/**
 * Copies n bytes from src to dst: the content hash stages the snapshots' and bars' bytes with it
 * (src/engine/content-hash.ts), a call into the kernels costing less than a typed-array copy from JavaScript.
 */
export function copyBytes(dst: usize, src: usize, n: usize): void {
  memory.copy(dst, src, n);
}
