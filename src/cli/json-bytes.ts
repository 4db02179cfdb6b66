/**
 * JSON text written as bytes into a buffer, each function returning the position after what it wrote. The
 * numbers are those JSON.stringify prints (ECMA-262 Number::toString: the shortest decimal that reads back as
 * the same double; NaN and ±Infinity as null; -0 as 0): the common cases are formatted from integers here, the
 * rest by the engine's own conversion, so the bytes are the same for every double (src/cli/json-bytes.test.ts).
 */

/** "00".."99" as ASCII pairs: two digits per division in the integer writer. */
const PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  PAIRS[2 * i] = 48 + Math.floor(i / 10);
  PAIRS[2 * i + 1] = 48 + (i % 10);
}

/** ".015625", ".03125", … ".984375": the decimal fraction of k/64 for k in 1..63 as bytes (index 0 unused). */
const FRACTIONS: Uint8Array[] = Array.from({ length: 64 }, (_, k) =>
  new TextEncoder().encode(k === 0 ? '' : String(k / 64).slice(1)));

/** Bytes a number may take: the longest Number::toString is 24 characters (-1.2345678901234567e-300 and the like), "null" 4. */
export const MAX_NUMBER_BYTES = 25;

/** Decimal places of the fixed-point path (6 covers quarter ticks, 1/64 ticks and sizes of up to 6 decimals). */
const FIXED_SCALE = 1e6;
/**
 * Below this magnitude a double's spacing (at most 2^-29) is far under half of 1e-6, so a decimal of at most six
 * places that reads back as the double is the only decimal of that length or shorter that does: it is the
 * shortest round trip, which Number::toString prints, in plain notation (no exponent between 1e-6 and 1e21).
 */
const FIXED_LIMIT = 1e7;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Writes the decimal digits of an integer 0 ≤ n < 2^53. */
export function writeUint(buf: Uint8Array, pos: number, n: number): number {
  let len = 1;
  for (let p = 10; p <= n; p *= 10) len++; // powers of ten up to 1e22 are exact doubles
  const end = pos + len;
  let i = end;
  while (n >= 100) {
    const q = Math.floor(n / 100);
    const r = (n - q * 100) * 2;
    buf[--i] = PAIRS[r + 1]!;
    buf[--i] = PAIRS[r]!;
    n = q;
  }
  if (n >= 10) {
    buf[--i] = PAIRS[2 * n + 1]!;
    buf[--i] = PAIRS[2 * n]!;
  } else buf[--i] = 48 + n;
  return end;
}

/** Writes a string made of bytes below 0x80 (numbers, ISO times, timeframe labels) as they are. */
export function writeAscii(buf: Uint8Array, pos: number, s: string): number {
  for (let i = 0; i < s.length; i++) buf[pos++] = s.charCodeAt(i);
  return pos;
}

/**
 * Constant ASCII text (the keys of a JSON line) as its length and then its bytes in little-endian 32-bit words:
 * written four bytes a store, which halved the cost of the ~330 key bytes of a bar line.
 */
export function constantText(s: string): Uint32Array {
  const bytes = new Uint8Array(Math.ceil(s.length / 4) * 4);
  writeAscii(bytes, 0, s);
  const t = new Uint32Array(1 + bytes.length / 4);
  t[0] = s.length;
  const v = new DataView(bytes.buffer);
  for (let i = 1; i < t.length; i++) t[i] = v.getUint32(4 * (i - 1), true);
  return t;
}

/** Bytes a constant text may write past its end (its last word's padding), which the next value overwrites. */
export const TEXT_OVERRUN = 3;

/** Writes a {@link constantText} at `pos` of the buffer `view` covers; up to 3 bytes past its end are scratch. */
export function writeText(view: DataView, pos: number, t: Uint32Array): number {
  for (let i = 1; i < t.length; i++) view.setUint32(pos + 4 * i - 4, t[i]!, true);
  return pos + t[0]!;
}

/** Writes `x` exactly as JSON.stringify does. */
export function writeJsonNumber(buf: Uint8Array, pos: number, x: number): number {
  if ((x | 0) === x) {
    // Every int32 and -0 (which prints as 0).
    if (x < 0) {
      buf[pos++] = 45;
      return writeUint(buf, pos, -x);
    }
    return writeUint(buf, pos, x);
  }
  const q = x * 64;
  if ((q | 0) === q) return writeSixtyFourths(buf, pos, q);
  if (x < FIXED_LIMIT && x > -FIXED_LIMIT) {
    // Prices on the tick grid, sizes with decimals: x is the double nearest s/10^6 (division is correctly
    // rounded), so the decimal s/10^6 with its trailing zeros dropped is what Number::toString prints.
    const s = Math.round(x * FIXED_SCALE);
    if (s / FIXED_SCALE === x) return writeFixed(buf, pos, s);
  } else if (Math.floor(x) === x && x <= MAX_SAFE && x >= -MAX_SAFE) {
    // Whole numbers beyond int32 up to 2^53 (Number.isSafeInteger, which V8 does not inline).
    if (x < 0) {
      buf[pos++] = 45;
      return writeUint(buf, pos, -x);
    }
    return writeUint(buf, pos, x);
  }
  if (!Number.isFinite(x)) return writeAscii(buf, pos, 'null'); // NaN, ±Infinity
  return writeAscii(buf, pos, String(x));
}

/**
 * Writes q/64 for an int32 q not a multiple of 64: quarter and eighth ticks, 1/32 and 1/64 of a point. The
 * product x·64 is exact (a power of two), so x is q/64 exactly, a decimal of at most six places under 2^25.
 */
function writeSixtyFourths(buf: Uint8Array, pos: number, q: number): number {
  if (q < 0) {
    buf[pos++] = 45;
    q = -q;
  }
  pos = writeUint(buf, pos, q >>> 6);
  const frac = FRACTIONS[q & 63]!;
  for (let i = 0; i < frac.length; i++) buf[pos++] = frac[i]!;
  return pos;
}

/** Writes the decimal s/10^6 (|s| < 10^13, not a multiple of 10^6) with its trailing zeros dropped. */
function writeFixed(buf: Uint8Array, pos: number, s: number): number {
  if (s < 0) {
    buf[pos++] = 45;
    s = -s;
  }
  const whole = Math.floor(s / FIXED_SCALE); // below 1e7: the quotient is at least 1e-6 from the next integer
  let frac = (s - whole * FIXED_SCALE) | 0; // in (0, 10^6): int32 arithmetic from here on
  pos = writeUint(buf, pos, whole);
  buf[pos++] = 46;
  let digits = 6;
  while (digits > 1 && frac % 10 === 0) {
    frac = (frac / 10) | 0;
    digits--;
  }
  // `frac` now has `digits` places with leading zeros to restore (0.05 → frac 5, digits 2).
  const end = pos + digits;
  for (let i = end - 1; i >= pos; i--) {
    const q = (frac / 10) | 0;
    buf[i] = 48 + frac - q * 10;
    frac = q;
  }
  return end;
}
