import type { CanvasRenderingTarget2D } from 'fancy-canvas';
import {
  customSeriesDefaultOptions,
  type CustomData,
  type CustomSeriesOptions,
  type CustomSeriesPricePlotValues,
  type ICustomSeriesPaneRenderer,
  type ICustomSeriesPaneView,
  type PaneRendererCustomData,
  type PriceToCoordinateConverter,
  type Time,
  type WhitespaceData,
} from 'lightweight-charts';
import { COLORS } from './config.js';
import type { FootprintCells } from './footprint-model.js';

/** One bar of the footprint series. */
export interface FootprintData extends CustomData<Time> {
  open: number;
  high: number;
  low: number;
  close: number;
  delta: number;
  deltaText: string;
  /** Undefined for a bar without footprint rows (the bar in progress, unless snapshots carry its footprint). */
  cells: FootprintCells | undefined;
}

/** Shades by step of intensity, made once: painting picks a string instead of building one per cell. */
const SHADES = 12;
const shades = (r: number, g: number, b: number, from: number, to: number): string[] =>
  Array.from({ length: SHADES + 1 }, (_, i) => `rgba(${r}, ${g}, ${b}, ${(from + ((to - from) * i) / SHADES).toFixed(3)})`);
const BID_SHADES = shades(239, 83, 80, 0.06, 0.62);
const ASK_SHADES = shades(38, 166, 154, 0.06, 0.62);
const BUY_ZONE = 'rgba(92, 242, 166, 0.16)';
const SELL_ZONE = 'rgba(255, 110, 110, 0.16)';
const FONT_FAMILY = 'ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace';
const fonts = Array.from({ length: 13 }, (_, px) => `${px}px ${FONT_FAMILY}`);
const boldFonts = Array.from({ length: 13 }, (_, px) => `bold ${px}px ${FONT_FAMILY}`);

/** Cell numbers need rows at least this tall and half-columns this wide (CSS px); below, cells are shaded only. */
const MIN_TEXT_ROW_PX = 9;
const MIN_TEXT_HALF_PX = 20;

/**
 * Draws the footprint (Sierra Chart "numbers bars"): per bar a thin candle, then per price row the bid
 * (sell-aggressor) volume left and the ask (buy-aggressor) volume right, shaded by size; diagonal imbalances
 * in bright colour and bold, stacked runs as a band with a strip on their side, the bar's POC boxed, the bar's
 * delta under it. Numbers are written only when the rows and columns are big enough to read (zoom in).
 */
class FootprintRenderer implements ICustomSeriesPaneRenderer {
  private data: PaneRendererCustomData<Time, FootprintData> | null = null;

  update(data: PaneRendererCustomData<Time, FootprintData>): void {
    this.data = data;
  }

  draw(target: CanvasRenderingTarget2D, priceToY: PriceToCoordinateConverter): void {
    const d = this.data;
    if (!d || !d.visibleRange || d.bars.length === 0) return;
    target.useMediaCoordinateSpace(({ context: ctx }) => {
      const w = Math.max(1, d.barSpacing * d.conflationFactor * 0.9);
      for (let i = d.visibleRange!.from; i < d.visibleRange!.to; i++) {
        const bar = d.bars[i];
        if (bar) drawBar(ctx, bar.x, w, bar.originalData, priceToY);
      }
    });
  }
}

function drawBar(ctx: CanvasRenderingContext2D, x: number, w: number, b: FootprintData, priceToY: PriceToCoordinateConverter): void {
  const yHigh = priceToY(b.high);
  const yLow = priceToY(b.low);
  const yOpen = priceToY(b.open);
  const yClose = priceToY(b.close);
  if (yHigh === null || yLow === null || yOpen === null || yClose === null) return;
  const left = x - w / 2;
  const up = b.close >= b.open;
  const c = b.cells;
  // The candle: a strip at the column's left when there are cells; a narrower candle when there are none (the bar
  // in progress: snapshots carry no footprint unless mia serve --snapshot-footprint names the timeframe).
  const strip = c ? Math.min(6, Math.max(2, w * 0.07)) : Math.max(1, w * 0.3);
  const sx = c ? left : x - strip / 2;
  ctx.fillStyle = up ? COLORS.up : COLORS.down;
  ctx.fillRect(sx + strip / 2 - 0.5, yHigh, 1, Math.max(1, yLow - yHigh));
  ctx.fillRect(sx, Math.min(yOpen, yClose), strip, Math.max(1, Math.abs(yClose - yOpen)));
  let bottom: number = yLow;
  if (c) bottom = drawCells(ctx, left + strip + 1, w - strip - 1, c, priceToY, yLow);
  if (w >= 26) {
    const px = Math.min(12, Math.max(9, Math.floor(w / 7)));
    ctx.font = fonts[px]!;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillStyle = b.delta > 0 ? COLORS.up : b.delta < 0 ? COLORS.down : COLORS.muted;
    ctx.fillText(b.deltaText, x, bottom + 3);
  }
}

/** Draws the rows of one bar; returns the y of the lowest row's bottom edge. */
function drawCells(ctx: CanvasRenderingContext2D, left: number, width: number, c: FootprintCells, priceToY: PriceToCoordinateConverter, yLow: number): number {
  const n = c.bid.length;
  const y0 = priceToY(c.lowPrice);
  const y1 = priceToY(c.lowPrice + c.tick);
  if (y0 === null || y1 === null) return yLow;
  const rowH = Math.abs(y0 - y1);
  const half = width / 2;
  const gap = rowH >= 4 ? 1 : 0;
  const scale = c.maxCell > 0 ? SHADES / c.maxCell : 0;
  const text = rowH >= MIN_TEXT_ROW_PX && half >= MIN_TEXT_HALF_PX;
  const px = Math.min(12, Math.floor(rowH - 1));
  for (let r = 0; r < n; r++) {
    const yc = y0 - r * rowH;
    const top = yc - rowH / 2;
    const bid = c.bid[r]!;
    const ask = c.ask[r]!;
    if (c.stackedSell[r] || c.stackedBuy[r]) {
      ctx.fillStyle = c.stackedBuy[r] ? BUY_ZONE : SELL_ZONE;
      ctx.fillRect(left, top, width, rowH);
    }
    ctx.fillStyle = c.sell[r] ? COLORS.downSoft : BID_SHADES[Math.round(bid * scale)]!;
    ctx.fillRect(left, top + gap, half - 0.5, rowH - gap);
    ctx.fillStyle = c.buy[r] ? COLORS.upSoft : ASK_SHADES[Math.round(ask * scale)]!;
    ctx.fillRect(left + half + 0.5, top + gap, half - 0.5, rowH - gap);
    if (c.stackedSell[r]) {
      ctx.fillStyle = COLORS.sellImbalance;
      ctx.fillRect(left - 3, top, 2, rowH);
    }
    if (c.stackedBuy[r]) {
      ctx.fillStyle = COLORS.buyImbalance;
      ctx.fillRect(left + width + 1, top, 2, rowH);
    }
    if (text) {
      ctx.textBaseline = 'middle';
      ctx.font = c.sell[r] ? boldFonts[px]! : fonts[px]!;
      ctx.fillStyle = c.sell[r] ? COLORS.sellImbalance : bid > 0 ? COLORS.text : COLORS.muted;
      ctx.textAlign = 'right';
      ctx.fillText(c.bidText[r]!, left + half - 4, yc);
      ctx.font = c.buy[r] ? boldFonts[px]! : fonts[px]!;
      ctx.fillStyle = c.buy[r] ? COLORS.buyImbalance : ask > 0 ? COLORS.text : COLORS.muted;
      ctx.textAlign = 'left';
      ctx.fillText(c.askText[r]!, left + half + 4, yc);
    }
  }
  if (c.pocRow >= 0) {
    ctx.strokeStyle = COLORS.poc;
    ctx.lineWidth = 1;
    ctx.strokeRect(left + 0.5, y0 - c.pocRow * rowH - rowH / 2 + 0.5, width - 1, Math.max(1, rowH - 1));
  }
  return y0 + rowH / 2;
}

/** The footprint as a lightweight-charts custom series: the chart supplies bar x positions and the price scale. */
export class FootprintSeries implements ICustomSeriesPaneView<Time, FootprintData, CustomSeriesOptions> {
  private readonly r = new FootprintRenderer();

  renderer(): FootprintRenderer {
    return this.r;
  }

  update(data: PaneRendererCustomData<Time, FootprintData>): void {
    this.r.update(data);
  }

  priceValueBuilder(b: FootprintData): CustomSeriesPricePlotValues {
    return [b.low, b.high, b.close];
  }

  isWhitespace(b: FootprintData | WhitespaceData<Time>): b is WhitespaceData<Time> {
    return (b as Partial<FootprintData>).close === undefined;
  }

  defaultOptions(): CustomSeriesOptions {
    return { ...customSeriesDefaultOptions, color: COLORS.text };
  }
}
