/** Simulation profile of a futures contract: price level and order-flow character (CME specs, domain.md). */
export interface SimInstrument {
  symbol: 'ES' | 'NQ';
  /** Minimum price increment. */
  tick: number;
  /** Price the simulation starts at. */
  startPrice: number;
  /** Mean trades per second in the cash session (overnight is a fifth of it). */
  rthRatePerSec: number;
  /** Probability that a trade moves the quote one tick in its direction. */
  impact: number;
  /** Dollar value of one tick, for reports. */
  tickValue: number;
}

/**
 * ES and NQ profiles: price levels of early 2024; rates give about 1.4 M (ES) and 1 M (NQ) trades a day
 * with bursts, the order of CME's published daily trade counts; NQ moves more ticks per trade than ES.
 */
export const SIM_INSTRUMENTS: Record<'ES' | 'NQ', SimInstrument> = {
  ES: { symbol: 'ES', tick: 0.25, startPrice: 5100, rthRatePerSec: 40, impact: 0.03, tickValue: 12.5 },
  NQ: { symbol: 'NQ', tick: 0.25, startPrice: 18000, rthRatePerSec: 30, impact: 0.08, tickValue: 5 },
};
