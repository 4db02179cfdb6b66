import { configError, ErrorCode } from '../../common/errors.js';
import type { SnapshotInput } from '../../model/signal-input.js';
import type { SignalDecision } from '../signal-engine.js';
import { Defensive, type DefensiveConfig } from './defensive.js';
import { RangeFade, type RangeFadeConfig } from './range-fade.js';
import { StrategySelector, strategySupport, type SelectorConfig, type StrategySupport } from './strategy-selector.js';
import { noEntry, STRATEGY_IDS, type DecisionStrategyId, type Strategy, type StrategyContext, type StrategyEntry, type StrategyId, type StrategyVerdict } from './strategy.js';
import { inTradingHours, type TradingHours } from './trading-hours.js';
import { TrendPullback, type TrendPullbackConfig } from './trend-pullback.js';

/** Which strategies run, when entries are allowed, and each part's parameters. */
export interface StrategyBookConfig {
  /** Strategies the selector may pick; empty: the Battle Navale direction is traded as it is (id `signal`). */
  enabled: readonly StrategyId[];
  /** Entries only inside this New York time window; null: every hour. */
  tradingHours: TradingHours | null;
  selector?: Partial<SelectorConfig>;
  trend?: Partial<TrendPullbackConfig>;
  range?: Partial<RangeFadeConfig>;
  defensive?: Partial<DefensiveConfig>;
}

/** Nothing enabled, no window: decisions pass unchanged (the pipeline then builds no book). */
export const STRATEGIES_OFF: StrategyBookConfig = { enabled: [], tradingHours: null };

/** True when the book changes anything: a strategy is enabled or a trading-hours window is set. */
export function strategiesActive(c: StrategyBookConfig): boolean {
  return c.enabled.length > 0 || c.tradingHours !== null;
}

/** The strategy id a decision is counted under: its strategy's, or `signal` when strategies are off. */
export function strategyIdOf(d: SignalDecision): DecisionStrategyId {
  return d.strategy?.id ?? 'signal';
}

/** Reads `--strategies`: `all`, `off`, or a comma list of trend, range, defensive. */
export function parseStrategies(text: string): StrategyId[] {
  const t = text.trim().toLowerCase();
  if (t === 'all') return [...STRATEGY_IDS];
  if (t === 'off' || t === 'none') return [];
  const ids = t.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const id of ids) {
    if (!(STRATEGY_IDS as readonly string[]).includes(id)) throw configError(ErrorCode.BAD_CONFIG, `unknown strategy "${id}" (expected ${STRATEGY_IDS.join(', ')}, all or off)`);
  }
  if (ids.length === 0) throw configError(ErrorCode.BAD_CONFIG, 'no strategy listed (use off for none)');
  return STRATEGY_IDS.filter((id) => ids.includes(id));
}

/**
 * Turns the signal engine's decision into a strategy's: per symbol a {@link StrategySelector} picks the strategy
 * from the regime and volatility probabilities (with hysteresis), the strategy's rules give the direction,
 * size factor and bracket, and the trading-hours window withholds entries outside it. The returned decision
 * is a copy whose `direction` is the strategy's and whose `strategy` says which one, why, and what the
 * Battle Navale direction was. No clock is read: the decision's own time is the one checked.
 */
export class StrategyBook {
  readonly config: StrategyBookConfig;
  private readonly strategies: Record<StrategyId, Strategy>;
  private readonly selectors = new Map<string, StrategySelector>();
  /** Reused per decision: the strategies read it synchronously and keep nothing. */
  private readonly ctx: StrategyContext = {
    signalDirection: 'flat', confidence: 0, price: null, tickSize: 0.25, market: null, volatility: null, confluence: null, absorption: null, levels: null,
  };
  private readonly support: StrategySupport = { trend: 0, range: 0, defensive: 0 };

  constructor(config: StrategyBookConfig) {
    this.config = config;
    this.strategies = { trend: new TrendPullback(config.trend), range: new RangeFade(config.range), defensive: new Defensive(config.defensive) };
    // Checks the selector's parameters at construction, not on the first decision.
    if (config.enabled.length > 0) new StrategySelector(config.enabled, config.selector);
  }

  /** The decision as the strategy in force shapes it. `baseTimeframe`: the frame whose session levels are read. */
  apply(d: SignalDecision, input: SnapshotInput, baseTimeframe: string): SignalDecision {
    const verdict = this.verdict(d, input, baseTimeframe);
    // `d` is SignalEngine.decide's fresh object, read by no one yet: shaped in place, not copied per decision
    // (the signal's own direction stays on the verdict).
    d.direction = verdict.direction;
    d.strategy = verdict;
    return d;
  }

  /** The strategy verdict on a decision. */
  verdict(d: SignalDecision, input: SnapshotInput, baseTimeframe: string): StrategyVerdict {
    const { market, volatility } = d.regime;
    let id: StrategyVerdict['id'] = 'signal';
    let entry: StrategyEntry;
    if (this.config.enabled.length === 0) {
      entry = { direction: d.direction, sizeFactor: 1, stopScale: 1, targetScale: 1, reason: d.direction === 'flat' ? 'signal-flat' : 'signal' };
    } else if (!market) {
      id = 'none';
      entry = noEntry('regime-warming-up');
    } else {
      id = this.selector(d.symbol).pick(strategySupport(market, volatility, this.support));
      entry = this.strategies[id].decide(this.context(d, input, baseTimeframe));
    }
    const hours = this.config.tradingHours;
    if (entry.direction !== 'flat' && hours && !inTradingHours(hours, input.tsMs)) entry = noEntry('outside-trading-hours');
    return { id, signalDirection: d.direction, ...entry };
  }

  /** Forgets every symbol's pick. */
  reset(): void {
    this.selectors.clear();
  }

  private selector(symbol: string): StrategySelector {
    let s = this.selectors.get(symbol);
    if (!s) this.selectors.set(symbol, (s = new StrategySelector(this.config.enabled, this.config.selector)));
    return s;
  }

  private context(d: SignalDecision, input: SnapshotInput, baseTimeframe: string): StrategyContext {
    const c = this.ctx;
    const base = input.frames.find((f) => f.timeframe === baseTimeframe) ?? input.frames[0];
    c.signalDirection = d.direction;
    c.confidence = d.confidence;
    c.price = d.price;
    c.tickSize = input.tickSize > 0 ? input.tickSize : c.tickSize;
    c.market = d.regime.market;
    c.volatility = d.regime.volatility;
    c.confluence = d.features.confluence_score;
    c.absorption = d.smartMoney.absorption;
    c.levels = base ? base.session : null;
    return c;
  }
}
