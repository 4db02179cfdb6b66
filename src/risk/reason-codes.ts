/**
 * Reason codes of every refusal and alert of the risk engine. Callers and tests match on these, never on
 * message text.
 */
export const RiskReason = {
  /** CATASTROPHE was declared: no new orders until a manual `reset()`. */
  HALTED: 'MIA_RISK_HALTED',
  /** The day's realized loss reached the daily loss limit, or the order's risk would exceed what is left of it. */
  DAILY_LOSS_LIMIT: 'MIA_RISK_DAILY_LOSS_LIMIT',
  /** The position in the symbol is already at the maximum. */
  MAX_POSITION: 'MIA_RISK_MAX_POSITION',
  /** The number of consecutive losing trades reached the maximum. */
  MAX_CONSECUTIVE_LOSSES: 'MIA_RISK_MAX_CONSECUTIVE_LOSSES',
  /** The account balance is below the minimum balance. */
  MIN_BALANCE: 'MIA_RISK_MIN_BALANCE',
  /** The Kelly fraction of the order's win probability and payoff is not positive: no edge. */
  NO_EDGE: 'MIA_RISK_NO_EDGE',
  /** The Kelly stake does not cover the risk of one contract. */
  SIZE_ZERO: 'MIA_RISK_SIZE_ZERO',
  /** The order is against an open position in the symbol: close it first. */
  OPPOSITE_POSITION: 'MIA_RISK_OPPOSITE_POSITION',
  /** The symbol has no contract specification. */
  UNKNOWN_INSTRUMENT: 'MIA_RISK_UNKNOWN_INSTRUMENT',
  /** A stop or target in ATR multiples was asked for and no ATR is known yet. */
  NO_ATR: 'MIA_RISK_NO_ATR',
  /** The order's fields are invalid (price, probability, payoff). */
  BAD_ORDER: 'MIA_RISK_BAD_ORDER',
  /** CATASTROPHE declared from outside (lost connection, operator). */
  EXTERNAL: 'MIA_RISK_EXTERNAL',
} as const;

/** One of the reason codes. */
export type RiskReasonCode = (typeof RiskReason)[keyof typeof RiskReason];

/** Alert levels, in increasing severity. */
export const ALERT_LEVELS = ['INFO', 'WARNING', 'CRITICAL', 'CATASTROPHE'] as const;

/** One alert level. */
export type AlertLevel = (typeof ALERT_LEVELS)[number];
