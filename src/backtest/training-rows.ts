import type { BarEvent } from '../engine/engine-events.js';
import type { FeatureRow } from '../engine/decision-pipeline.js';
import type { LabelInput, PathBar } from '../ml/trade-labeler.js';

/** One decision kept for training: its row, where it would have entered, and the closed base bar it was taken on. */
interface Kept {
  row: Float32Array;
  entryPrice: number;
  direction: 'long' | 'short';
  /** Index of the closed base bar the decision was taken on (its path starts at the next one). */
  bar: number;
  /** Open time of that bar, ms. */
  closedMs: number;
  /** Sequence of the snapshot decided on. */
  sequence: bigint;
}

/**
 * The rows `mia train` labels, taken from the decision pipeline's feature tap: one per base-bar close (the
 * first decision whose snapshot shows a new closed base bar), with the base bars that followed it as its path.
 * The pipeline is the one `mia backtest` scores: the same rows, value for value, at the same closes. The
 * trade direction of a sample is the decision's when long or short, else the sign of the Battle Navale score
 * (the filter judges the score's lean); a score of exactly 0 gives no sample. The entry is the decision's
 * price, where a market order sent on it would fill.
 */
export class TrainingRows {
  private readonly base: string;
  private readonly highs: number[] = [];
  private readonly lows: number[] = [];
  private readonly barMs: number[] = [];
  private readonly kept: Kept[] = [];
  private lastClosedMs = -Infinity;

  /** @param baseTimeframe the signal engine's base timeframe (`1m`) */
  constructor(baseTimeframe: string) {
    this.base = baseTimeframe;
  }

  /** Closed base bars seen so far. */
  get baseBars(): number {
    return this.highs.length;
  }

  /** Takes a closed bar of the engine (base timeframe bars become paths). */
  onBar(e: BarEvent): void {
    if (e.warm) return;
    const b = e.input();
    if (b.timeframe !== this.base) return;
    this.highs.push(b.high);
    this.lows.push(b.low);
    this.barMs.push(b.tsMs);
  }

  /** Takes a decision's row from the pipeline's tap. */
  onRow(r: FeatureRow): void {
    const d = r.decision;
    const closed = r.input.frames.find((f) => f.timeframe === this.base)?.lastClosed;
    if (!closed || closed.tsMs <= this.lastClosedMs) return;
    this.lastClosedMs = closed.tsMs;
    const direction = d.direction !== 'flat' ? d.direction : d.score > 0 ? 'long' : d.score < 0 ? 'short' : null;
    const bar = this.indexOfBar(closed.tsMs);
    if (direction === null || bar < 0) return;
    this.kept.push({ row: Float32Array.from(r.row), entryPrice: d.price ?? closed.close, direction, bar, closedMs: closed.tsMs, sequence: r.sequence });
  }

  /** The kept rows, each with the snapshot it was decided on and the closed base bar it was taken at (parity checks). */
  keptRows(): Array<{ sequence: bigint; closedMs: number; row: Float32Array }> {
    return this.kept.map((k) => ({ sequence: k.sequence, closedMs: k.closedMs, row: k.row }));
  }

  /** Every kept decision with the base bars that followed it. */
  finish(): LabelInput<Float32Array>[] {
    return this.kept.map((k) => ({ features: k.row, entryPrice: k.entryPrice, direction: k.direction, path: this.path(k.bar + 1) }));
  }

  private path(from: number): PathBar[] {
    const out: PathBar[] = [];
    for (let i = from; i < this.highs.length; i++) out.push({ high: this.highs[i]!, low: this.lows[i]! });
    return out;
  }

  /** Index of the base bar opening at `ms` (the engine emits a close's bars before its snapshot). */
  private indexOfBar(ms: number): number {
    for (let i = this.barMs.length - 1; i >= 0 && this.barMs[i]! >= ms; i--) if (this.barMs[i] === ms) return i;
    return -1;
  }
}
