import { ErrorCode, inputError, type MiaError } from '../../common/errors.js';
import { halvesToNumber } from '../../model/time.js';

/** Record types (rtype) the reader decodes. */
export const RType = {
  MBP0: 0x00,
  MBP1: 0x01,
  OHLCV_1S: 0x20,
  OHLCV_1M: 0x21,
  OHLCV_1H: 0x22,
  OHLCV_1D: 0x23,
  OHLCV_EOD: 0x24,
  MBO: 0xa0,
} as const;

/** Byte offsets inside records (record header: length/4 u8, rtype u8, publisher u16, instrument u32, ts_event u64). */
export const Rec = {
  TS_EVENT: 8,
  INSTRUMENT: 4,
  // MBO
  MBO_PRICE: 24,
  MBO_SIZE: 32,
  MBO_ACTION: 38,
  MBO_SIDE: 39,
  MBO_BYTES: 56,
  // MBP-0 (trades) and MBP-1
  MBP_PRICE: 16,
  MBP_SIZE: 24,
  MBP_ACTION: 28,
  MBP_SIDE: 29,
  MBP0_BYTES: 48,
  MBP1_BID_PX: 48,
  MBP1_ASK_PX: 56,
  MBP1_BYTES: 80,
  // OHLCV
  OHLCV_OPEN: 16,
  OHLCV_HIGH: 24,
  OHLCV_LOW: 32,
  OHLCV_CLOSE: 40,
  OHLCV_VOLUME: 48,
  OHLCV_BYTES: 56,
} as const;

/** Minimum length of each decoded record type, to reject truncated records before reading them. */
function minRecordBytes(rtype: number): number {
  if (rtype === RType.MBO) return Rec.MBO_BYTES;
  if (rtype === RType.MBP0) return Rec.MBP0_BYTES;
  if (rtype === RType.MBP1) return Rec.MBP1_BYTES;
  if (rtype >= RType.OHLCV_1S && rtype <= RType.OHLCV_EOD) return Rec.OHLCV_BYTES;
  return 16;
}

/**
 * Length of record `index` at `buf[at]` when `buf[at, end)` holds it whole; -1 when it goes on past `end`
 * (a later chunk completes it, or at the end of the records it is {@link truncatedRecord}). Throws
 * MIA_ERR_BAD_RECORD naming the record when its length is too short for its rtype, before any field is read.
 */
export function recordLength(buf: Uint8Array, at: number, end: number, file: string, index: number): number {
  const len = buf[at]! * 4;
  if (at + len > end || at + 1 === end) return -1;
  const rtype = buf[at + 1]!;
  if (len < minRecordBytes(rtype)) {
    throw inputError(ErrorCode.BAD_RECORD, { file, record: index }, `record length ${len} is too short for rtype 0x${rtype.toString(16)}`);
  }
  return len;
}

/** MIA_ERR_BAD_RECORD for record `index`, which the records end inside of. */
export function truncatedRecord(file: string, index: number): MiaError {
  return inputError(ErrorCode.BAD_RECORD, { file, record: index }, 'record is truncated');
}

/**
 * Walks the records of a decompressed DBN buffer from `offset`, calling `visit(rtype, at, index)`;
 * throws MIA_ERR_BAD_RECORD naming the record when a length is too short or runs past the end.
 */
export function forEachRecord(buf: Uint8Array, offset: number, file: string, visit: (rtype: number, at: number, index: number) => void): number {
  let at = offset;
  let index = 0;
  while (at < buf.length) {
    const len = recordLength(buf, at, buf.length, file, index);
    if (len < 0) throw truncatedRecord(file, index);
    visit(buf[at + 1]!, at, index);
    at += len;
    index++;
  }
  return index;
}

/** Reads an int64 fixed-point price (1e-9 units) as a number without a BigInt; NaN for UNDEF_PRICE. */
export function readPrice(v: DataView, at: number): number {
  const lo = v.getUint32(at, true);
  const hi = v.getInt32(at + 4, true);
  if (hi === 0x7fffffff && lo === 0xffffffff) return Number.NaN;
  return halvesToNumber(hi, lo) / 1e9;
}
