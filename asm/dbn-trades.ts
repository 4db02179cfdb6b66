// Databento DBN trade records straight onto the tape: the reader's hot loop (src/data/dbn/dbn-trade-reader.ts)
// in the kernels' language, reading the records where the file's bytes were read into the shared memory and
// writing Trade structs where the kernels read them (one copy). It takes only what the reader would take
// without a second look (a whole record of a trade type, action T, of the instrument taken, price in the
// plausible range, size above 0, time in range and not before the last) and ignores only what the reader
// ignores (other records, other instruments' trades under DBN_ONE). Anything else stops it on that record,
// which the reader then handles with its own checks (error, skip, a choice of instrument), so the
// hostile-input rules and their messages stay in one place. Record offsets: src/data/dbn/records.ts.
import * as L from './layout';

const RTYPE_MBP0: u32 = 0x00;
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

/** Shortest record of each type (records.ts minRecordBytes): a shorter one is the reader's error. */
// @ts-ignore: decorator
@inline function minRecordBytes(rtype: u32): u32 {
  if (rtype == RTYPE_MBO) return 56;
  if (rtype == RTYPE_MBP0) return 48;
  if (rtype == RTYPE_MBP1) return 80;
  if (rtype >= RTYPE_OHLCV_1S && rtype <= RTYPE_OHLCV_EOD) return 56;
  return 16;
}

/**
 * Decodes the records at `buf + at` up to `buf + end` onto the tape, as set out in the block at `block`
 * (DB_* fields, written back on return). Returns the offset of the first record not passed; DB_STOP says why.
 */
export function dbnTrades(block: usize, buf: usize, at: u32, end: u32): u32 {
  let lastTs = load<u64>(block, L.DB_LAST_TS);
  const instrument = load<i64>(block, L.DB_INSTRUMENT);
  const mode = load<i32>(block, L.DB_MODE);
  const min = load<f64>(block, L.DB_PRICE_MIN);
  const max = load<f64>(block, L.DB_PRICE_MAX);
  const sidedFlags = <u8>load<i32>(block, L.DB_SIDED_FLAGS);
  const tape = <usize>load<u32>(block, L.DB_TAPE);
  let count = load<u32>(block, L.DB_COUNT);
  const capacity = load<u32>(block, L.DB_CAPACITY);
  let records: u32 = 0;
  let ignored: u32 = 0;
  let stop = count >= capacity ? L.DBN_STOP_FULL : L.DBN_STOP_MORE;
  while (at < end && stop == L.DBN_STOP_MORE) {
    const p = buf + <usize>at;
    const len = <u32>load<u8>(p) << 2;
    if (at + len > end || at + 1 == end) break; // the next chunk completes it, or it is truncated
    const rtype = <u32>load<u8>(p, 1);
    if (len < minRecordBytes(rtype)) {
      stop = L.DBN_STOP_RECORD;
      break;
    }
    // Price (i64, 1e-9 units) and size (u32) at `fields`, action and side bytes at `flags`.
    let fields: usize = 0;
    let flags: usize = 0;
    if (rtype == RTYPE_MBO) {
      fields = p + 24;
      flags = p + 38;
    } else if (rtype == RTYPE_MBP0 || rtype == RTYPE_MBP1) {
      fields = p + 16;
      flags = p + 28;
    }
    if (fields == 0 || <u32>load<u8>(flags) != ACTION_TRADE) {
      ignored++;
      records++;
      at += len;
      continue;
    }
    const id = <i64>load<u32>(p, 4);
    if (id != instrument && mode != L.DBN_ANY) {
      if (mode == L.DBN_ONE && instrument >= 0) {
        ignored++;
        records++;
        at += len;
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
    const t = tape + <usize>count * L.TRADE_BYTES;
    store<u64>(t, ts, L.TRADE_TS);
    store<f64>(t, price, L.TRADE_PRICE);
    store<u32>(t, size, L.TRADE_SIZE);
    store<u8>(t, code, L.TRADE_SIDE);
    store<u8>(t, select<u8>(sidedFlags, 0, code != 0), L.TRADE_FLAGS);
    lastTs = ts;
    count++;
    records++;
    at += len;
    if (count >= capacity) {
      // Right after the trade that fills it, as a reader's batch is handed on right after its last trade.
      stop = L.DBN_STOP_FULL;
      break;
    }
  }
  store<u64>(block, lastTs, L.DB_LAST_TS);
  store<u32>(block, count, L.DB_COUNT);
  store<u32>(block, records, L.DB_RECORDS);
  store<u32>(block, ignored, L.DB_IGNORED);
  store<i32>(block, stop, L.DB_STOP);
  return at;
}
