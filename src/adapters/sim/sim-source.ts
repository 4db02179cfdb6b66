import { nowUs } from '../../common/clock.js';
import type { InstrumentInfo, MarketSource, TradeSink } from '../../engine/market-source.js';
import { TradeBatch } from '../../model/trade-batch.js';
import { SIM_INSTRUMENTS, type SimSymbol } from './instruments.js';
import { MarketSimulator, SIM_DEFAULT_START_NS } from './market-simulator.js';
import { TWO32 } from '../../model/time.js';

// Small batches: generating one is a slice of main-thread time taken between polls.
const SIM_BATCH = 512;

/** Settings of the simulated live source. */
export interface SimSourceOptions {
  symbols: readonly SimSymbol[];
  /** Seed of the first symbol; the next symbols use seed + 1, + 2, … */
  seed: number;
  /** Simulated seconds per wall second. */
  speed: number;
  /** Mean cash-session trades per second per symbol (default: the instrument's). */
  ratePerSec?: number;
}

interface SimFeed {
  sim: MarketSimulator;
  batch: TradeBatch;
  quotes: { bid: Float64Array; ask: Float64Array };
  next: number;
}

/**
 * The built-in market as a live source: trades become due when the wall clock (times `speed`) passes their
 * simulated time, starting at a fixed Monday cash open whatever the real date (a weekend run would otherwise
 * see a closed market). Deterministic for a seed: the trades are those of MarketSimulator.
 */
export class SimSource implements MarketSource {
  readonly kind = 'sim';
  readonly eager = false;
  readonly instruments: readonly InstrumentInfo[];
  private readonly feeds: SimFeed[];
  private readonly speed: number;
  private startUs = -1;

  constructor(o: SimSourceOptions) {
    this.speed = o.speed;
    this.instruments = o.symbols.map((symbol) => ({ symbol, tickSize: SIM_INSTRUMENTS[symbol].tick, sizeDecimals: 0, hasSides: true }));
    this.feeds = o.symbols.map((symbol, i) => {
      const batch = new TradeBatch(SIM_BATCH);
      const quotes = { bid: new Float64Array(SIM_BATCH), ask: new Float64Array(SIM_BATCH) };
      const sim = new MarketSimulator({
        symbol, seed: o.seed + i, startNs: SIM_DEFAULT_START_NS, batchSize: SIM_BATCH,
        ...(o.ratePerSec !== undefined ? { ratePerSec: o.ratePerSec } : {}),
      });
      sim.fill(batch, quotes);
      return { sim, batch, quotes, next: 0 };
    });
  }

  poll(sink: TradeSink): boolean {
    const now = nowUs();
    if (this.startUs < 0) this.startUs = now;
    // Simulated "now" as two 32-bit halves, so the per-trade comparison allocates nothing.
    const rel = Math.floor((now - this.startUs) * 1000 * this.speed);
    const relHi = Math.floor(rel / TWO32);
    let nowLo = Number(SIM_DEFAULT_START_NS & 0xffffffffn) + (rel - relHi * TWO32);
    let nowHi = Number(SIM_DEFAULT_START_NS >> 32n) + relHi;
    if (nowLo >= TWO32) {
      nowLo -= TWO32;
      nowHi++;
    }
    for (let i = 0; i < this.feeds.length; i++) {
      const f = this.feeds[i]!;
      for (;;) {
        if (f.next >= f.batch.length) {
          f.sim.fill(f.batch, f.quotes);
          f.next = 0;
        }
        const b = f.batch;
        let to = f.next;
        while (to < b.length && (b.tsHi[to]! < nowHi || (b.tsHi[to] === nowHi && b.tsLo[to]! <= nowLo))) to++;
        if (to === f.next) break;
        // Stamped at hand-over: generating the trades is the simulated exchange's work, not the engine's.
        const n = sink.offer(i, b, f.next, to, nowUs());
        if (n > 0) {
          const last = f.next + n - 1;
          sink.quote(i, b.tsNs(last), f.quotes.bid[last]!, f.quotes.ask[last]!, 0, 0);
        }
        f.next += n;
        if (f.next < to || to < b.length) break;
      }
    }
    return true;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
