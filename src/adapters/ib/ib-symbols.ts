// Apart from ib-source.ts so that option parsing (src/cli/options.ts, loaded by every `mia` command) can check
// --symbols without loading @stoqey/ib.

/** Futures the adapter knows: CME E-mini S&P 500 and Nasdaq-100, tick 0.25. */
export type IbFutureSymbol = 'ES' | 'NQ';

/**
 * The symbols of {@link IbFutureSymbol}, for `--symbols` checks. Not the Micro E-minis: resolution and
 * subscription would take MES and MNQ as they take ES and NQ, but the TWS-protocol test server lists neither,
 * so nothing here is tested on them.
 */
export const IB_FUTURE_SYMBOLS: readonly IbFutureSymbol[] = ['ES', 'NQ'];
