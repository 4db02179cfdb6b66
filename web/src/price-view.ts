import {
  CandlestickSeries,
  ColorType,
  CrosshairMode,
  createChart,
  HistogramSeries,
  LineSeries,
  LineStyle,
  type CandlestickData,
  type HistogramData,
  type IChartApi,
  type IPriceLine,
  type ISeriesApi,
  type LineData,
  type MouseEventParams,
  type Time,
  type UTCTimestamp,
  type WhitespaceData,
} from 'lightweight-charts';
import { startsSession, type BarBook, type BarPoint, type BookChange } from './bar-book.js';
import { COLORS } from './config.js';
import { setText } from './dom.js';
import { count, decimals, price, signed } from './format.js';
import { ProfilePrimitive, type ProfileLevels } from './profile-primitive.js';
import { crosshairTime, tickMark } from './time-format.js';

/** The session levels as the price view shows them (the latest snapshot of the selection). */
export interface SessionLevels extends ProfileLevels {
  vwap: number;
  vwapSigma: number;
}

/** Options every chart of the page shares: the dark screen, ET time labels, the attribution logo left on (default). */
export function chartOptions(): Parameters<typeof createChart>[1] {
  return {
    autoSize: true,
    layout: {
      background: { type: ColorType.Solid, color: COLORS.background },
      textColor: COLORS.text,
      fontSize: 11,
      panes: { separatorColor: COLORS.border, separatorHoverColor: COLORS.muted, enableResize: true },
    },
    grid: { vertLines: { color: COLORS.grid }, horzLines: { color: COLORS.grid } },
    crosshair: { mode: CrosshairMode.Normal },
    rightPriceScale: { borderColor: COLORS.border },
    timeScale: { borderColor: COLORS.border, timeVisible: true, secondsVisible: false, tickMarkFormatter: tickMark },
    localization: { timeFormatter: crosshairTime },
  };
}

const VISIBLE_BARS = 160;
const HIDDEN = 'rgba(0, 0, 0, 0)';

/**
 * The price chart (#view-price): candles; session VWAP with ±1σ and ±2σ bands (each bar's session VWAP and σ
 * at its last trade: a closed bar's own fields, the bar in progress's from the snapshot's session); the
 * session's POC, VAH and VAL as price lines; the session volume profile primitive; and three lower panes:
 * volume, delta, cumulative delta. VWAP and cumulative delta are not joined across a session start.
 */
export class PriceView {
  readonly chart: IChartApi;
  readonly candles: ISeriesApi<'Candlestick'>;
  readonly volume: ISeriesApi<'Histogram'>;
  readonly delta: ISeriesApi<'Histogram'>;
  readonly cumDelta: ISeriesApi<'Line'>;
  readonly profile = new ProfilePrimitive();
  private readonly vwap: ISeriesApi<'Line'>[];
  private readonly book: BarBook;
  private readonly legend: HTMLElement;
  private lines: { poc: IPriceLine; vah: IPriceLine; val: IPriceLine } | null = null;
  private hovered: number | null = null;
  private tick = 0.25;

  constructor(container: HTMLElement, legend: HTMLElement, book: BarBook) {
    this.book = book;
    this.legend = legend;
    this.chart = createChart(container, chartOptions());
    this.chart.timeScale().applyOptions({ rightOffset: 8, barSpacing: 7 });
    this.candles = this.chart.addSeries(CandlestickSeries, {
      upColor: COLORS.up, downColor: COLORS.down, borderVisible: false, wickUpColor: COLORS.up, wickDownColor: COLORS.down,
      priceFormat: { type: 'price', precision: 2, minMove: 0.25 },
    });
    const line = (color: string, width: 1 | 2, style: LineStyle, title = ''): ISeriesApi<'Line'> =>
      this.chart.addSeries(LineSeries, {
        color, lineWidth: width, lineStyle: style, title, lastValueVisible: title !== '', priceLineVisible: false,
        crosshairMarkerVisible: false,
      });
    this.vwap = [
      line(COLORS.vwap, 2, LineStyle.Solid, 'VWAP'),
      line(COLORS.band1, 1, LineStyle.Dashed), line(COLORS.band1, 1, LineStyle.Dashed),
      line(COLORS.band2, 1, LineStyle.Dotted), line(COLORS.band2, 1, LineStyle.Dotted),
    ];
    this.candles.attachPrimitive(this.profile);
    this.volume = this.chart.addSeries(HistogramSeries, { priceFormat: { type: 'volume' }, title: 'Vol', priceLineVisible: false }, 1);
    this.delta = this.chart.addSeries(HistogramSeries, { priceFormat: { type: 'volume' }, title: 'Δ', priceLineVisible: false }, 2);
    this.cumDelta = this.chart.addSeries(LineSeries, {
      color: COLORS.cumDelta, lineWidth: 2, priceFormat: { type: 'volume' }, title: 'CumΔ', priceLineVisible: false,
    }, 3);
    const panes = this.chart.panes();
    [6, 1.3, 1.4, 1.4].forEach((f, i) => panes[i]?.setStretchFactor(f));
    this.chart.subscribeCrosshairMove((p) => this.crosshair(p));
  }

  /** The price scale's step: the snapshot's tick size. */
  setTick(tick: number): void {
    if (!(tick > 0) || tick === this.tick) return;
    this.tick = tick;
    this.candles.applyOptions({ priceFormat: { type: 'price', precision: decimals(tick), minMove: tick } });
  }

  /** Plots a change of the book; `fit` shows the last bars (a new selection). */
  apply(change: BookChange, fit = false): void {
    if (change.kind === 'reset') this.reset(fit);
    else if (change.kind === 'upsert') this.upsert(change.point, change.historical);
    if (change.kind !== 'none' && this.hovered === null) this.showLegend(null);
  }

  /** The session's levels (POC, VAH, VAL as price lines); null clears them. */
  setSession(s: SessionLevels | null): void {
    if (!s) {
      if (this.lines) for (const l of Object.values(this.lines)) this.candles.removePriceLine(l);
      this.lines = null;
      return;
    }
    if (!this.lines) {
      const make = (title: string, color: string, style: LineStyle, p: number): IPriceLine =>
        this.candles.createPriceLine({ price: p, color, lineWidth: 1, lineStyle: style, axisLabelVisible: true, title });
      this.lines = {
        poc: make('POC', COLORS.poc, LineStyle.Solid, s.poc),
        vah: make('VAH', COLORS.valueArea, LineStyle.Dashed, s.vah),
        val: make('VAL', COLORS.valueArea, LineStyle.Dashed, s.val),
      };
      return;
    }
    for (const k of ['poc', 'vah', 'val'] as const) {
      if (this.lines[k].options().price !== s[k]) this.lines[k].applyOptions({ price: s[k] });
    }
  }

  private reset(fit: boolean): void {
    const bars = this.book.bars;
    const c: CandlestickData[] = [];
    const v: HistogramData[] = [];
    const d: HistogramData[] = [];
    const cd: (LineData | WhitespaceData)[] = [];
    const w: (LineData | WhitespaceData)[][] = [[], [], [], [], []];
    for (let i = 0; i < bars.length; i++) {
      const b = bars[i]!;
      const ends = i + 1 < bars.length && startsSession(b, bars[i + 1]!);
      c.push(candle(b));
      v.push(volumePoint(b));
      d.push(deltaPoint(b));
      cd.push(linePoint(b, b.cumDelta, ends ? HIDDEN : undefined));
      for (let k = 0; k < 5; k++) w[k]!.push(linePoint(b, band(b, k), ends ? HIDDEN : undefined));
    }
    this.candles.setData(c);
    this.volume.setData(v);
    this.delta.setData(d);
    this.cumDelta.setData(cd);
    for (let k = 0; k < 5; k++) this.vwap[k]!.setData(w[k]!);
    if (fit && bars.length > 0) {
      // The last bars, with room on the right for the session profile (a fifth of the pane).
      const n = Math.min(bars.length, VISIBLE_BARS);
      this.chart.timeScale().setVisibleLogicalRange({ from: bars.length - n - 1, to: bars.length + Math.ceil(n * 0.3) });
    }
  }

  private upsert(b: BarPoint, historical: boolean): void {
    this.candles.update(candle(b), historical);
    this.volume.update(volumePoint(b), historical);
    this.delta.update(deltaPoint(b), historical);
    const i = this.book.indexOf(b.time);
    const next = this.book.bars[i + 1];
    const ends = next !== undefined && startsSession(b, next);
    this.cumDelta.update(linePoint(b, b.cumDelta, ends ? HIDDEN : undefined), historical);
    for (let k = 0; k < 5; k++) this.vwap[k]!.update(linePoint(b, band(b, k), ends ? HIDDEN : undefined), historical);
    // A bar that opens a session hides the segment that would join it to the previous session's last bar.
    const prev = this.book.bars[i - 1];
    if (prev && startsSession(prev, b)) {
      this.cumDelta.update(linePoint(prev, prev.cumDelta, HIDDEN), true);
      for (let k = 0; k < 5; k++) this.vwap[k]!.update(linePoint(prev, band(prev, k), HIDDEN), true);
    }
  }

  private crosshair(p: MouseEventParams): void {
    this.hovered = typeof p.time === 'number' ? p.time : null;
    this.showLegend(this.hovered);
  }

  /** The legend: the bar under the crosshair, else the last bar. */
  private showLegend(time: number | null): void {
    const bars = this.book.bars;
    const b = time === null ? bars[bars.length - 1] : bars[this.book.indexOf(time)];
    if (!b) {
      setText(this.legend, '');
      return;
    }
    setText(this.legend, `${crosshairTime(b.time as UTCTimestamp)}  O ${price(b.open)}  H ${price(b.high)}  L ${price(b.low)}  C ${price(b.close)}  ` +
      `Vol ${count(b.volume)}  Δ ${signed(b.delta)}  CumΔ ${signed(b.cumDelta)}  VWAP ${price(b.vwap)} ±σ ${price(b.vwapSigma)}${b.closed ? '' : '  (in progress)'}`);
  }
}

const time = (b: BarPoint): Time => b.time as UTCTimestamp;

function candle(b: BarPoint): CandlestickData {
  return { time: time(b), open: b.open, high: b.high, low: b.low, close: b.close };
}

function volumePoint(b: BarPoint): HistogramData {
  return { time: time(b), value: b.volume, color: b.close >= b.open ? COLORS.upSoft : COLORS.downSoft };
}

function deltaPoint(b: BarPoint): HistogramData {
  return { time: time(b), value: b.delta, color: b.delta >= 0 ? COLORS.up : COLORS.down };
}

/** A line's point; a value that is not a number (no session VWAP yet) is a gap. */
function linePoint(b: BarPoint, value: number, color: string | undefined): LineData | WhitespaceData {
  if (!Number.isFinite(value)) return { time: time(b) };
  return color === undefined ? { time: time(b), value } : { time: time(b), value, color };
}

/** VWAP (k 0), +1σ, −1σ, +2σ, −2σ of the bar's session values. */
function band(b: BarPoint, k: number): number {
  const m = [0, 1, -1, 2, -2][k]!;
  return b.vwap + m * b.vwapSigma;
}
