import { contractSpec } from '../model/contract-specs.js';

/**
 * Plausible trade prices of an instrument (docs/hostile-input.md). A price outside is refused as
 * MIA_ERR_BAD_PRICE rather than passed on: the kernels index price rows as 32-bit tick counts, so a price of
 * 1e300 used to be clamped into a POC of 536870911.75 with exit code 0.
 *
 * ES and NQ (by root or contract, CONTRACT_SPECS): from one tick (0.25) to 1,000,000 index points, some
 * 50 times their all-time highs. Any other instrument (crypto, FX, equities in CSV files): above 0 and up to
 * 100,000,000, which keeps every price in 32-bit rows at a tick of 0.25 and is beyond any listed price.
 */
export interface PriceRange {
  /** Lowest plausible price (inclusive). */
  readonly min: number;
  /** Highest plausible price (inclusive). */
  readonly max: number;
  /** What the range applies to, for error messages. */
  readonly label: string;
}

/** Highest price of an instrument without a contract specification. */
export const GENERIC_MAX_PRICE = 100_000_000;
/** Highest plausible ES or NQ price, in index points. */
export const CONTRACT_MAX_PRICE = 1_000_000;

/** The plausible price range of `symbol`: its contract's when known, else the generic one. */
export function plausiblePriceRange(symbol: string): PriceRange {
  const spec = contractSpec(symbol) ?? contractSpec(/^[A-Za-z0-9]+/.exec(symbol.replace(/_.*/, ''))?.[0] ?? '');
  if (spec) return { min: spec.tickSize, max: CONTRACT_MAX_PRICE, label: `${symbol.toUpperCase()}'s plausible range ${spec.tickSize} to ${CONTRACT_MAX_PRICE}` };
  return { min: Number.MIN_VALUE, max: GENERIC_MAX_PRICE, label: `the plausible range above 0 and up to ${GENERIC_MAX_PRICE}` };
}
