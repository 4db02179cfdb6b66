/**
 * Aggressor side codes as stored in the Trade struct's `side` byte. `None` covers both "the feed says no
 * aggressor" (Databento `N`: auction crosses) and "the feed does not say": such volume counts in volume and
 * the profile but not in delta, unless the side classifier infers it (then the `INFERRED` flag is set).
 */
export const Side = {
  /** No known aggressor. */
  None: 0,
  /** Buyer lifted the offer (ask volume in a footprint). */
  Buy: 1,
  /** Seller hit the bid (bid volume in a footprint). */
  Sell: 2,
} as const;

/** A side code. */
export type SideCode = (typeof Side)[keyof typeof Side];

/** Trade flag bits (the Trade struct's `flags` byte). */
export const TradeFlag = {
  /** The side was inferred by the quote or tick rule, not reported by the exchange. */
  INFERRED: 1,
} as const;
