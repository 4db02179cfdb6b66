import { configError, ErrorCode } from '../common/errors.js';
import { RollingWindow } from '../common/rolling-window.js';
import { SignalInputError, type BarInput, type FrameInput, type SnapshotInput } from '../model/signal-input.js';
import { isoNs, type UnixNanos } from '../model/time.js';
import { battleNavale, checkBattleNavaleConfig, DEFAULT_BATTLE_NAVALE_CONFIG, type BattleNavaleConfig } from './battle-navale.js';
import { weekday } from '../model/calendar/civil-day.js';
import { ExchangeCalendar } from '../model/calendar/exchange-holidays.js';
import { DEFAULT_EXPIRY_CONFIG, expiryPhase, type ExpiryConfig, type ExpiryState } from '../model/calendar/options-expiry.js';
import { easternLocalMs, easternMinuteOfDay, tradeDate } from '../model/calendar/us-eastern-time.js';
import { CONFLUENCE_TIMEFRAMES, type ConfluenceTimeframe } from '../model/confluence-timeframes.js';
import { checkConfluenceWeights, confluence, DEFAULT_CONFLUENCE_WEIGHTS, type ConfluenceWeights } from './confluence.js';
import { DEFAULT_TIME_FACTOR, momentumFlow, supportResistance, timeFactor, volumeProfilePosition, type FeatureVector, type TimeFactorConfig } from './features.js';
import { Rsi } from './indicators/rsi.js';
import { DEFAULT_REGIME_CONFIG, RegimeTracker, type MarketRegimeProbabilities, type RegimeConfig, type VolatilityRegimeProbabilities } from './regime.js';
import { DEFAULT_SMART_MONEY_CONFIG, SmartMoneyTracker, type SmartMoneyConfig, type SmartMoneyState } from './smart-money.js';
import type { StrategyVerdict } from './strategies/strategy.js';
import { DEFAULT_DIRECTION_CONFIG, TimeframeDirection, type DirectionConfig } from './timeframe-direction.js';
import { PatternTracker, type OrderFlowPatterns } from './patterns/order-flow-patterns.js';
import { DEFAULT_PATTERN_CONFIG, type PatternConfig } from './patterns/pattern-config.js';

/** Everything the signal engine can be configured with; each part has a documented default. */
export interface SignalEngineConfig {
  /** Timeframe whose closed bars feed momentum, regimes and the smart-money tracker. */
  baseTimeframe: ConfluenceTimeframe;
  direction: DirectionConfig;
  confluenceWeights: ConfluenceWeights;
  regime: RegimeConfig;
  smartMoney: SmartMoneyConfig;
  battleNavale: BattleNavaleConfig;
  expiry: ExpiryConfig;
  timeFactor: TimeFactorConfig;
  rsiPeriod: number;
  /** Closed base bars in the momentum delta ratio Σ delta / Σ volume. */
  deltaBars: number;
  /** Tick size used until a snapshot gives the instrument's own. */
  defaultTickSize: number;
  /** Day numbers of unscheduled exchange closures. */
  extraClosures: readonly number[];
  /** Order-flow patterns of the base timeframe's bars (not features: no model depends on them). */
  patterns: PatternConfig;
}

/** Defaults of every part (docs/signals.md). */
export const DEFAULT_SIGNAL_ENGINE_CONFIG: SignalEngineConfig = {
  baseTimeframe: '1m',
  direction: DEFAULT_DIRECTION_CONFIG,
  confluenceWeights: DEFAULT_CONFLUENCE_WEIGHTS,
  regime: DEFAULT_REGIME_CONFIG,
  smartMoney: DEFAULT_SMART_MONEY_CONFIG,
  battleNavale: DEFAULT_BATTLE_NAVALE_CONFIG,
  expiry: DEFAULT_EXPIRY_CONFIG,
  timeFactor: DEFAULT_TIME_FACTOR,
  rsiPeriod: 14,
  deltaBars: 5,
  defaultTickSize: 0.25,
  extraClosures: [],
  patterns: DEFAULT_PATTERN_CONFIG,
};

/** One decision, emitted for each snapshot. */
export interface SignalDecision {
  symbol: string;
  /** The snapshot's time: its last trade's. */
  tsNs: UnixNanos;
  score: number;
  confidence: number;
  direction: 'long' | 'short' | 'flat';
  features: FeatureVector;
  regime: {
    market: MarketRegimeProbabilities | null;
    volatility: VolatilityRegimeProbabilities | null;
    /** Directions of each timeframe, null while warming up. */
    timeframes: Record<ConfluenceTimeframe, number | null>;
  };
  smartMoney: SmartMoneyState;
  expiry: Pick<ExpiryState, 'phase' | 'factor' | 'daysToExpiry'>;
  /** The price the decision is made at: the base timeframe's bar in progress, else its last close, else the mid quote. */
  price: number | null;
  /** CME trade date of the snapshot, days since the epoch (the risk engine's day). */
  tradeDate: number;
  /** The strategy that shaped `direction` (src/signals/strategies); absent when strategies are off. */
  strategy?: StrategyVerdict;
  /** Order-flow patterns of the last closed base bar (absent from decisions built elsewhere, e.g. tests). */
  patterns?: OrderFlowPatterns;
}

interface SymbolState {
  directions: Map<string, TimeframeDirection>;
  lastClosedMs: Map<string, number>;
  rsi: Rsi;
  regime: RegimeTracker;
  smart: SmartMoneyTracker;
  /** Delta and volume of the last `deltaBars` base bars. */
  deltas: RollingWindow;
  volumes: RollingWindow;
  tickSize: number;
  patterns: PatternTracker;
}

/**
 * Turns the snapshots and closed bars of one or more symbols into decisions. Closed bars (the engine's bar
 * events, or a snapshot's `lastClosed` when its bar has not been taken yet) update the indicators once each: a
 * bar is taken when its open time is later than the last one taken on that timeframe, so the same bar arriving
 * on both paths counts once. Each snapshot yields one decision. No clock is read: the same inputs in the same
 * order give the same decisions.
 */
export class SignalEngine {
  /** Parameters in use. */
  readonly config: SignalEngineConfig;
  private readonly symbols = new Map<string, SymbolState>();
  private readonly calendar: ExchangeCalendar;
  private expiryDay = Number.NaN;
  private expiryState: ExpiryState | undefined;

  constructor(config: Partial<SignalEngineConfig> = {}) {
    this.config = { ...DEFAULT_SIGNAL_ENGINE_CONFIG, ...config };
    checkConfluenceWeights(this.config.confluenceWeights);
    checkBattleNavaleConfig(this.config.battleNavale);
    if (!(this.config.defaultTickSize > 0)) throw configError(ErrorCode.BAD_CONFIG, 'defaultTickSize must be > 0');
    this.calendar = new ExchangeCalendar(this.config.extraClosures);
    // Build one state eagerly so invalid indicator parameters throw at construction, not on the first bar.
    this.createState();
  }

  /** True when closed bars of `timeframe` are read with their footprint rows (the base timeframe's: smart money). */
  usesLevels(timeframe: string): boolean {
    return timeframe === this.config.baseTimeframe;
  }

  /** Takes one closed bar of a symbol (ignored when that timeframe already has this bar or a later one). */
  onBarInput(symbol: string, b: BarInput): void {
    const s = this.state(symbol);
    const last = s.lastClosedMs.get(b.timeframe);
    if (last !== undefined && b.tsMs <= last) return;
    s.lastClosedMs.set(b.timeframe, b.tsMs);
    s.directions.get(b.timeframe)?.update(b.high, b.low, b.close);
    if (b.timeframe === this.config.baseTimeframe) this.onBaseBar(s, b);
  }

  /** Takes a snapshot's closed bars not yet seen and returns the decision at the snapshot's time. */
  decide(m: SnapshotInput): SignalDecision {
    const s = this.state(m.symbol);
    if (m.tickSize > 0) s.tickSize = m.tickSize;
    for (const f of m.frames) if (f.lastClosed) this.onBarInput(m.symbol, f.lastClosed);
    const base = m.frames.find((f) => f.timeframe === this.config.baseTimeframe) ?? m.frames[0];
    if (!base) throw new SignalInputError(`snapshot ${m.symbol} ${isoNs(m.tsNs)}: no frames`);
    const price = priceAt(base, m.quote);
    const utcMs = m.tsMs;
    const day = tradeDate(utcMs);
    const expiry = this.expiryOn(day);

    const timeframes = {} as Record<ConfluenceTimeframe, number | null>;
    for (const tf of CONFLUENCE_TIMEFRAMES) timeframes[tf] = s.directions.get(tf)!.value;
    const conf = confluence(timeframes, this.config.confluenceWeights);
    const market = s.regime.market();
    const volatility = s.regime.volatility();
    const smartMoney = s.smart.state(s.tickSize, m.quote?.bidSize, m.quote?.askSize);
    const deltaRatio = s.deltas.size > 0 ? ratioOf(s.deltas, s.volumes) : null;
    const localDay = Math.floor(easternLocalMs(utcMs) / 86_400_000);
    const features: FeatureVector = {
      confluence_score: conf ? conf.score : null,
      momentum_flow: momentumFlow(s.rsi.value, deltaRatio, smartMoney.score),
      trend_alignment: conf ? conf.alignment : null,
      volume_profile: price === null ? null : volumeProfilePosition(price, base.session),
      support_resistance: price === null ? null : supportResistance(price, base.session),
      market_regime_score: market ? market.trendUp - market.trendDown : null,
      volatility_regime: s.regime.atrPercentile,
      time_factor: timeFactor(easternMinuteOfDay(utcMs), weekday(localDay), this.calendar.isBusinessDay(localDay), this.config.timeFactor),
    };
    const bn = battleNavale(features, volatility ? volatility.high : 0, this.config.battleNavale);
    return {
      symbol: m.symbol,
      tsNs: m.tsNs,
      score: bn.score,
      confidence: bn.confidence,
      direction: bn.direction,
      features,
      regime: { market, volatility, timeframes },
      smartMoney,
      expiry: { phase: expiry.phase, factor: expiry.factor, daysToExpiry: expiry.daysToExpiry },
      price,
      tradeDate: day,
      patterns: s.patterns.at(base.session),
    };
  }

  /** Forgets every symbol's state. */
  reset(): void {
    this.symbols.clear();
    this.expiryDay = Number.NaN;
    this.expiryState = undefined;
  }

  private onBaseBar(s: SymbolState, b: BarInput): void {
    s.rsi.update(b.close);
    s.regime.update(b.high, b.low, b.close);
    s.smart.update(b);
    s.deltas.push(b.delta);
    s.volumes.push(b.volume);
    s.patterns.update(b, s.tickSize);
  }

  /** Expiry state of a trade date, computed once per trade date. */
  private expiryOn(day: number): ExpiryState {
    if (day !== this.expiryDay || !this.expiryState) {
      this.expiryState = expiryPhase(this.calendar, day, this.config.expiry);
      this.expiryDay = day;
    }
    return this.expiryState;
  }

  private state(symbol: string): SymbolState {
    let s = this.symbols.get(symbol);
    if (!s) {
      s = this.createState();
      this.symbols.set(symbol, s);
    }
    return s;
  }

  private createState(): SymbolState {
    const c = this.config;
    if (!Number.isInteger(c.deltaBars) || c.deltaBars < 1) throw configError(ErrorCode.BAD_CONFIG, 'deltaBars must be an integer >= 1');
    const directions = new Map<string, TimeframeDirection>();
    for (const tf of CONFLUENCE_TIMEFRAMES) directions.set(tf, new TimeframeDirection(c.direction));
    return {
      directions,
      lastClosedMs: new Map(),
      rsi: new Rsi(c.rsiPeriod),
      regime: new RegimeTracker(c.regime),
      smart: new SmartMoneyTracker(c.smartMoney),
      deltas: new RollingWindow(c.deltaBars),
      volumes: new RollingWindow(c.deltaBars),
      tickSize: c.defaultTickSize,
      patterns: new PatternTracker(c.patterns),
    };
  }
}

/** The price a decision is made at: the base frame's bar in progress, else its last close, else the mid quote. */
function priceAt(base: FrameInput, quote: SnapshotInput['quote']): number | null {
  const c = base.close ?? base.lastClosed?.close;
  if (c !== undefined && c !== null && Number.isFinite(c)) return c;
  return quote ? (quote.bid + quote.ask) / 2 : null;
}

/** Σ num / Σ den over the windows (summed afresh: no drift), 0 without volume. */
function ratioOf(num: RollingWindow, den: RollingWindow): number {
  const b = den.freshSum();
  return b > 0 ? num.freshSum() / b : 0;
}
