import type { CanvasRenderingTarget2D } from 'fancy-canvas';
import type {
  IPrimitivePaneRenderer,
  IPrimitivePaneView,
  ISeriesApi,
  ISeriesPrimitive,
  PrimitivePaneViewZOrder,
  SeriesAttachedParameter,
  SeriesType,
  Time,
} from 'lightweight-charts';
import { COLORS } from './config.js';
import type { SessionProfile } from './session-profile.js';

/** The session's levels from the latest snapshot (the engine's, over all the session's volume). */
export interface ProfileLevels {
  poc: number;
  vah: number;
  val: number;
  hvn: readonly number[];
  lvn: readonly number[];
}

/** Share of the pane's width the profile takes at its right edge, and its cap in CSS px. */
const WIDTH_SHARE = 0.2;
const MAX_WIDTH_PX = 260;
/** Thinner rows are merged so that every drawn row is at least this tall (CSS px). */
const MIN_ROW_PX = 2;
const VA_FILL = 'rgba(79, 195, 247, 0.42)';
const OUTSIDE_FILL = 'rgba(139, 148, 158, 0.30)';
const HVN_FILL = 'rgba(255, 152, 0, 0.70)';
const LVN_LINE = 'rgba(128, 222, 234, 0.55)';

/**
 * The session volume profile drawn in the price pane against the price scale, at the pane's right edge beside
 * the axis: one horizontal bar per price row (merged when rows get thinner than 2 px), the value area (VAL to
 * VAH of the snapshot) shaded and its rows brighter, the POC row in the POC colour, HVN rows in orange and each
 * LVN as a thin cyan line across the profile. Drawn under the candles (z-order bottom).
 */
export class ProfilePrimitive implements ISeriesPrimitive<Time>, IPrimitivePaneView, IPrimitivePaneRenderer {
  private series: ISeriesApi<SeriesType> | null = null;
  private requestUpdate: (() => void) | null = null;
  private readonly views: readonly IPrimitivePaneView[] = [this];
  private profile: SessionProfile | null = null;
  private levels: ProfileLevels | null = null;
  private tick = 0.25;
  private version = -1;
  /** Rows to draw (closed sums plus the 1m bar in progress), rebuilt when the profile changes. */
  private prices = new Float64Array(0);
  private volumes = new Float64Array(0);
  private rows = 0;
  private maxVolume = 0;

  attached(p: SeriesAttachedParameter<Time>): void {
    this.series = p.series;
    this.requestUpdate = p.requestUpdate;
  }

  detached(): void {
    this.series = null;
    this.requestUpdate = null;
  }

  /** New data: the summed rows, the row step, and the snapshot's levels (null before the first snapshot). */
  set(profile: SessionProfile, tick: number, levels: ProfileLevels | null): void {
    const changed = profile !== this.profile || profile.version !== this.version || tick !== this.tick || !sameLevels(levels, this.levels);
    this.profile = profile;
    this.tick = tick;
    this.levels = levels;
    if (!changed) return;
    this.rebuild();
    this.requestUpdate?.();
  }

  paneViews(): readonly IPrimitivePaneView[] {
    return this.views;
  }

  zOrder(): PrimitivePaneViewZOrder {
    return 'bottom';
  }

  renderer(): IPrimitivePaneRenderer {
    return this;
  }

  private rebuild(): void {
    const p = this.profile!;
    this.version = p.version;
    const n = p.prices.length;
    if (this.prices.length < n + p.live.length) {
      const cap = Math.max(64, 2 * (n + p.live.length));
      this.prices = new Float64Array(cap);
      this.volumes = new Float64Array(cap);
    }
    for (let i = 0; i < n; i++) {
      this.prices[i] = p.prices[i]!;
      this.volumes[i] = p.bid[i]! + p.ask[i]!;
    }
    let rows = n;
    for (const r of p.live) {
      const i = p.find(r.price);
      if (i >= 0) this.volumes[i]! += r.bid + r.ask;
      else {
        // A price the closed bars never traded: insert it in order.
        let at = rows;
        while (at > 0 && this.prices[at - 1]! > r.price) at--;
        this.prices.copyWithin(at + 1, at, rows);
        this.volumes.copyWithin(at + 1, at, rows);
        this.prices[at] = r.price;
        this.volumes[at] = r.bid + r.ask;
        rows++;
      }
    }
    this.rows = rows;
    let max = 0;
    for (let i = 0; i < rows; i++) max = Math.max(max, this.volumes[i]!);
    this.maxVolume = max;
  }

  draw(target: CanvasRenderingTarget2D): void {
    const s = this.series;
    if (!s || this.rows === 0 || this.maxVolume <= 0) return;
    target.useMediaCoordinateSpace(({ context: ctx, mediaSize }) => {
      const width = Math.min(MAX_WIDTH_PX, mediaSize.width * WIDTH_SHARE);
      const right = mediaSize.width;
      const lv = this.levels;
      const y0 = s.priceToCoordinate(this.prices[0]!);
      const y1 = s.priceToCoordinate(this.prices[0]! + this.tick);
      if (y0 === null || y1 === null) return;
      const rowH = Math.abs(y0 - y1);
      const merge = Math.max(1, Math.ceil(MIN_ROW_PX / Math.max(rowH, 1e-6)));
      const step = this.tick * merge;
      const barH = Math.max(1, rowH * merge - (rowH * merge >= 4 ? 1 : 0));
      if (lv) {
        const top = s.priceToCoordinate(lv.vah + this.tick / 2);
        const bottom = s.priceToCoordinate(lv.val - this.tick / 2);
        if (top !== null && bottom !== null) {
          ctx.fillStyle = 'rgba(79, 195, 247, 0.07)';
          ctx.fillRect(right - width, top, width, bottom - top);
        }
      }
      // Rows are merged by bucket of `merge` ticks from the lowest price: bucket volume is the sum.
      const base = this.prices[0]!;
      let i = 0;
      while (i < this.rows) {
        const bucket = Math.floor((this.prices[i]! - base) / step + 1e-9);
        let vol = 0;
        let hasPoc = false;
        let hasHvn = false;
        let inVa = false;
        while (i < this.rows && Math.floor((this.prices[i]! - base) / step + 1e-9) === bucket) {
          vol += this.volumes[i]!;
          const p = this.prices[i]!;
          if (lv) {
            if (p === lv.poc) hasPoc = true;
            if (lv.hvn.includes(p)) hasHvn = true;
            if (p >= lv.val && p <= lv.vah) inVa = true;
          }
          i++;
        }
        const mid = base + bucket * step + (step - this.tick) / 2;
        const y = s.priceToCoordinate(mid);
        if (y === null) continue;
        const len = (width * vol) / (this.maxVolume * merge);
        ctx.fillStyle = hasPoc ? COLORS.poc : hasHvn ? HVN_FILL : inVa ? VA_FILL : OUTSIDE_FILL;
        ctx.fillRect(right - Math.min(width, len), y - barH / 2, Math.min(width, len), barH);
      }
      if (lv) {
        ctx.fillStyle = LVN_LINE;
        for (const p of lv.lvn) {
          const y = s.priceToCoordinate(p);
          if (y !== null) ctx.fillRect(right - width, y - 0.5, width, 1);
        }
      }
    });
  }
}

function sameLevels(a: ProfileLevels | null, b: ProfileLevels | null): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return a.poc === b.poc && a.vah === b.vah && a.val === b.val && sameList(a.hvn, b.hvn) && sameList(a.lvn, b.lvn);
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
