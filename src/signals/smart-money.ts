import { configError, ErrorCode } from '../common/errors.js';
import { RollingWindow } from '../common/rolling-window.js';
import type { BarInput } from '../model/signal-input.js';
import { checkPeriod } from './indicators/indicator.js';
import { PercentileRank } from './indicators/percentile-rank.js';

/** Parameters of the smart-money tracker. */
export interface SmartMoneyConfig {
  /** Prior average-trade-size samples the large-trade rank compares against, and how many it needs. */
  sizeWindow: number;
  sizeMinSamples: number;
  /** Percentile rank at or above which a sample counts as large. */
  largeQuantile: number;
  /** Closed bars summed for large-trade flow and stacked imbalances. */
  flowBars: number;
  /** Absorption: closed bars in the window. */
  absorptionBars: number;
  /** Absorption: |Σ delta| over the window, in contracts, at or above which aggression is heavy. */
  absorptionVolume: number;
  /** Absorption: largest price progress, in ticks, in the aggressor's direction that still counts as held. */
  absorptionMaxTicks: number;
  /** Weights of the components in the score (a missing component drops out of the mean). */
  weights: { largeFlow: number; stacked: number; absorption: number; book: number };
}

/** Defaults: 500 samples (50 needed), 90th percentile, 5-bar flow, absorption 3 bars / 300 lots / 2 ticks. */
export const DEFAULT_SMART_MONEY_CONFIG: SmartMoneyConfig = {
  sizeWindow: 500,
  sizeMinSamples: 50,
  largeQuantile: 0.9,
  flowBars: 5,
  absorptionBars: 3,
  absorptionVolume: 300,
  absorptionMaxTicks: 2,
  weights: { largeFlow: 0.35, stacked: 0.25, absorption: 0.25, book: 0.15 },
};

/** The tracker's components, each in [−1, 1] (positive = buyers in control), null when unknown. */
export interface SmartMoneyState {
  /** (large buy volume − large sell volume) / (their sum) over the flow window; 0 with no large volume. */
  largeFlow: number | null;
  /** Σ(stackedBuy − stackedSell) / Σ(stackedBuy + stackedSell) over the flow window; 0 with none. */
  stacked: number | null;
  /** +1 sellers absorbed (bullish), −1 buyers absorbed (bearish), 0 neither. */
  absorption: number | null;
  /** (bid size − ask size) / (bid size + ask size) of the top of book, null without a quote. */
  book: number | null;
  /** Weighted mean of the components present, null when none is. */
  score: number | null;
}

/**
 * Institutional footprints in closed bars:
 * - large trades: each footprint row's average trade size per side (ask/askTrades for buyers,
 *   bid/bidTrades for sellers) is ranked against the rolling distribution of prior samples; a sample at or
 *   above `largeQuantile` adds its volume to large buy or sell volume. Every row of a bar is ranked against
 *   the distribution before any row of that bar joins it, so row order does not matter. Bars without
 *   footprint rows use the bar's average size (volume / trades) and attribute its buy and sell volume.
 * - stacked imbalances: the bars' stackedBuy/stackedSell counts (ATAS rule, docs/features.md).
 * - absorption: over the last `absorptionBars` bars, |Σ delta| ≥ `absorptionVolume` while the price moved
 *   at most `absorptionMaxTicks` in the aggressor's direction (close of the last bar − open of the first).
 * - book imbalance of the top of book, when a quote is given.
 */
export class SmartMoneyTracker {
  /** Parameters in use. */
  readonly config: SmartMoneyConfig;
  private readonly sizes: PercentileRank;
  // Windows of a few bars, summed afresh when read (freshSum): no running-sum drift to reason about.
  private readonly largeBuy: RollingWindow;
  private readonly largeSell: RollingWindow;
  private readonly stackBuy: RollingWindow;
  private readonly stackSell: RollingWindow;
  private readonly deltas: RollingWindow;
  private readonly opens: RollingWindow;
  private bars = 0;
  private lastClose = 0;

  constructor(config: SmartMoneyConfig = DEFAULT_SMART_MONEY_CONFIG) {
    checkPeriod('SmartMoneyTracker flowBars', config.flowBars);
    checkPeriod('SmartMoneyTracker absorptionBars', config.absorptionBars);
    if (!(config.largeQuantile > 0 && config.largeQuantile <= 1)) throw configError(ErrorCode.BAD_CONFIG, 'SmartMoneyTracker: largeQuantile must be in (0, 1]');
    if (!(config.absorptionVolume > 0) || !(config.absorptionMaxTicks >= 0)) throw configError(ErrorCode.BAD_CONFIG, 'SmartMoneyTracker: absorption parameters must be positive');
    this.config = config;
    this.sizes = new PercentileRank(config.sizeWindow, config.sizeMinSamples);
    this.largeBuy = new RollingWindow(config.flowBars);
    this.largeSell = new RollingWindow(config.flowBars);
    this.stackBuy = new RollingWindow(config.flowBars);
    this.stackSell = new RollingWindow(config.flowBars);
    this.deltas = new RollingWindow(config.absorptionBars);
    this.opens = new RollingWindow(config.absorptionBars);
  }

  /** Closed bars accepted. */
  get count(): number {
    return this.bars;
  }

  /** Adds a closed bar of the tracked timeframe. */
  update(bar: BarInput): void {
    const q = this.config.largeQuantile;
    let lb = 0;
    let ls = 0;
    const levels = bar.levels;
    if (levels && levels.length > 0) {
      // (rank ?? 0) ≥ q for every row against the same window: found once, then a comparison a row.
      const sizes = this.sizes;
      sizes.cut(q);
      for (const l of levels) {
        if (l.askTrades > 0 && sizes.reaches(l.ask / l.askTrades)) lb += l.ask;
        if (l.bidTrades > 0 && sizes.reaches(l.bid / l.bidTrades)) ls += l.bid;
      }
      for (const l of levels) {
        if (l.askTrades > 0) this.sizes.add(l.ask / l.askTrades);
        if (l.bidTrades > 0) this.sizes.add(l.bid / l.bidTrades);
      }
    } else if (bar.trades > 0) {
      if ((this.sizes.update(bar.volume / bar.trades) ?? 0) >= q) {
        lb = bar.buyVolume;
        ls = bar.sellVolume;
      }
    }
    this.largeBuy.push(lb);
    this.largeSell.push(ls);
    this.stackBuy.push(bar.stackedBuy);
    this.stackSell.push(bar.stackedSell);
    this.deltas.push(bar.delta);
    this.opens.push(bar.open);
    this.lastClose = bar.close;
    this.bars++;
  }

  /** The components and score now, with the top of book when known (sizes in contracts). */
  state(tickSize: number, bidSize?: number, askSize?: number): SmartMoneyState {
    const w = this.config.weights;
    let largeFlow: number | null = null;
    let stacked: number | null = null;
    let absorption: number | null = null;
    if (this.bars > 0) {
      largeFlow = ratio(this.largeBuy.freshSum(), this.largeSell.freshSum());
      stacked = ratio(this.stackBuy.freshSum(), this.stackSell.freshSum());
    }
    if (this.bars >= this.config.absorptionBars) absorption = this.absorption(tickSize);
    let book: number | null = null;
    if (bidSize !== undefined && askSize !== undefined && bidSize + askSize > 0) book = (bidSize - askSize) / (bidSize + askSize);
    let num = 0;
    let den = 0;
    if (largeFlow !== null) (num += w.largeFlow * largeFlow), (den += w.largeFlow);
    if (stacked !== null) (num += w.stacked * stacked), (den += w.stacked);
    if (absorption !== null) (num += w.absorption * absorption), (den += w.absorption);
    if (book !== null) (num += w.book * book), (den += w.book);
    return { largeFlow, stacked, absorption, book, score: den > 0 ? num / den : null };
  }

  private absorption(tickSize: number): number {
    const firstOpen = this.opens.at(0);
    const progressTicks = (this.lastClose - firstOpen) / tickSize;
    const netDelta = this.deltas.freshSum();
    const max = this.config.absorptionMaxTicks;
    if (netDelta >= this.config.absorptionVolume && progressTicks <= max) return -1;
    if (netDelta <= -this.config.absorptionVolume && progressTicks >= -max) return 1;
    return 0;
  }

  /** Forgets every bar. */
  reset(): void {
    this.sizes.reset();
    for (const w of [this.largeBuy, this.largeSell, this.stackBuy, this.stackSell, this.deltas, this.opens]) w.clear();
    this.bars = 0;
    this.lastClose = 0;
  }
}

function ratio(buy: number, sell: number): number {
  const t = buy + sell;
  return t > 0 ? (buy - sell) / t : 0;
}
