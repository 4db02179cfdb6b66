/**
 * The features of one closed bar, as `mia features` prints them and as both the WASM kernels (through
 * the glue) and the plain-TS reference produce them. Volumes are in instrument units (raw size divided by
 * 10^sizeDecimals); prices in quote units.
 */
export interface BarFeatures {
  /** Bar open time, ns since the Unix epoch (UTC), aligned to a multiple of the timeframe. */
  tsNs: bigint;
  /** Timeframe in seconds. */
  timeframeSec: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Total volume, including trades with no known aggressor. */
  volume: number;
  /** Number of trades. */
  trades: number;
  /** Buy-aggressor volume (ask volume). */
  buyVolume: number;
  /** Sell-aggressor volume (bid volume). */
  sellVolume: number;
  /** buyVolume − sellVolume. */
  delta: number;
  /** Session cumulative delta at the bar's close. */
  cumDelta: number;
  /** Highest session cumulative delta reached inside the bar (after any of its trades). */
  cumDeltaHigh: number;
  /** Lowest session cumulative delta reached inside the bar. */
  cumDeltaLow: number;
  /** Volume-weighted average price of the bar's trades. */
  barVwap: number;
  /** Session VWAP at the bar's close. */
  vwap: number;
  /** Session volume-weighted standard deviation of price at the bar's close (bands are vwap ± k·σ). */
  vwapSigma: number;
  /** Bar profile point of control. */
  poc: number;
  /** Bar profile value-area high. */
  vah: number;
  /** Bar profile value-area low. */
  val: number;
  /** Share of the bar's volume inside the value area (≥ the target share unless the bar is one row). */
  vaCoverage: number;
  /** Share of the bar's volume whose side was inferred by the quote or tick rule. */
  inferredShare: number;
  /** Diagonal buy imbalances in the bar's footprint. */
  buyImbalances: number;
  /** Diagonal sell imbalances in the bar's footprint. */
  sellImbalances: number;
  /** Runs of at least `stackedLevels` consecutive buy imbalances. */
  stackedBuy: number;
  /** Runs of at least `stackedLevels` consecutive sell imbalances. */
  stackedSell: number;
  /** High volume nodes of a closed bar's profile, low to high (at most 4; docs/features.md); empty in progress. */
  hvn: number[];
  /** Low volume nodes of a closed bar's profile, low to high (at most 4); empty in progress. */
  lvn: number[];
  /** Footprint rows, low to high price, when requested. */
  levels?: FootprintLevel[];
}

/** One footprint row of a bar. */
export interface FootprintLevel {
  /** Row price (row index × tick size). */
  price: number;
  /** Sell-aggressor volume at this price. */
  bid: number;
  /** Buy-aggressor volume at this price. */
  ask: number;
  /** Sell-aggressor trades at this price. */
  bidTrades: number;
  /** Buy-aggressor trades at this price. */
  askTrades: number;
}

/** Value-area construction methods (../shared/docs/domain.md). */
export type ValueAreaMethod = 'cbot2' | 'greedy1';

/** Session anchors for cumulative delta, VWAP and the session profile. */
export type SessionAnchor = 'utc' | 'globex' | 'rth';

/** Parameters of the feature pass, with the defaults `mia features` uses. */
export interface FeatureConfig {
  /** Price row size in quote units (ES/NQ 0.25). */
  tickSize: number;
  /** Timeframes in seconds; each aligned to UTC epoch multiples. */
  timeframesSec: readonly number[];
  /** Value-area target share of volume, in (0, 1]. */
  valueAreaShare: number;
  /** Value-area method. */
  valueAreaMethod: ValueAreaMethod;
  /** Diagonal imbalance ratio as a multiplier (3 = "300 %"). */
  imbalanceRatio: number;
  /** Minimum volume (in units) on the dominant side for an imbalance. */
  imbalanceMinVolume: number;
  /** Consecutive imbalance rows that make a stacked imbalance. */
  stackedLevels: number;
  /** Where sessions start. */
  session: SessionAnchor;
  /** Decimal places of raw sizes. */
  sizeDecimals: number;
}

/** Defaults: ATAS stacked-imbalance defaults (3×, 30, 3 levels), CBOT value area at 70 %, Globex session. */
export const DEFAULT_FEATURE_CONFIG: Readonly<FeatureConfig> = Object.freeze({
  tickSize: 0.25,
  timeframesSec: [60, 300, 900, 3600, 14400],
  valueAreaShare: 0.7,
  valueAreaMethod: 'cbot2',
  imbalanceRatio: 3,
  imbalanceMinVolume: 30,
  stackedLevels: 3,
  session: 'globex',
  sizeDecimals: 0,
});
