/** Contracts the simulator knows: the CME E-minis ES and NQ and their Micro E-minis MES and MNQ. */
export type SimSymbol = 'ES' | 'NQ' | 'MES' | 'MNQ';

/** Simulation profile of a futures contract: price level and order-flow character (CME specs, domain.md). */
export interface SimInstrument {
  symbol: SimSymbol;
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
 *
 * MES and MNQ trade like their E-mini: the same index, so the same price level and tick. A micro is a tenth
 * of its E-mini and is traded in small lots, so it prints many trades for its contracts' worth: a rate of the
 * same order as the E-mini's, set a little below it (an assumption, not a measured count; lot sizes are drawn
 * as for every symbol). As arbitrage keeps a micro on its E-mini's price, its quote moves as many ticks a
 * second as the E-mini's: impact × rate equals the E-mini's (ES 40 × 0.03 = MES 30 × 0.04; NQ 30 × 0.08 =
 * MNQ 25 × 0.096). SimSource seeds each symbol apart, so a micro and its E-mini share a character, not a path.
 */
export const SIM_INSTRUMENTS: Readonly<Record<SimSymbol, SimInstrument>> = {
  ES: { symbol: 'ES', tick: 0.25, startPrice: 5100, rthRatePerSec: 40, impact: 0.03, tickValue: 12.5 },
  NQ: { symbol: 'NQ', tick: 0.25, startPrice: 18000, rthRatePerSec: 30, impact: 0.08, tickValue: 5 },
  MES: { symbol: 'MES', tick: 0.25, startPrice: 5100, rthRatePerSec: 30, impact: 0.04, tickValue: 1.25 },
  MNQ: { symbol: 'MNQ', tick: 0.25, startPrice: 18000, rthRatePerSec: 25, impact: 0.096, tickValue: 0.5 },
};

/** The symbols of {@link SIM_INSTRUMENTS}, E-minis first, for `--symbols` checks and messages. */
export const SIM_SYMBOLS: readonly SimSymbol[] = ['ES', 'NQ', 'MES', 'MNQ'];
