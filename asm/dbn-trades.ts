// Databento DBN trade records straight onto the tape: the reader's hot loop (src/data/dbn/dbn-trade-reader.ts)
// in the kernels' language, reading the records where the file's bytes were read into the shared memory and
// writing Trade structs where the kernels read them (one copy). It takes only what the reader would take
// without a second look (a whole record of a trade type, action T, of the instrument taken, price in the
// plausible range, size above 0, time in range and not before the last) and ignores only what the reader
// ignores (other records, other instruments' trades under DBN_ONE). Anything else stops it on that record,
// which the reader then handles with its own checks (error, skip, a choice of instrument), so the
// hostile-input rules and their messages stay in one place. Record offsets: src/data/dbn/records.ts.
import * as L from './layout';

const RTYPE_MBP1: u32 = 0x01;
const RTYPE_OHLCV_1S: u32 = 0x20;
const RTYPE_OHLCV_EOD: u32 = 0x24;
const RTYPE_MBO: u32 = 0xa0;
const ACTION_TRADE: u32 = 0x54; // 'T'
const SIDE_BID: u32 = 0x42; // 'B': the buyer was the aggressor
const SIDE_ASK: u32 = 0x41; // 'A': the seller was
const UNDEF_PRICE: i64 = 0x7fffffffffffffff;
// 2100-01-01T00:00:00Z in ns, the end (exclusive) of src/data/trade-time-range.ts; the range starts at 0.
const TIME_END: u64 = 4_102_444_800_000_000_000;

/**
 * Decodes the records at `buf + at` up to `buf + end` onto the tape, as set out in the block at `block`
 * (DB_* fields, written back on return). Returns the offset of the first record not passed; DB_STOP says why.
 */
export function dbnTrades(block: usize, buf: usize, at: u32, end: u32): u32 {
  // Few live values (pointers rather than indices, `records` derived at the end): V8 spilled a dozen to the stack.
  let lastTs = load<u64>(block, L.DB_LAST_TS);
  const instrument = load<i64>(block, L.DB_INSTRUMENT);
  const mode = load<i32>(block, L.DB_MODE);
  const anyInstrument = mode == L.DBN_ANY;
  const ignoreOthers = mode == L.DBN_ONE && instrument >= 0;
  const min = load<f64>(block, L.DB_PRICE_MIN);
  const max = load<f64>(block, L.DB_PRICE_MAX);
  const sidedFlags = <u8>load<i32>(block, L.DB_SIDED_FLAGS);
  const tape = <usize>load<u32>(block, L.DB_TAPE);
  const count0 = load<u32>(block, L.DB_COUNT);
  let t = tape + <usize>count0 * L.TRADE_BYTES; // the next Trade struct
  const tEnd = tape + <usize>load<u32>(block, L.DB_CAPACITY) * L.TRADE_BYTES;
  let p = buf + <usize>at;
  const pEnd = buf + <usize>end;
  let ignored: u32 = 0;
  let stop = L.DBN_STOP_MORE;
  if (t >= tEnd) stop = L.DBN_STOP_FULL;
  else while (p < pEnd) {
    const len = <usize>load<u8>(p) << 2;
    if (p + len > pEnd || p + 1 == pEnd) break; // the next chunk completes it, or it is truncated
    const rtype = <u32>load<u8>(p, 1);
    // Price (i64, 1e-9 units) and size (u32) at `fields`, action and side bytes at `flags`; a record shorter
    // than its type (records.ts minRecordBytes) is the reader's error.
    let fields: usize;
    let flags: usize;
    if (rtype == RTYPE_MBO) {
      if (len < 56) {
        stop = L.DBN_STOP_RECORD;
        break;
      }
      fields = p + 24;
      flags = p + 38;
    } else if (rtype <= RTYPE_MBP1) { // MBP-0 (0x00) or MBP-1
      if (len < (rtype == RTYPE_MBP1 ? <usize>80 : <usize>48)) {
        stop = L.DBN_STOP_RECORD;
        break;
      }
      fields = p + 16;
      flags = p + 28;
    } else {
      if (len < (rtype >= RTYPE_OHLCV_1S && rtype <= RTYPE_OHLCV_EOD ? <usize>56 : <usize>16)) {
        stop = L.DBN_STOP_RECORD;
        break;
      }
      ignored++;
      p += len;
      continue;
    }
    if (<u32>load<u8>(flags) != ACTION_TRADE) {
      ignored++;
      p += len;
      continue;
    }
    if (<i64>load<u32>(p, 4) != instrument && !anyInstrument) {
      if (ignoreOthers) {
        ignored++;
        p += len;
        continue;
      }
      stop = L.DBN_STOP_RECORD;
      break;
    }
    const raw = load<i64>(fields);
    const price = raw == UNDEF_PRICE ? NaN : <f64>raw / 1e9;
    const size = load<u32>(fields, 8);
    const ts = load<u64>(p, 8);
    if (!(price >= min && price <= max) || size == 0 || ts >= TIME_END || ts < lastTs) {
      stop = L.DBN_STOP_RECORD;
      break;
    }
    const side = <u32>load<u8>(flags, 1);
    // Branch-free: the aggressor alternates from trade to trade, so a branch on it mispredicts half the time.
    const code = <u8>(<u32>(side == SIDE_BID) | (<u32>(side == SIDE_ASK) << 1));
    store<u64>(t, ts, L.TRADE_TS);
    store<f64>(t, price, L.TRADE_PRICE);
    store<u32>(t, size, L.TRADE_SIZE);
    store<u8>(t, code, L.TRADE_SIDE);
    store<u8>(t, select<u8>(sidedFlags, 0, code != 0), L.TRADE_FLAGS);
    lastTs = ts;
    t += L.TRADE_BYTES;
    p += len;
    if (t >= tEnd) {
      // Right after the trade that fills it, as a reader's batch is handed on right after its last trade.
      stop = L.DBN_STOP_FULL;
      break;
    }
  }
  const taken = <u32>((t - tape) / L.TRADE_BYTES) - count0;
  store<u64>(block, lastTs, L.DB_LAST_TS);
  store<u32>(block, count0 + taken, L.DB_COUNT);
  store<u32>(block, ignored + taken, L.DB_RECORDS);
  store<u32>(block, ignored, L.DB_IGNORED);
  store<i32>(block, stop, L.DB_STOP);
  return <u32>(p - buf);
}
