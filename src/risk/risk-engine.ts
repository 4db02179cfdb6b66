import { configError, ErrorCode } from '../common/errors.js';
import { contractSpec, CONTRACT_SPECS, tickValue, type ContractSpec } from '../model/contract-specs.js';
import { RiskReason, type AlertLevel, type RiskReasonCode } from './reason-codes.js';
import { checkDistance, distanceTicks, kellyFraction, type DistanceSpec } from './sizing.js';

/** Limits and sizing parameters. */
export interface RiskConfig {
  /** Realized loss in dollars for one trade date at which new orders stop (CRITICAL). */
  dailyLossLimit: number;
  /** Largest absolute position per symbol, contracts. */
  maxPosition: number;
  /** Losing trades in a row at which new orders stop (CRITICAL). */
  maxConsecutiveLosses: number;
  /** Balance below which the account is in CATASTROPHE. */
  minBalance: number;
  /** Share of full Kelly staked (fractional Kelly tames the estimate error of p). */
  kellyMultiplier: number;
  stop: DistanceSpec;
  target: DistanceSpec;
  /** Share of the daily loss limit, and consecutive losses, at which the level is WARNING. */
  warningLossShare: number;
  warningConsecutiveLosses: number;
  /** Multiple of the daily loss limit at which the level is CATASTROPHE. */
  catastropheLossMultiple: number;
  specs: Readonly<Record<string, ContractSpec>>;
}

/** The original system's limits (daily loss 500, max position 2, 5 losses, balance 1,000), quarter Kelly, 8/16-tick brackets. */
export const DEFAULT_RISK_CONFIG: RiskConfig = {
  dailyLossLimit: 500,
  maxPosition: 2,
  maxConsecutiveLosses: 5,
  minBalance: 1000,
  kellyMultiplier: 0.25,
  stop: { kind: 'ticks', ticks: 8 },
  target: { kind: 'ticks', ticks: 16 },
  warningLossShare: 0.5,
  warningConsecutiveLosses: 3,
  catastropheLossMultiple: 2,
  specs: CONTRACT_SPECS,
};

/** An entry the strategy wants. */
export interface OrderIntent {
  symbol: string;
  side: 'long' | 'short';
  entryPrice: number;
  /** Estimated probability that the target is reached before the stop. */
  winProbability: number;
  /** Reward-to-risk ratio b; default target ticks / stop ticks. */
  payoffRatio?: number;
  /** ATR of the sizing timeframe, for ATR-multiple brackets. */
  atr?: number | null;
  /** Multiplier of the stake, e.g. the options-expiry position factor (default 1). */
  positionFactor?: number;
  /** Multipliers of the configured stop and target distances (a strategy's bracket; default 1; rounded ticks, at least 1). */
  stopScale?: number;
  targetScale?: number;
}

/** The answer to an intent: an approved size with its bracket, or a refusal with its reason code. */
export type RiskDecision =
  | { approved: true; qty: number; stopPrice: number; targetPrice: number; stopTicks: number; targetTicks: number; riskUsd: number; kelly: number; alert: AlertLevel }
  | { approved: false; reason: RiskReasonCode; message: string; alert: AlertLevel };

/** A change of alert level; on CATASTROPHE, the orders that flatten every open position. */
export interface RiskAlert {
  level: AlertLevel;
  previous: AlertLevel;
  reason: RiskReasonCode | null;
  flatten: Array<{ symbol: string; qty: number }>;
}

/**
 * Signed positions by symbol, contracts. The one place positions live is the ledger of fills
 * (execution/PositionLedger); the risk engine only reads it.
 */
export interface PositionBook {
  /** Signed position of a symbol (0 when flat). */
  position(symbol: string): number;
  /** Every symbol not flat, with its signed position. */
  openPositions(): Iterable<readonly [symbol: string, qty: number]>;
}

/** No position anywhere: the book of a risk engine that only records verdicts (no venue, no fills). */
export const FLAT_BOOK: PositionBook = { position: () => 0, openPositions: () => [] };

/**
 * Pre-trade risk: sizes entries by fractional Kelly capped by the position limit and the daily loss left,
 * places the bracket, and refuses with a reason code when a limit is reached. Levels: INFO; WARNING at
 * half the daily loss limit or 3 losses in a row; CRITICAL at the daily loss limit or the maximum
 * consecutive losses (no new entries until the next trade date); CATASTROPHE when the balance falls below
 * the minimum, the day's loss reaches twice the limit, or `declareCatastrophe` is called: every position
 * is flattened and no entry is accepted until a manual `reset()`. No clock is read.
 */
export class RiskEngine {
  /** Parameters in use. */
  readonly config: RiskConfig;
  private balanceUsd: number;
  private realizedToday = 0;
  private losses = 0;
  private halted: RiskReasonCode | null = null;
  private day: number | null = null;
  private level: AlertLevel = 'INFO';
  private readonly positions: PositionBook;
  private readonly listener: (a: RiskAlert) => void;

  constructor(startingBalance: number, config: Partial<RiskConfig> = {}, listener: (a: RiskAlert) => void = () => {}, positions: PositionBook = FLAT_BOOK) {
    const c = { ...DEFAULT_RISK_CONFIG, ...config };
    if (!(startingBalance >= 0)) throw configError(ErrorCode.BAD_CONFIG, 'startingBalance must be >= 0');
    if (!(c.dailyLossLimit > 0) || !(c.minBalance >= 0)) throw configError(ErrorCode.BAD_CONFIG, 'dailyLossLimit must be > 0 and minBalance >= 0');
    if (!Number.isInteger(c.maxPosition) || c.maxPosition < 1) throw configError(ErrorCode.BAD_CONFIG, 'maxPosition must be an integer >= 1');
    if (!Number.isInteger(c.maxConsecutiveLosses) || c.maxConsecutiveLosses < 1) throw configError(ErrorCode.BAD_CONFIG, 'maxConsecutiveLosses must be an integer >= 1');
    if (!(c.kellyMultiplier > 0 && c.kellyMultiplier <= 1)) throw configError(ErrorCode.BAD_CONFIG, 'kellyMultiplier must be in (0, 1]');
    if (!(c.catastropheLossMultiple >= 1)) throw configError(ErrorCode.BAD_CONFIG, 'catastropheLossMultiple must be >= 1');
    checkDistance('stop', c.stop);
    checkDistance('target', c.target);
    this.config = c;
    this.balanceUsd = startingBalance;
    this.listener = listener;
    this.positions = positions;
    this.refresh();
  }

  /** Account balance, dollars. */
  get balance(): number {
    return this.balanceUsd;
  }
  /** Realized profit (negative: loss) of the current trade date. */
  get dailyPnl(): number {
    return this.realizedToday;
  }
  /** Losing trades in a row. */
  get consecutiveLosses(): number {
    return this.losses;
  }
  /** Current alert level. */
  get alert(): AlertLevel {
    return this.level;
  }
  /** True while CATASTROPHE holds new orders. */
  get isHalted(): boolean {
    return this.halted !== null;
  }
  /** Signed position of a symbol, contracts. */
  position(symbol: string): number {
    return this.positions.position(symbol);
  }

  /** Sizes an entry or refuses it. */
  evaluate(o: OrderIntent): RiskDecision {
    const c = this.config;
    if (this.halted) return this.refuse(RiskReason.HALTED, `trading halted after CATASTROPHE (${this.halted}); reset() to resume`);
    if (this.balanceUsd < c.minBalance) return this.refuse(RiskReason.MIN_BALANCE, `balance ${this.balanceUsd} is below ${c.minBalance}`);
    if (-this.realizedToday >= c.dailyLossLimit) return this.refuse(RiskReason.DAILY_LOSS_LIMIT, `daily loss ${-this.realizedToday} reached ${c.dailyLossLimit}`);
    if (this.losses >= c.maxConsecutiveLosses) return this.refuse(RiskReason.MAX_CONSECUTIVE_LOSSES, `${this.losses} losses in a row`);
    const spec = contractSpec(o.symbol, c.specs);
    if (!spec) return this.refuse(RiskReason.UNKNOWN_INSTRUMENT, `no contract specification for ${o.symbol}`);
    if (!(o.entryPrice > 0) || !(o.winProbability >= 0 && o.winProbability <= 1) || (o.payoffRatio !== undefined && !(o.payoffRatio > 0))) {
      return this.refuse(RiskReason.BAD_ORDER, 'entry price, win probability or payoff ratio out of range');
    }
    const pos = this.position(o.symbol);
    const sign = o.side === 'long' ? 1 : -1;
    if (pos * sign < 0) return this.refuse(RiskReason.OPPOSITE_POSITION, `open position ${pos} in ${o.symbol}`);
    const capacity = c.maxPosition - Math.abs(pos);
    if (capacity <= 0) return this.refuse(RiskReason.MAX_POSITION, `position ${pos} in ${o.symbol} is at the maximum ${c.maxPosition}`);
    const stopTicks = scaledTicks(distanceTicks(c.stop, spec.tickSize, o.atr), o.stopScale);
    const targetTicks = scaledTicks(distanceTicks(c.target, spec.tickSize, o.atr), o.targetScale);
    if (stopTicks === null || targetTicks === null) return this.refuse(RiskReason.NO_ATR, 'ATR-multiple bracket without an ATR');
    const kelly = kellyFraction(o.winProbability, o.payoffRatio ?? targetTicks / stopTicks);
    if (!(kelly > 0)) return this.refuse(RiskReason.NO_EDGE, `Kelly fraction ${kelly} is not positive`);
    const riskPerContract = stopTicks * tickValue(spec);
    const stake = this.balanceUsd * kelly * c.kellyMultiplier * (o.positionFactor ?? 1);
    const byKelly = Math.floor(stake / riskPerContract);
    if (byKelly < 1) return this.refuse(RiskReason.SIZE_ZERO, `stake ${stake} is below the risk of one contract ${riskPerContract}`);
    const byDailyLoss = Math.floor((c.dailyLossLimit + this.realizedToday) / riskPerContract);
    if (byDailyLoss < 1) return this.refuse(RiskReason.DAILY_LOSS_LIMIT, `one contract risks ${riskPerContract}, more than the daily loss left`);
    const qty = Math.min(byKelly, capacity, byDailyLoss);
    const stopPrice = o.entryPrice - sign * stopTicks * spec.tickSize;
    const targetPrice = o.entryPrice + sign * targetTicks * spec.tickSize;
    return { approved: true, qty, stopPrice, targetPrice, stopTicks, targetTicks, riskUsd: qty * riskPerContract, kelly, alert: this.level };
  }

  /** Records a closed trade's profit (negative: loss), net of costs, on the given trade date (day number). */
  onTradeClosed(pnlUsd: number, tradeDate?: number): void {
    if (tradeDate !== undefined) this.startDay(tradeDate);
    this.balanceUsd += pnlUsd;
    this.realizedToday += pnlUsd;
    if (pnlUsd < 0) this.losses++;
    else if (pnlUsd > 0) this.losses = 0;
    const c = this.config;
    if (this.balanceUsd < c.minBalance) this.halt(RiskReason.MIN_BALANCE);
    else if (-this.realizedToday >= c.catastropheLossMultiple * c.dailyLossLimit) this.halt(RiskReason.DAILY_LOSS_LIMIT);
    else this.refresh();
  }

  /** Starts a trade date (day number): the day's loss and the loss streak start again; a halt stays. */
  startDay(tradeDate: number): void {
    if (this.day === tradeDate) return;
    this.day = tradeDate;
    this.realizedToday = 0;
    this.losses = 0;
    this.refresh();
  }

  /** Declares CATASTROPHE from outside (lost connection, operator): flatten and halt. */
  declareCatastrophe(reason: RiskReasonCode = RiskReason.EXTERNAL): void {
    this.halt(reason);
  }

  /** The manual reset after CATASTROPHE: clears the halt, the day's loss and the loss streak. */
  reset(): void {
    this.halted = null;
    this.realizedToday = 0;
    this.losses = 0;
    this.refresh();
  }

  private halt(reason: RiskReasonCode): void {
    if (this.halted !== null) return;
    this.halted = reason;
    this.refresh();
  }

  /** Recomputes the level from the state; tells the listener when it changed, with its cause. */
  private refresh(): void {
    const c = this.config;
    const loss = -this.realizedToday;
    let next: AlertLevel = 'INFO';
    let reason: RiskReasonCode | null = null;
    if (this.halted) [next, reason] = ['CATASTROPHE', this.halted];
    else if (loss >= c.dailyLossLimit) [next, reason] = ['CRITICAL', RiskReason.DAILY_LOSS_LIMIT];
    else if (this.losses >= c.maxConsecutiveLosses) [next, reason] = ['CRITICAL', RiskReason.MAX_CONSECUTIVE_LOSSES];
    else if (this.balanceUsd < c.minBalance) [next, reason] = ['CRITICAL', RiskReason.MIN_BALANCE];
    else if (loss >= c.warningLossShare * c.dailyLossLimit) [next, reason] = ['WARNING', RiskReason.DAILY_LOSS_LIMIT];
    else if (this.losses >= c.warningConsecutiveLosses) [next, reason] = ['WARNING', RiskReason.MAX_CONSECUTIVE_LOSSES];
    if (next === this.level) return;
    const previous = this.level;
    this.level = next;
    // Symbols sorted so the flatten list is the same whatever order positions were opened in.
    const flatten = next === 'CATASTROPHE' ? [...this.positions.openPositions()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([symbol, q]) => ({ symbol, qty: -q })) : [];
    this.listener({ level: next, previous, reason, flatten });
  }

  private refuse(reason: RiskReasonCode, message: string): RiskDecision {
    return { approved: false, reason, message, alert: this.level };
  }
}

/** A bracket distance times a strategy's multiplier, whole ticks, at least one. */
function scaledTicks(ticks: number | null, scale: number | undefined): number | null {
  if (ticks === null || scale === undefined || scale === 1) return ticks;
  return Math.max(1, Math.round(ticks * scale));
}
