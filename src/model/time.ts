/**
 * The engine's one time type and its conversions. Market and wall-clock times are int64 nanoseconds since the
 * Unix epoch (UTC): `UnixNanos`, a bigint at the edges, two u32 halves (hi, lo) in typed arrays and shared
 * memory on the hot paths. ISO-8601 strings exist only at the edge (frames, files, logs), made by `isoNs`.
 */

/** Nanoseconds since the Unix epoch, UTC. */
export type UnixNanos = bigint;

/** 2^32: joins the two u32 halves of an int64 read from memory (and scales a u32 to [0, 1)). */
export const TWO32 = 4294967296;

/** Splits int64 nanoseconds into two 32-bit halves (hi, lo), as tapes and batches store them. */
export function splitNs(ns: UnixNanos): [hi: number, lo: number] {
  return [Number((ns >> 32n) & 0xffffffffn), Number(ns & 0xffffffffn)];
}

/** Joins two 32-bit halves into int64 nanoseconds. */
export function joinNs(hi: number, lo: number): UnixNanos {
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** An int64 from its two u32 halves as a double (exact below 2^53), with no bigint. */
export function halvesToNumber(hi: number, lo: number): number {
  return hi * TWO32 + lo;
}

/** ISO-8601 UTC of a nanosecond time, keeping sub-millisecond digits when there are any. */
export function isoNs(ns: UnixNanos): string {
  const ms = ns / 1_000_000n;
  const iso = new Date(Number(ms)).toISOString();
  const rest = ns % 1_000_000n;
  return rest === 0n ? iso : `${iso.slice(0, -1)}${rest.toString().padStart(6, '0')}Z`;
}

/** Nanoseconds of an ISO-8601 UTC time with up to nine fractional digits; undefined for anything else. */
export function isoToNs(iso: string): UnixNanos | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(iso);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}Z`);
  if (!Number.isFinite(ms)) return undefined;
  return msToNs(ms) + BigInt((m[2] ?? '').padEnd(9, '0'));
}

/** Milliseconds since the epoch, floored (the calendar's and the signals' resolution). */
export function nsToMs(ns: UnixNanos): number {
  return Number(ns / 1_000_000n);
}

/** Milliseconds since the epoch with the sub-millisecond part as a fraction (to a double's precision, ~0.2 µs today). */
export function nsToFractionalMs(ns: UnixNanos): number {
  return Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6;
}

/** Whole milliseconds since the epoch (Date.now(), Date.UTC, Date.parse) to int64 ns. */
export function msToNs(ms: number): UnixNanos {
  return BigInt(ms) * 1_000_000n;
}

/** Microseconds since the epoch (fractional, as the clock gives them) to int64 ns. */
export function usToNs(us: number): UnixNanos {
  return BigInt(Math.round(us * 1000));
}

/** int64 ns since the epoch back to fractional µs (exact to about 0.25 µs at today's dates). */
export function nsToUs(ns: UnixNanos): number {
  return Number(ns) / 1000;
}
