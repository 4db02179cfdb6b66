/**
 * Microseconds since the Unix epoch, fractional, from the monotonic clock anchored at process start
 * (performance.timeOrigin + performance.now()). Every process on a host reads the same system clocks, so a
 * subscriber process can compare its receive time with the engine's stage times; Date.now() would give
 * millisecond steps only.
 */
export function nowUs(): number {
  return (performance.timeOrigin + performance.now()) * 1000;
}
