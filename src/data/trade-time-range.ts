import { splitNs } from '../model/time.js';

/**
 * The range of trade times a file may hold (docs/hostile-input.md): the epoch, 1970-01-01T00:00:00Z
 * (inclusive), to 2100-01-01T00:00:00Z (exclusive), in ns. A time near 2^63 ns hung the kernels (their bar and
 * session arithmetic overflows), one of 2^64 ns or more wrapped to 1970, and an ISO time before 1970 is
 * negative; anything outside is MIA_ERR_TIMESTAMP_OUT_OF_RANGE, before a kernel sees it. The range starts at
 * the epoch rather than at the first electronic trade because synthetic files (the tests') count from it.
 */
export const TRADE_TIME_MIN_NS = 0n;
/** End (exclusive) of {@link TRADE_TIME_MIN_NS}'s range: 2100-01-01T00:00:00Z. */
export const TRADE_TIME_END_NS = 4_102_444_800_000_000_000n;

const [MIN_HI, MIN_LO] = splitNs(TRADE_TIME_MIN_NS);
const [END_HI, END_LO] = splitNs(TRADE_TIME_END_NS);

/** True when the time of u32 halves (hi, lo) is inside the range: two compares, no BigInt (the readers' hot path). */
export function tradeTimeInRange(hi: number, lo: number): boolean {
  return (hi > MIN_HI || (hi === MIN_HI && lo >= MIN_LO)) && (hi < END_HI || (hi === END_HI && lo < END_LO));
}

/** True when `ns` is inside the range. */
export function tradeTimeNsInRange(ns: bigint): boolean {
  return ns >= TRADE_TIME_MIN_NS && ns < TRADE_TIME_END_NS;
}

/** The reason of an out-of-range error, naming the range. */
export const TIME_RANGE_TEXT = 'outside the accepted range 1970-01-01T00:00:00Z (the epoch) to 2100-01-01T00:00:00Z';
