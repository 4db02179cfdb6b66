/**
 * Microseconds since the Unix epoch, fractional, from the monotonic clock anchored at process start
 * (performance.timeOrigin + performance.now()). Every process on a host reads the same system clocks, so a
 * subscriber process can compare its receive time with the engine's stage times; Date.now() would give
 * millisecond steps only.
 */
export function nowUs(): number {
  return (TIME_ORIGIN_MS + performance.now()) * 1000;
}

// Read once: the getter builds its value at every read, garbage on the snapshot path that reads the clock often.
const TIME_ORIGIN_MS = performance.timeOrigin;
