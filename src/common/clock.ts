/**
 * Microseconds since the Unix epoch, fractional, from the monotonic clock anchored at process start
 * (performance.timeOrigin + performance.now()). Every process on a host reads the same system clocks, so a
 * subscriber process can compare its receive time with the engine's stage times; Date.now() would give
 * millisecond steps only.
 */
export function nowUs(): number {
  return (performance.timeOrigin + performance.now()) * 1000;
}

/** Microseconds since the epoch (fractional, as nowUs gives) to the int64 ns the schema stores. */
export function usToNs(us: number): bigint {
  return BigInt(Math.round(us * 1000));
}

/** int64 ns since the epoch back to fractional µs (exact to about 0.25 µs at today's dates). */
export function nsToUs(ns: bigint): number {
  return Number(ns) / 1000;
}
