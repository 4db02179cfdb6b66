import { nowUs } from '../../common/clock.js';
import { openTradeSource } from '../../data/open-trade-source.js';
import type { InstrumentInfo, MarketSource, TradeSink } from '../../engine/market-source.js';
import type { TradeBatch, TradeSource } from '../../model/trade-batch.js';
import { contractRoot } from '../../model/contract-specs.js';
import { halvesToNumber } from '../../model/time.js';

/** Settings of a replay. */
export interface ReplaySourceOptions {
  /** Raw symbol or instrument id to choose in a file with several (as `mia features --symbol`). */
  symbol?: string;
  /**
   * Name to publish under. Default: the contract root when the file's symbol (or, for a CSV without a symbol
   * column, its file name) names an ES or NQ contract (`ESH4`, `esh4_20231225_trades.csv` → `ES`), so bots,
   * `/snapshot/ES`, paper trading and backtests all know it by one name; otherwise the file's symbol.
   */
  publishAs?: string;
  /** Replay seconds per wall second, or 'max' for as fast as the engine takes them. */
  speed: number | 'max';
  tickSize: number;
  skipBad?: boolean;
  sizeDecimals?: number;
}

/**
 * A trade file (CSV or Databento DBN) as a live source. Paced, trades become due when the wall clock, times
 * `speed`, has run as long since the start as the file since its first trade; at 'max' the engine's
 * appetite paces it (a full tape or a bar close waiting for its snapshot pauses the reading).
 */
export class ReplaySource implements MarketSource {
  readonly kind = 'replay';
  readonly eager: boolean;
  readonly instruments: readonly InstrumentInfo[];
  /** The trade source behind the replay (counters of bad rows skipped). */
  readonly source: TradeSource;
  private readonly it: AsyncIterator<TradeBatch>;
  private readonly speed: number | 'max';
  private batch: TradeBatch | undefined;
  private next = 0;
  private firstNs = 0;
  private startUs = -1;

  private constructor(o: ReplaySourceOptions, source: TradeSource, it: AsyncIterator<TradeBatch>, first: TradeBatch | undefined) {
    this.speed = o.speed;
    this.eager = o.speed === 'max';
    this.it = it;
    this.batch = first;
    this.source = source;
    if (first && first.length > 0) this.firstNs = Number(first.tsNs(0));
    this.instruments = [{ symbol: o.publishAs ?? contractRoot(source.info.symbol) ?? source.info.symbol, tickSize: o.tickSize, sizeDecimals: source.info.sizeDecimals, hasSides: source.info.hasSides }];
  }

  /** Opens the file and reads its first batch, so the instrument's size precision and sides are known. */
  static async open(path: string, o: ReplaySourceOptions): Promise<ReplaySource> {
    const source = await openTradeSource(path, {
      skipBad: o.skipBad ?? false,
      ...(o.symbol !== undefined ? { symbol: o.symbol } : {}),
      ...(o.sizeDecimals !== undefined ? { sizeDecimals: o.sizeDecimals } : {}),
    });
    const it = source.batches()[Symbol.asyncIterator]();
    const r = await it.next();
    return new ReplaySource(o, source, it, r.done ? undefined : r.value);
  }

  async poll(sink: TradeSink): Promise<boolean> {
    const now = nowUs();
    if (this.startUs < 0) this.startUs = now;
    // Paced: everything up to this file time (ns, as a double: sub-µs error is far below the pacing step).
    const due = this.speed === 'max' ? Number.POSITIVE_INFINITY : this.firstNs + (now - this.startUs) * 1000 * this.speed;
    for (;;) {
      const b = this.batch;
      if (!b) return false;
      if (this.next >= b.length) {
        const r = await this.it.next();
        this.batch = r.done ? undefined : r.value;
        this.next = 0;
        continue;
      }
      let to = b.length;
      if (due !== Number.POSITIVE_INFINITY) {
        to = this.next;
        while (to < b.length && halvesToNumber(b.tsHi[to]!, b.tsLo[to]!) <= due) to++;
      }
      if (to === this.next) return true;
      const n = sink.offer(0, b, this.next, to, now);
      this.next += n;
      if (this.next < to || to < b.length) return true;
    }
  }

  async close(): Promise<void> {
    await this.it.return?.();
  }
}
