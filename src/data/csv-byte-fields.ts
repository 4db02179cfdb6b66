import { Side } from '../model/side.js';
import { TWO32 } from '../model/time.js';

/**
 * Token parsers of the CSV reader's byte path. Each reads the field that starts at `p`, stops at the first
 * byte that cannot continue its token (setting `Token.q`), and gives exactly what the text parser of
 * csv-fields.ts gives for that field, or "not handled here" (-1, NaN, false). The caller checks that the
 * token ends at a field end: a token followed by anything else (white space, an exponent, a sign) is for
 * the text path, which owns every such case and every error message.
 *
 * Digits accumulate in int32 runs of up to nine: a chain of float multiply-adds costs ~4 times as much per
 * digit, and a 19-digit timestamp is most of a row.
 */

const ZERO = 0x30;
const DOT = 0x2e;

/** 10^d for d ≤ 22: every one is an exact double (5^22 < 2^53), built by exact products; equal to `10 ** d`. */
export const POW10: readonly number[] = (() => {
  const p = [1];
  for (let d = 1; d <= 22; d++) p.push(p[d - 1]! * 10);
  return p;
})();

/** Where a token parser stopped (the first byte after its token), and a timestamp's two 32-bit halves. */
export class Token {
  /** First byte after the token. */
  q = 0;
  /** High 32 bits of a timestamp in ns. */
  hi = 0;
  /** Low 32 bits of a timestamp in ns. */
  lo = 0;
}

/**
 * `a * m + b` into `t.hi` / `t.lo`, for integers a < 2^53, m < 2^34, b < 2^34 with a * m < 2^80; false when
 * the result needs more than 64 bits. The low half is exact in 32-bit arithmetic (Math.imul multiplies
 * the operands modulo 2^32). The double `a * m + b - lo` is off by less than 2^30 (three roundings below
 * 2^80), so rounding it to a multiple of 2^32 gives the exact high half: no BigInt, no float modulo.
 */
function mulAdd(a: number, m: number, b: number, t: Token): boolean {
  const lo = (Math.imul(a, m) + b) >>> 0;
  const hi = Math.round((a * m + b - lo) / TWO32);
  if (hi >= TWO32) return false;
  t.hi = hi;
  t.lo = lo;
  return true;
}

/**
 * An all-digit timestamp as `parseTimestampNs` reads it (ns ≥ 1e17, ms ≥ 1e11, else s), without a BigInt.
 * Handled: 18–19 digits after leading zeros (ns), 12–13 (ms), up to 11 (s) while the ns value fits in 64
 * bits; false for other magnitudes (the text path keeps their exact BigInt arithmetic) and no digits.
 */
export function timestampAt(buf: Uint8Array, p: number, end: number, t: Token): boolean {
  let i = p;
  while (i < end && buf[i] === ZERO) i++; // leading zeros: digits of no weight
  let first = 0; // the first run of nine digits, then the second
  let second = 0;
  let runs = 0;
  let cur = 0;
  let n = 0; // digits in cur
  for (; i < end; i++) {
    const d = buf[i]! - ZERO;
    if (d >>> 0 > 9) break;
    if (n === 9) {
      if (runs === 0) first = cur;
      else if (runs === 1) second = cur;
      else {
        t.q = i;
        return false; // more than 27 digits
      }
      runs++;
      cur = 0;
      n = 0;
    }
    cur = (cur * 10 + d) | 0;
    n++;
  }
  t.q = i;
  if (i === p) return false;
  if (runs === 0) return mulAdd(cur, 1e9, 0, t); // below 1e9: seconds
  if (runs === 1 && n <= 4) { // 10–13 digits: seconds or milliseconds, exact as one double
    const v = first * POW10[n]! + cur;
    return v >= 1e11 ? mulAdd(v, 1e6, 0, t) : mulAdd(v, 1e9, 0, t);
  }
  if (runs === 1 && n === 9) return mulAdd(first, 1e9, cur, t); // 18 digits: ns
  if (runs === 2 && n === 1) return mulAdd(first, 1e10, second * 10 + cur, t); // 19 digits: ns
  return false;
}

/** 1e11 mod 2^32, as Math.imul takes it: X * 1e11 modulo 2^32 is `Math.imul(X, E11_LOW)`. */
const E11_LOW = 1e11 % 4294967296;

/** The four ASCII digits at `view[i]` as a number, or -1 when one is not a digit (SWAR on one little-endian u32). */
function digits4(view: DataView, i: number): number {
  const v = view.getUint32(i, true);
  // Every byte 0x30–0x39: high nibble 3, and still 3 after adding 6 (0x3a–0x3f become 0x40–0x45).
  if ((v & 0xf0f0f0f0) !== 0x30303030 || ((v + 0x06060606) & 0xf0f0f0f0) !== 0x30303030) return -1;
  let x = v & 0x0f0f0f0f; // byte k holds digit k (the first digit in the low byte)
  x = (x * 10 + (x >>> 8)) & 0x00ff00ff; // pairs: d0d1 in the low half, d2d3 in the high half
  return (x * 100 + (x >>> 16)) & 0xffff;
}

/**
 * The common timestamp form, a 19-digit ns time without leading zero, read four digits at a time through
 * `view` (over the bytes of `buf`), into `t.hi` / `t.lo` with `t.q` after it; false for any other token,
 * which {@link timestampAt} reads (same result: both are the exact 64-bit value). `buf[p + 19]` must be a
 * byte read (the caller checks that the field's end is).
 */
export function ns19At(view: DataView, buf: Uint8Array, p: number, t: Token): boolean {
  if (buf[p] === ZERO) return false;
  const a = digits4(view, p);
  const b = digits4(view, p + 4);
  const c = digits4(view, p + 8);
  const d = digits4(view, p + 12);
  const d16 = buf[p + 16]! - ZERO;
  const d17 = buf[p + 17]! - ZERO;
  const d18 = buf[p + 18]! - ZERO;
  if ((a | b | c | d) < 0 || d16 >>> 0 > 9 || d17 >>> 0 > 9 || d18 >>> 0 > 9 || buf[p + 19]! - ZERO >>> 0 <= 9) return false;
  const x = a * 1e4 + b; // digits 0–7, < 1e8
  const y = c * 1e7 + d * 1e3 + d16 * 100 + d17 * 10 + d18; // digits 8–18, < 1e11
  // x * 1e11 + y < 1e19 < 2^64, split as mulAdd does: the low half exact mod 2^32, the high half by rounding.
  const lo = (Math.imul(x, E11_LOW) + y) >>> 0;
  t.hi = Math.round((x * 1e11 + y - lo) / TWO32);
  t.lo = lo;
  t.q = p + 19;
  return true;
}

/**
 * Price as `Number(text)` gives it, for plain decimals (`4800.25`, `5.`, `.5`) of at most 15 digits after
 * any leading zeros and at most 22 decimals; NaN otherwise (and for zero, which the reader refuses). The
 * mantissa and 10^decimals are then exact doubles, and IEEE division rounds their quotient correctly, as
 * Number() does (Clinger's fast path).
 */
export function priceAt(buf: Uint8Array, p: number, end: number, t: Token): number {
  let first = 0; // the first nine significant digits, once there are more
  let runs = 0;
  let cur = 0;
  let n = 0; // significant digits in cur
  let digits = 0;
  let dot = -1;
  let i = p;
  for (; i < end; i++) {
    const d = buf[i]! - ZERO;
    if (d >>> 0 > 9) {
      if (d === DOT - ZERO && dot < 0) {
        dot = i;
        continue;
      }
      break;
    }
    digits++;
    if ((cur | runs | d) === 0) continue; // a leading zero
    if (n === 9) {
      if (runs > 0) {
        t.q = i;
        return Number.NaN; // more than 18 significant digits
      }
      first = cur;
      runs = 1;
      cur = 0;
      n = 0;
    }
    cur = (cur * 10 + d) | 0;
    n++;
  }
  t.q = i;
  const decimals = dot < 0 ? 0 : i - dot - 1;
  if (digits === 0 || runs * 9 + n > 15 || decimals > 22) return Number.NaN;
  const mantissa = runs > 0 ? first * POW10[n]! + cur : cur;
  if (mantissa === 0) return Number.NaN;
  return decimals === 0 ? mantissa : mantissa / POW10[decimals]!;
}

/**
 * The common price form, `digits[.digits]` with a first digit of 1–9 and at most 15 digits, as {@link priceAt}
 * reads it (the same mantissa over the same power of ten), with one test per digit; NaN for any other token
 * (`buf[p]` must be a byte read), which priceAt then reads.
 */
export function plainPriceAt(buf: Uint8Array, p: number, end: number, t: Token): number {
  let m = buf[p]! - ZERO;
  if (m - 1 >>> 0 > 8) return Number.NaN;
  let i = p + 1;
  for (; i < end; i++) {
    const d = buf[i]! - ZERO;
    if (d >>> 0 > 9) break;
    m = m * 10 + d;
  }
  let decimals = 0;
  let digits = i - p;
  if (i < end && buf[i] === DOT) {
    const fracStart = ++i;
    for (; i < end; i++) {
      const d = buf[i]! - ZERO;
      if (d >>> 0 > 9) break;
      m = m * 10 + d;
    }
    decimals = i - fracStart;
    digits += decimals;
  }
  t.q = i;
  if (digits > 15) return Number.NaN;
  return decimals === 0 ? m : m / POW10[decimals]!;
}

/**
 * Raw size as `parseRawSize(text, decimals)` computes it, `int * 10 ** decimals + frac`, with the same float
 * operations on the same exact integers (integer part of up to 15 digits after leading zeros, `decimals`
 * ≤ 15, and POW10[d] === 10 ** d), so the result is identical bit for bit; -1 when the size has more
 * decimals than that, no integer digit, or is out of that range.
 */
export function sizeAt(buf: Uint8Array, p: number, end: number, decimals: number, t: Token): number {
  let int = 0;
  let significant = 0;
  let i = p;
  for (; i < end; i++) {
    const d = buf[i]! - ZERO;
    if (d >>> 0 > 9) break;
    if (significant > 0 || d > 0) significant++;
    int = int * 10 + d; // sizes are short: a float chain is fine here
  }
  const intEnd = i;
  let frac = 0;
  let tooFine = false;
  if (i < end && buf[i] === DOT) {
    const fracStart = ++i;
    for (; i < end; i++) {
      const d = buf[i]! - ZERO;
      if (d >>> 0 > 9) break;
      if (i - fracStart < decimals) frac = frac * 10 + d;
      else if (d !== 0) tooFine = true; // more decimals than in use: the text path reports it
    }
    if (i - fracStart < decimals) frac *= POW10[decimals - (i - fracStart)]!;
  }
  t.q = i;
  if (intEnd === p || significant > 15 || tooFine || decimals > 15) return -1;
  return int * POW10[decimals]! + frac;
}

/**
 * Decimals of a plain decimal size without trailing zeros, as `sizeDecimalsOf` counts them; -1 when the
 * token is not `digits[.digits]` (the caller still checks that it ends at a field end).
 */
export function sizeDecimalsAt(buf: Uint8Array, p: number, end: number, t: Token): number {
  let i = p;
  while (i < end && buf[i]! - ZERO >>> 0 <= 9) i++;
  if (i === p) {
    t.q = i;
    return -1;
  }
  let places = 0;
  if (i < end && buf[i] === DOT) {
    const fracStart = ++i;
    for (; i < end; i++) {
      const d = buf[i]! - ZERO;
      if (d >>> 0 > 9) break;
      if (d !== 0) places = i - fracStart + 1;
    }
  }
  t.q = i;
  return places;
}

/** Aggressor side as `parseSide` reads it (B/buy → Buy; S/A/sell → Sell; N or empty → None), or -1. */
export function sideAt(buf: Uint8Array, p: number, end: number, t: Token): number {
  let i = p;
  while (i < end && i - p < 5 && ((buf[i]! | 0x20) - 0x61) >>> 0 < 26) i++; // ASCII letters
  t.q = i;
  const n = i - p;
  if (n === 0) return Side.None;
  const c = buf[p]! | 0x20; // lower case
  if (n === 1) return c === 0x62 ? Side.Buy : c === 0x73 || c === 0x61 ? Side.Sell : c === 0x6e ? Side.None : -1;
  if (n === 3 && c === 0x62 && (buf[p + 1]! | 0x20) === 0x75 && (buf[p + 2]! | 0x20) === 0x79) return Side.Buy;
  if (n === 4 && c === 0x73 && (buf[p + 1]! | 0x20) === 0x65 && (buf[p + 2]! | 0x20) === 0x6c && (buf[p + 3]! | 0x20) === 0x6c) {
    return Side.Sell;
  }
  return -1;
}
