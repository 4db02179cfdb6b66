import { isoToMs } from '../signals/bar-input.js';
import { SignalEngine, type SignalEngineConfig } from '../signals/signal-engine.js';
import type { BarMessage, SnapshotMessage } from '../protocol/messages.js';
import { featureRow } from '../signals/features.js';
import type { LabelInput, PathBar } from './trade-labeler.js';

const TIMEFRAME_MS: Record<string, number> = { '30s': 30_000, '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '4h': 14_400_000 };

interface Decision {
  row: Float32Array;
  entryPrice: number;
  direction: 'long' | 'short';
  /** Index of the closed base bar the decision was taken on. */
  bar: number;
}

/**
 * Turns a replay's stream messages into feature vectors at each closed base (1m) bar: the adapter between
 * the engine's publisher and the signal engine for training. Fed in publication order, it keeps one snapshot
 * per base-bar close (the first showing the new `lastClosed`, taken by the engine right after the bar's
 * closing trade) and hands it to the SignalEngine only when the next close arrives, after every bar message
 * that ended by then: the bar topic carries the footprint rows the smart-money tracker reads, and the order
 * in which the engine publishes a close's bar and snapshot then does not matter. Memory: the base bars'
 * high/low and one row per decision.
 *
 * The trade direction of a sample is the decision's when it is long or short, else the sign of the Battle
 * Navale score (the filter judges the score's lean); a score of exactly 0 gives no sample.
 */
export class SignalSampler {
  private readonly engine: SignalEngine;
  private readonly base: string;
  private readonly bars: BarMessage[] = [];
  private pending: SnapshotMessage | undefined;
  private lastCloseTs: string | undefined;
  private readonly highs: number[] = [];
  private readonly lows: number[] = [];
  private readonly barMs: number[] = [];
  private readonly decisions: Decision[] = [];
  private lastBaseMs = -Infinity;

  constructor(config: Partial<SignalEngineConfig> = {}) {
    this.engine = new SignalEngine(config);
    this.base = this.engine.config.baseTimeframe;
  }

  /** Closed base bars seen so far. */
  get baseBars(): number {
    return this.highs.length;
  }

  /** Takes one published message, in publication order. */
  onMessage(m: SnapshotMessage | BarMessage): void {
    if (m.type === 'bar') {
      if (m.bar.timeframe === this.base) this.onBaseBar(m);
      this.bars.push(m);
      return;
    }
    const closed = m.frames.find((f) => f.timeframe === this.base)?.lastClosed;
    if (!closed || closed.ts === this.lastCloseTs) return;
    this.lastCloseTs = closed.ts;
    this.flush();
    this.pending = m;
  }

  /** Ends the stream and returns every decision with the base bars that followed it. */
  finish(): LabelInput<Float32Array>[] {
    this.flush();
    return this.decisions.map((d) => ({
      features: d.row,
      entryPrice: d.entryPrice,
      direction: d.direction,
      path: this.path(d.bar + 1),
    }));
  }

  private path(from: number): PathBar[] {
    const out: PathBar[] = [];
    for (let i = from; i < this.highs.length; i++) out.push({ high: this.highs[i]!, low: this.lows[i]! });
    return out;
  }

  private onBaseBar(m: BarMessage): void {
    const ms = isoToMs(m.bar.ts);
    if (ms <= this.lastBaseMs) return;
    this.lastBaseMs = ms;
    this.highs.push(m.bar.high as number);
    this.lows.push(m.bar.low as number);
    this.barMs.push(ms);
  }

  private flush(): void {
    const s = this.pending;
    if (!s) return;
    this.pending = undefined;
    const atNs = BigInt(s.tsNs);
    let kept = 0;
    for (const b of this.bars) {
      const endNs = BigInt(Math.round(isoToMs(b.bar.ts) + (TIMEFRAME_MS[b.bar.timeframe] ?? 0))) * 1_000_000n;
      if (endNs <= atNs) this.engine.onBar(b.symbol, b.bar);
      else this.bars[kept++] = b;
    }
    this.bars.length = kept;
    const d = this.engine.onSnapshot(s);
    const closed = s.frames.find((f) => f.timeframe === this.base)!.lastClosed!;
    const closedMs = isoToMs(closed.ts);
    const bar = this.indexOfBar(closedMs);
    const direction = d.direction !== 'flat' ? d.direction : d.score > 0 ? 'long' : d.score < 0 ? 'short' : null;
    if (direction === null || bar < 0) return;
    this.decisions.push({ row: featureRow(d.features), entryPrice: closed.close as number, direction, bar });
  }

  /** Index of the base bar opening at `ms`: one already seen, or the next when its message is still to come. */
  private indexOfBar(ms: number): number {
    for (let i = this.barMs.length - 1; i >= 0 && this.barMs[i]! >= ms; i--) if (this.barMs[i] === ms) return i;
    return ms > this.lastBaseMs ? this.barMs.length : -1;
  }
}
