import { configError, ErrorCode } from '../common/errors.js';
import { Atr } from './indicators/atr.js';
import { EfficiencyRatio } from './indicators/efficiency-ratio.js';
import { PercentileRank } from './indicators/percentile-rank.js';

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

/** Market regime as probabilities that sum to 1. */
export interface MarketRegimeProbabilities {
  trendUp: number;
  trendDown: number;
  range: number;
}

/** Volatility regime as probabilities that sum to 1. */
export interface VolatilityRegimeProbabilities {
  low: number;
  normal: number;
  high: number;
}

/** Parameters of both regimes. */
export interface RegimeConfig {
  /** Efficiency-ratio period (changes). */
  erPeriod: number;
  /** ER at which trend and range are equally likely (Kaufman: above ~0.3 the market trends). */
  erThreshold: number;
  /** Half-width of the linear ramp around erThreshold. */
  erBand: number;
  atrPeriod: number;
  /** Number of prior ATR values the percentile compares against, and how many it needs. */
  atrWindow: number;
  atrMinSamples: number;
  /** Percentiles where low/normal and normal/high are equally likely, and the ramps' half-width. */
  lowCut: number;
  highCut: number;
  percentileBand: number;
}

/** Defaults: ER(20) ramp 0.2–0.4; ATR(14) percentile over 100 bars (20 needed), ramps 0.15–0.35 and 0.65–0.85. */
export const DEFAULT_REGIME_CONFIG: RegimeConfig = {
  erPeriod: 20,
  erThreshold: 0.3,
  erBand: 0.1,
  atrPeriod: 14,
  atrWindow: 100,
  atrMinSamples: 20,
  lowCut: 0.25,
  highCut: 0.75,
  percentileBand: 0.1,
};

/**
 * Trend/range probabilities from an efficiency ratio: P(trend) rises linearly from 0 at
 * erThreshold − erBand to 1 at erThreshold + erBand; the trend probability goes to the side of the net
 * change (`direction` +1 or −1) and P(range) = 1 − P(trend). A linear ramp rather than a logistic keeps
 * every value checkable by hand.
 */
export function trendProbabilities(er: number, direction: number, cfg: RegimeConfig = DEFAULT_REGIME_CONFIG): MarketRegimeProbabilities {
  const pTrend = direction === 0 ? 0 : clamp01((er - (cfg.erThreshold - cfg.erBand)) / (2 * cfg.erBand));
  return { trendUp: direction > 0 ? pTrend : 0, trendDown: direction < 0 ? pTrend : 0, range: 1 - pTrend };
}

/**
 * Low/normal/high probabilities from an ATR percentile p in [0, 1]: P(low) falls linearly from 1 at
 * lowCut − band to 0 at lowCut + band, P(high) rises from 0 at highCut − band to 1 at highCut + band,
 * P(normal) is the rest.
 */
export function volatilityProbabilities(p: number, cfg: RegimeConfig = DEFAULT_REGIME_CONFIG): VolatilityRegimeProbabilities {
  const b = cfg.percentileBand;
  const low = clamp01((cfg.lowCut + b - p) / (2 * b));
  const high = clamp01((p - (cfg.highCut - b)) / (2 * b));
  return { low, normal: 1 - low - high, high };
}

/** The label with the highest probability (ties to the first key in declaration order). */
export function regimeLabel<T extends object>(p: T): keyof T {
  let best: keyof T | undefined;
  let bestP = -1;
  for (const k of Object.keys(p) as Array<keyof T>) {
    const v = p[k] as number;
    if (v > bestP) {
      best = k;
      bestP = v;
    }
  }
  return best!;
}

/** Market and volatility regime of one symbol, fed with closed bars of one timeframe. */
export class RegimeTracker {
  /** Parameters in use. */
  readonly config: RegimeConfig;
  private readonly er: EfficiencyRatio;
  private readonly atr: Atr;
  private readonly rank: PercentileRank;

  constructor(config: RegimeConfig = DEFAULT_REGIME_CONFIG) {
    if (!(config.erBand > 0) || !(config.percentileBand > 0)) throw configError(ErrorCode.BAD_CONFIG, 'RegimeTracker: bands must be > 0');
    if (!(config.lowCut + config.percentileBand <= config.highCut - config.percentileBand)) {
      throw configError(ErrorCode.BAD_CONFIG, 'RegimeTracker: the low and high ramps overlap');
    }
    this.config = config;
    this.er = new EfficiencyRatio(config.erPeriod);
    this.atr = new Atr(config.atrPeriod);
    this.rank = new PercentileRank(config.atrWindow, config.atrMinSamples);
  }

  /** Adds a closed bar. */
  update(high: number, low: number, close: number): void {
    this.er.update(close);
    const a = this.atr.update(high, low, close);
    if (a !== null) this.rank.update(a);
  }

  /** Efficiency ratio, null during warm-up. */
  get efficiencyRatio(): number | null {
    return this.er.value;
  }
  /** ATR of the regime timeframe, null during warm-up. */
  get atrValue(): number | null {
    return this.atr.value;
  }
  /** Percentile of the latest ATR among the prior window, null during warm-up. */
  get atrPercentile(): number | null {
    return this.rank.value;
  }
  /** Market-regime probabilities, null during warm-up. */
  market(): MarketRegimeProbabilities | null {
    const er = this.er.value;
    return er === null ? null : trendProbabilities(er, this.er.direction, this.config);
  }
  /** Volatility-regime probabilities, null during warm-up. */
  volatility(): VolatilityRegimeProbabilities | null {
    const p = this.rank.value;
    return p === null ? null : volatilityProbabilities(p, this.config);
  }
  /** Forgets every bar. */
  reset(): void {
    this.er.reset();
    this.atr.reset();
    this.rank.reset();
  }
}
