import { createChart, type IChartApi, type ISeriesApi, type Time, type UTCTimestamp } from 'lightweight-charts';
import type { BarBook, BarPoint, BookChange, FootprintRow } from './bar-book.js';
import { COLORS, IMBALANCE } from './config.js';
import { setText } from './dom.js';
import { footprintCells } from './footprint-model.js';
import { FootprintSeries, type FootprintData } from './footprint-series.js';
import { decimals, signed } from './format.js';
import { chartOptions } from './price-view.js';

/** Bars the footprint shows when a selection loads: few enough that cells have room for their numbers. */
const VISIBLE_BARS = 9;

/**
 * The footprint chart (#view-footprint): its own lightweight-charts chart holding the selection's bars as a
 * custom series (footprint-series.ts), so cells follow its time and price scales when zoomed and scrolled.
 * It keeps its own zoom (a readable footprint shows a handful of bars while the price chart shows the session);
 * the price chart's crosshair is mirrored here, and a click on the price chart brings that bar to the middle.
 * Each bar's layout is computed once per bar version and cached by the bar object.
 */
export class FootprintView {
  readonly chart: IChartApi;
  readonly series: ISeriesApi<'Custom', Time, FootprintData>;
  private readonly book: BarBook;
  private readonly cache = new WeakMap<BarPoint, FootprintData>();
  private tick = 0.25;

  constructor(container: HTMLElement, legend: HTMLElement, book: BarBook) {
    this.book = book;
    this.chart = createChart(container, chartOptions());
    this.chart.timeScale().applyOptions({ barSpacing: 96, minBarSpacing: 3, rightOffset: 1 });
    this.series = this.chart.addCustomSeries(new FootprintSeries(), {
      priceLineVisible: false, lastValueVisible: true, color: COLORS.text,
      priceFormat: { type: 'price', precision: 2, minMove: 0.25 },
    }) as ISeriesApi<'Custom', Time, FootprintData>;
    setText(legend, `bid × ask · diagonal imbalance ≥ ${IMBALANCE.ratio}× and ≥ ${IMBALANCE.minVolume} (bold) · ` +
      `stacked ≥ ${IMBALANCE.stackedLevels} rows (band) · POC boxed · Δ under each bar · zoom in to read`);
  }

  /** The footprint's row step (the snapshot's tick size), also the price scale's step. */
  setTick(tick: number): void {
    if (!(tick > 0) || tick === this.tick) return;
    this.tick = tick;
    this.series.applyOptions({ priceFormat: { type: 'price', precision: decimals(tick), minMove: tick } });
  }

  /** Plots a change of the book; `fit` shows the last bars (a new selection). */
  apply(change: BookChange, fit = false): void {
    if (change.kind === 'reset') {
      const bars = this.book.bars;
      this.series.setData(bars.map((b) => this.data(b)));
      if (fit && bars.length > 0) this.chart.timeScale().setVisibleLogicalRange({ from: bars.length - VISIBLE_BARS, to: bars.length });
    } else if (change.kind === 'upsert') this.series.update(this.data(change.point), change.historical);
  }

  /** The rows drawn for the bar open at `time` (UTC seconds): undefined for no such bar, [] for one without rows. */
  rows(time: number): { price: number; bid: number; ask: number }[] | undefined {
    const b = this.book.bars[this.book.indexOf(time)];
    if (!b) return undefined;
    return (this.data(b).cells?.rows ?? []).map((r: FootprintRow) => ({ price: r.price, bid: r.bid, ask: r.ask }));
  }

  /** Mirrors the price chart's crosshair (null hides it). */
  crosshair(time: number | null, price: number): void {
    if (time === null) this.chart.clearCrosshairPosition();
    else this.chart.setCrosshairPosition(price, time as UTCTimestamp, this.series);
  }

  /** Brings the bar at logical index `logical` (the same in both charts: same bars) to the middle. */
  focus(logical: number): void {
    const r = this.chart.timeScale().getVisibleLogicalRange();
    const half = r ? (r.to - r.from) / 2 : VISIBLE_BARS / 2;
    this.chart.timeScale().setVisibleLogicalRange({ from: logical - half, to: logical + half });
  }

  private data(b: BarPoint): FootprintData {
    let d = this.cache.get(b);
    if (!d) {
      d = {
        time: b.time as UTCTimestamp,
        open: b.open, high: b.high, low: b.low, close: b.close, delta: b.delta,
        deltaText: `Δ ${signed(b.delta)}`,
        cells: footprintCells(b.levels, this.tick, b.poc, IMBALANCE),
      };
      this.cache.set(b, d);
    }
    return d;
  }
}

