/**
 * Every threshold of `mia report`, one constant each; docs/report.md states each with its reason. The lessons
 * and the groupings read these and nothing else.
 */

/** Starting balance when neither `--balance` nor the session's config gives one (`mia backtest --balance`'s default). */
export const DEFAULT_REPORT_BALANCE = 25_000;

/** The ML filter's approval threshold of the ensemble mean (`mia train`'s default, issue 5). */
export const DEFAULT_ML_THRESHOLD = 0.6;

/** An ML mean within this distance of the threshold (either side) is "near the threshold". */
export const ML_NEAR_THRESHOLD = 0.05;

/**
 * Losses are "concentrated" in a group (a market regime, a volatility regime, an hour) when the group holds at
 * least this share of the period's losing dollars …
 */
export const LOSS_CONCENTRATION_SHARE = 0.6;
/** … and its share of losing dollars exceeds its share of trades by at least this much (over-represented) … */
export const LOSS_CONCENTRATION_EXCESS = 0.2;
/** … and it holds at least this many losing trades (one bad trade is not a pattern). */
export const LOSS_CONCENTRATION_MIN_LOSSES = 2;

/**
 * An entry is against the higher timeframe when the 1h or 4h direction at entry points the other way by at
 * least this much: long with d < −this, short with d > this (directions are in [−1, 1]).
 */
export const HTF_AGAINST_MIN = 0.25;

/** This many losing trades in a row (exit order) is a loss streak. */
export const LOSS_STREAK_MIN = 3;

/** A stopped trade whose price came within this many ticks of its target before the stop is "stopped a tick short". */
export const NEAR_TARGET_TICKS = 1;

/** Timeframe of the journal's bars the near-target check reads (the finest the journal keeps). */
export const NEAR_TARGET_BAR_TIMEFRAME = '1m';

/** Bar length of NEAR_TARGET_BAR_TIMEFRAME, ns: a bar counts only when it opened and closed inside the trade. */
export const NEAR_TARGET_BAR_NS = 60_000_000_000n;

/** Overtrading: more entries than this in one New York clock hour; each entry beyond it is one penalty. */
export const MAX_ENTRIES_PER_HOUR = 4;

/** Penalty points of one entry beyond MAX_ENTRIES_PER_HOUR. */
export const OVERTRADING_PENALTY_POINTS = 1;

/** Score buckets of |Battle Navale score| (the direction thresholds are ±0.25): lower bounds, ascending. */
export const SCORE_BUCKETS: readonly number[] = [0, 0.25, 0.35, 0.5, 0.75];

/** ML-mean buckets: lower bounds, ascending (0.6 is the approval threshold). */
export const ML_BUCKETS: readonly number[] = [0, 0.5, 0.55, 0.6, 0.65, 0.7];
