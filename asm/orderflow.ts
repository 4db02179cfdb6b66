// The per-trade hot loop: base-timeframe bar, its footprint grid, session delta, VWAP sums and session
// profile. State for the open bar lives in locals while the loop runs and goes back to the state block
// on exit, so a call costs the trades it reads, not the session behind them.
import * as L from './layout';
import { closeThrough, hasRoom, tfBlock } from './bars';

/**
 * Processes trades from the state's cursor up to `limit` (the committed count the caller read with
 * Atomics). Returns a status; on anything but ST_OK the cursor rests on the trade to retry.
 */
export function process(st: usize, limit: i32): i32 {
  let cursor = load<i32>(st, L.S_CURSOR);
  if (cursor >= limit) return L.ST_OK;
  const tape = <usize>load<u32>(st, L.S_TAPE_PTR);
  const tick = load<f64>(st, L.S_TICK);
  const gbase = load<i32>(st, L.S_GRID_BASE);
  const rows = load<i32>(st, L.S_GRID_ROWS);
  const sgrid = <usize>load<u32>(st, L.S_SESSION_GRID);
  const t0 = tfBlock(st, 0);
  const grid0 = <usize>load<u32>(t0, L.T_GRID);
  const tfNs = load<i64>(t0, L.T_TF_NS);
  const sessionEnd = load<i64>(st, L.S_SESSION_END);

  let end = load<i64>(t0, L.T_END_NS);
  let lastTs = load<i64>(st, L.S_LAST_TS);
  let high = load<f64>(t0, L.T_HIGH);
  let low = load<f64>(t0, L.T_LOW);
  let close = load<f64>(t0, L.T_CLOSE);
  let vol = load<i64>(t0, L.T_VOL);
  let buy = load<i64>(t0, L.T_BUY);
  let sell = load<i64>(t0, L.T_SELL);
  let cumHi = load<i64>(t0, L.T_CUM_HI);
  let cumLo = load<i64>(t0, L.T_CUM_LO);
  let pv = load<f64>(t0, L.T_PV);
  let inferred = load<i64>(t0, L.T_INFERRED);
  let trades = load<u32>(t0, L.T_TRADES);
  let lo = load<i32>(t0, L.T_LO);
  let hi = load<i32>(t0, L.T_HI);
  let cum = load<i64>(st, L.S_CUM_DELTA);
  let sVol = load<i64>(st, L.S_SESS_VOL);
  let sPV = load<f64>(st, L.S_SESS_PV);
  let sP2V = load<f64>(st, L.S_SESS_P2V);
  const anchor = load<f64>(st, L.S_SESS_ANCHOR);
  let sLo = load<i32>(st, L.S_SESS_LO);
  let sHi = load<i32>(st, L.S_SESS_HI);
  let sInf = load<i64>(st, L.S_SESS_INFERRED);
  let sTrades = load<i64>(st, L.S_SESS_TRADES);
  // The next time at which the slow path has work: the open bar's end or the next session start.
  let nextEvent = end != 0 && end < sessionEnd ? end : sessionEnd;
  let status = L.ST_OK;

  while (cursor < limit) {
    const p = tape + <usize>(cursor * L.TRADE_BYTES);
    const ts = load<i64>(p, L.TRADE_TS);
    if (ts < lastTs) {
      status = L.ST_OUT_OF_ORDER;
      break;
    }
    const price = load<f64>(p, L.TRADE_PRICE);
    if (ts >= nextEvent || end == 0) {
      if (end != 0 && ts >= end) {
        flushBar(t0, high, low, close, vol, buy, sell, cum, cumHi, cumLo, pv, inferred, trades, lo, hi);
        flushSession(st, cum, sVol, sPV, sP2V, sLo, sHi, sInf, sTrades);
        if (!hasRoom(st, ts)) {
          status = L.ST_OUTPUT_FULL;
          break;
        }
        closeThrough(st, ts);
        end = 0;
      }
      if (ts >= sessionEnd) {
        status = L.ST_SESSION_ROLL;
        break;
      }
      if (end == 0) {
        const open = ts / tfNs * tfNs;
        end = open + tfNs;
        store<i64>(t0, open, L.T_TS_OPEN);
        store<i64>(t0, end, L.T_END_NS);
        store<f64>(t0, price, L.T_OPEN);
        high = price;
        low = price;
        vol = 0;
        buy = 0;
        sell = 0;
        cumHi = i64.MIN_VALUE;
        cumLo = i64.MAX_VALUE;
        pv = 0;
        inferred = 0;
        trades = 0;
        lo = i32.MAX_VALUE;
        hi = i32.MIN_VALUE;
      }
      nextEvent = end < sessionEnd ? end : sessionEnd;
    }
    const row = <i32>nearest(price / tick);
    const idx = row - gbase;
    if (<u32>idx >= <u32>rows) {
      store<i64>(st, <i64>row, L.S_DETAIL);
      status = L.ST_OUT_OF_GRID;
      break;
    }
    const size32 = load<u32>(p, L.TRADE_SIZE);
    const side = load<u8>(p, L.TRADE_SIDE);
    const size = <i64>size32;
    const sizeF = <f64>size32;
    const rp = grid0 + <usize>(idx * L.ROW_BYTES);
    store<i64>(rp, load<i64>(rp, L.ROW_VOLUME) + size, L.ROW_VOLUME);
    if (side != 0) {
      // Buy lifts the ask (ask volume), sell hits the bid (bid volume).
      const isBuy = side == 1;
      const off = <usize>(isBuy ? L.ROW_ASK : L.ROW_BID);
      store<i64>(rp + off, load<i64>(rp + off) + size);
      const cOff = <usize>(isBuy ? L.ROW_ASK_TRADES : L.ROW_BID_TRADES);
      store<u32>(rp + cOff, load<u32>(rp + cOff) + 1);
      if (isBuy) {
        buy += size;
        cum += size;
      } else {
        sell += size;
        cum -= size;
      }
    }
    const sp = sgrid + <usize>(idx << 3);
    store<i64>(sp, load<i64>(sp) + size);
    high = price > high ? price : high;
    low = price < low ? price : low;
    close = price;
    vol += size;
    cumHi = cum > cumHi ? cum : cumHi;
    cumLo = cum < cumLo ? cum : cumLo;
    pv += price * sizeF;
    const inf = size & -<i64>(load<u8>(p, L.TRADE_FLAGS) & 1);
    inferred += inf;
    sInf += inf;
    trades++;
    lo = row < lo ? row : lo;
    hi = row > hi ? row : hi;
    const dp = price - anchor;
    sPV += dp * sizeF;
    sP2V += dp * dp * sizeF;
    sVol += size;
    sLo = row < sLo ? row : sLo;
    sHi = row > sHi ? row : sHi;
    sTrades++;
    lastTs = ts;
    cursor++;
  }
  if (end != 0) flushBar(t0, high, low, close, vol, buy, sell, cum, cumHi, cumLo, pv, inferred, trades, lo, hi);
  flushSession(st, cum, sVol, sPV, sP2V, sLo, sHi, sInf, sTrades);
  store<i64>(st, load<i64>(st, L.S_TRADES_TOTAL) + <i64>(cursor - load<i32>(st, L.S_CURSOR)), L.S_TRADES_TOTAL);
  store<i32>(st, cursor, L.S_CURSOR);
  store<i64>(st, lastTs, L.S_LAST_TS);
  return status;
}

function flushBar(
  t: usize, high: f64, low: f64, close: f64, vol: i64, buy: i64, sell: i64, cum: i64, cumHi: i64, cumLo: i64,
  pv: f64, inferred: i64, trades: u32, lo: i32, hi: i32,
): void {
  store<f64>(t, high, L.T_HIGH);
  store<f64>(t, low, L.T_LOW);
  store<f64>(t, close, L.T_CLOSE);
  store<i64>(t, vol, L.T_VOL);
  store<i64>(t, buy, L.T_BUY);
  store<i64>(t, sell, L.T_SELL);
  store<i64>(t, cum, L.T_CUM);
  store<i64>(t, cumHi, L.T_CUM_HI);
  store<i64>(t, cumLo, L.T_CUM_LO);
  store<f64>(t, pv, L.T_PV);
  store<i64>(t, inferred, L.T_INFERRED);
  store<u32>(t, trades, L.T_TRADES);
  store<i32>(t, lo, L.T_LO);
  store<i32>(t, hi, L.T_HI);
}

function flushSession(
  st: usize, cum: i64, sVol: i64, sPV: f64, sP2V: f64, sLo: i32, sHi: i32, sInf: i64, sTrades: i64,
): void {
  store<i64>(st, cum, L.S_CUM_DELTA);
  store<i64>(st, sVol, L.S_SESS_VOL);
  store<f64>(st, sPV, L.S_SESS_PV);
  store<f64>(st, sP2V, L.S_SESS_P2V);
  store<i32>(st, sLo, L.S_SESS_LO);
  store<i32>(st, sHi, L.S_SESS_HI);
  store<i64>(st, sInf, L.S_SESS_INFERRED);
  store<i64>(st, sTrades, L.S_SESS_TRADES);
}

/** Closes every open bar at the end of the input. ST_OUTPUT_FULL asks the reader to drain first. */
export function flush(st: usize): i32 {
  if (!hasRoom(st, i64.MAX_VALUE)) return L.ST_OUTPUT_FULL;
  closeThrough(st, i64.MAX_VALUE);
  return L.ST_OK;
}

/**
 * Starts a new session at the trade under the cursor: resets cumulative delta, VWAP sums and the session
 * profile. `startNs`/`endNs` come from the caller's calendar (time zones stay out of the kernel). With no
 * bar open the grids are empty, so they are re-centred on the new session's first price.
 */
export function sessionRoll(st: usize, startNs: i64, endNs: i64): void {
  const tape = <usize>load<u32>(st, L.S_TAPE_PTR);
  const price = load<f64>(tape + <usize>(load<i32>(st, L.S_CURSOR) * L.TRADE_BYTES), L.TRADE_PRICE);
  const sgrid = <usize>load<u32>(st, L.S_SESSION_GRID);
  const gbase = load<i32>(st, L.S_GRID_BASE);
  const sLo = load<i32>(st, L.S_SESS_LO);
  const sHi = load<i32>(st, L.S_SESS_HI);
  if (load<i32>(st, L.S_SESSION_OPEN) != 0 && sHi >= sLo) {
    memory.fill(sgrid + <usize>((sLo - gbase) << 3), 0, <usize>((sHi - sLo + 1) << 3));
  }
  let anyOpen = false;
  const n = load<i32>(st, L.S_NTF);
  for (let i = 0; i < n; i++) anyOpen = anyOpen || load<i64>(tfBlock(st, i), L.T_END_NS) != 0;
  if (!anyOpen) {
    const row = <i32>nearest(price / load<f64>(st, L.S_TICK));
    store<i32>(st, row - (load<i32>(st, L.S_GRID_ROWS) >> 1), L.S_GRID_BASE);
  }
  store<i32>(st, 1, L.S_SESSION_OPEN);
  store<i64>(st, startNs, L.S_SESSION_START);
  store<i64>(st, endNs, L.S_SESSION_END);
  store<i64>(st, 0, L.S_CUM_DELTA);
  store<i64>(st, 0, L.S_SESS_VOL);
  store<f64>(st, 0, L.S_SESS_PV);
  store<f64>(st, 0, L.S_SESS_P2V);
  store<f64>(st, price, L.S_SESS_ANCHOR);
  store<i32>(st, i32.MAX_VALUE, L.S_SESS_LO);
  store<i32>(st, i32.MIN_VALUE, L.S_SESS_HI);
  store<i64>(st, 0, L.S_SESS_INFERRED);
  store<i64>(st, 0, L.S_SESS_TRADES);
}

/**
 * True when block t holds rows: an open bar with at least one trade. A bar opened by a trade that then fell
 * outside the grid is open with the empty range (lo = i32.MAX, hi = i32.MIN): it has nothing to move, and
 * its hi − base would wrap around.
 */
@inline function holdsRows(t: usize): bool {
  return load<i64>(t, L.T_END_NS) != 0 && load<i32>(t, L.T_HI) >= load<i32>(t, L.T_LO);
}

/**
 * Moves every grid so that absolute row `newBase` sits at index 0. The caller picks a base that keeps
 * all occupied rows and the new row inside the grid (returns 0 when that is impossible).
 */
export function recenter(st: usize, newBase: i32): i32 {
  const old = load<i32>(st, L.S_GRID_BASE);
  const rows = load<i32>(st, L.S_GRID_ROWS);
  const n = load<i32>(st, L.S_NTF);
  // Validate every block before moving any, so a refusal leaves the grids untouched.
  for (let i = 0; i < n; i++) {
    const t = tfBlock(st, i);
    if (!holdsRows(t)) continue;
    if (load<i32>(t, L.T_LO) - newBase < 0 || load<i32>(t, L.T_HI) - newBase >= rows) return 0;
  }
  const sLo = load<i32>(st, L.S_SESS_LO);
  const sHi = load<i32>(st, L.S_SESS_HI);
  if (sHi >= sLo && (sLo - newBase < 0 || sHi - newBase >= rows)) return 0;
  for (let i = 0; i < n; i++) {
    const t = tfBlock(st, i);
    if (!holdsRows(t)) continue;
    const lo = load<i32>(t, L.T_LO);
    const g = <usize>load<u32>(t, L.T_GRID);
    const bytes = <usize>((load<i32>(t, L.T_HI) - lo + 1) * L.ROW_BYTES);
    const src = g + <usize>((lo - old) * L.ROW_BYTES);
    const dst = g + <usize>((lo - newBase) * L.ROW_BYTES);
    memory.copy(dst, src, bytes);
    clearOutside(src, bytes, dst);
  }
  if (sHi >= sLo) {
    const g = <usize>load<u32>(st, L.S_SESSION_GRID);
    const bytes = <usize>((sHi - sLo + 1) << 3);
    const src = g + <usize>((sLo - old) << 3);
    const dst = g + <usize>((sLo - newBase) << 3);
    memory.copy(dst, src, bytes);
    clearOutside(src, bytes, dst);
  }
  store<i32>(st, newBase, L.S_GRID_BASE);
  return 1;
}

/** Zeroes the part of the old block [src, src+bytes) that the moved block at dst does not cover. */
function clearOutside(src: usize, bytes: usize, dst: usize): void {
  if (dst >= src + bytes || dst + bytes <= src) memory.fill(src, 0, bytes);
  else if (dst > src) memory.fill(src, 0, dst - src);
  else if (dst < src) memory.fill(dst + bytes, 0, src - dst);
}
