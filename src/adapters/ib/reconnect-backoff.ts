import { Backoff } from '../../common/backoff.js';
import { configError, ErrorCode } from '../../common/errors.js';

/**
 * The IB adapter's reconnect policy on the shared backoff: doubling from `baseMs` up to `capMs`, with
 * "equal jitter": attempt n waits between half and all of min(cap, base·2ⁿ⁻¹). Adapters that lost the same
 * gateway at the same moment then spread out instead of reconnecting in lockstep (docs/ib.md: 0.5 s doubling
 * to 30 s by default). `random` is a uniform [0, 1) source, injected in tests.
 */
export function ibReconnectBackoff(baseMs: number, capMs: number, random: () => number = Math.random): Backoff {
  if (!(baseMs > 0) || !(capMs >= baseMs)) throw configError(ErrorCode.BAD_CONFIG, 'backoff needs 0 < baseMs <= capMs');
  return new Backoff({ initialDelayMs: baseMs, maxDelayMs: capMs, factor: 2, jitterBelow: 0.5, jitterAbove: 0 }, random);
}
