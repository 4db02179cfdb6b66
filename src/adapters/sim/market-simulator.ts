import { Side } from '../../model/side.js';
import { TradeBatch, type ReadStats, type SourceInfo, type TradeSource } from '../../model/trade-batch.js';
import { SIM_INSTRUMENTS, type SimInstrument, type SimSymbol } from './instruments.js';
import { Prng } from './prng.js';
import { phaseAt } from './trading-calendar.js';
import { TWO32 } from '../../model/time.js';

/** Simulator settings. */
export interface SimulatorOptions {
  symbol: SimSymbol;
  /** Seed: the same options give the same trades, byte for byte. */
  seed: number;
  /** First instant, ns UTC (default 2024-03-04T14:30:00Z, a Monday cash open). */
  startNs?: bigint;
  /** Stop after this many trades. */
  trades?: number;
  /** Stop after this much simulated time. */
  durationSec?: number;
  /** Mean cash-session rate, trades per second (default: the instrument's). */
  ratePerSec?: number;
  /** Trades per batch of `batches()`. */
  batchSize?: number;
  /** Emit Side.None for every trade (quotes still provided), to exercise side inference. */
  withoutSides?: boolean;
}


/** Default first instant: 2024-03-04T14:30:00Z, a Monday cash open, so a run starts in an active market. */
export const SIM_DEFAULT_START_NS = 1709562600000000000n;

/**
 * A deterministic, seeded ES/NQ/MES/MNQ market: an L1 quote that moves with the order flow, trades at the ask
 * (buy aggressor) or the bid (sell aggressor) with persistent flow, bursty arrivals, occasional multi-level
 * sweeps sharing one timestamp, a heavy-tailed size distribution, and Globex/RTH hours with no trades in
 * the daily break or at the weekend. Time is kept as f64 ns relative to the start (exact to 104 days), so
 * generating allocates nothing per trade.
 */
export class MarketSimulator implements TradeSource {
  readonly info: SourceInfo;
  readonly stats: ReadStats = { read: 0, trades: 0, ignored: 0, skipped: {} };
  private readonly o: SimulatorOptions;
  private readonly inst: SimInstrument;
  private readonly rng: Prng;
  private readonly startNs: bigint;
  private readonly startHi: number;
  private readonly startLo: number;
  private readonly limitTrades: number;
  private readonly limitRelNs: number;
  private readonly meanGapNs: number;
  // Doubles written per trade live in a typed array: as object fields each write would allocate a heap
  // number (garbage on the main thread the engine shares). d[0]: time since start, ns; d[1]: order-flow bias.
  private readonly d = new Float64Array(2);
  private phaseEndRel = -1;
  private activity = 0;
  private bidTicks: number;
  private spreadTicks = 1;
  private burst = 1;
  private sweepLeft = 0;
  private sweepSide: number = Side.Buy;
  private count = 0;

  constructor(options: SimulatorOptions) {
    this.o = options;
    this.inst = SIM_INSTRUMENTS[options.symbol];
    this.rng = new Prng(options.seed);
    this.startNs = options.startNs ?? SIM_DEFAULT_START_NS;
    this.startHi = Number(this.startNs >> 32n);
    this.startLo = Number(this.startNs & 0xffffffffn);
    this.limitTrades = options.trades ?? Number.POSITIVE_INFINITY;
    this.limitRelNs = options.durationSec === undefined ? Number.POSITIVE_INFINITY : options.durationSec * 1e9;
    this.meanGapNs = 1e9 / (options.ratePerSec ?? this.inst.rthRatePerSec);
    this.bidTicks = Math.round(this.inst.startPrice / this.inst.tick);
    this.info = { symbol: options.symbol, sizeDecimals: 0, hasSides: !options.withoutSides };
  }

  /** Best bid of the last generated trade's quote. */
  get quoteBid(): number {
    return this.bidTicks * this.inst.tick;
  }

  /** Best ask of the last generated trade's quote. */
  get quoteAsk(): number {
    return (this.bidTicks + this.spreadTicks) * this.inst.tick;
  }

  /** Refills `batch` (and the prevailing quote per trade, if given); returns the count, 0 when finished. */
  fill(batch: TradeBatch, quotes?: { bid: Float64Array; ask: Float64Array }): number {
    batch.clear();
    const tick = this.inst.tick;
    while (batch.length < batch.capacity && this.count < this.limitTrades) {
      if (this.sweepLeft > 0) {
        // A sweep: the same aggressor takes the next level at the same nanosecond.
        this.sweepLeft--;
        this.bidTicks += this.sweepSide === Side.Buy ? 1 : -1;
      } else {
        this.advanceTime();
        if (this.d[0]! >= this.limitRelNs) break;
        this.moveQuote();
      }
      const price = (this.sweepSide === Side.Buy ? this.bidTicks + this.spreadTicks : this.bidTicks) * tick;
      const rel = this.d[0]!;
      const relHi = Math.floor(rel / TWO32);
      let lo = this.startLo + (rel - relHi * TWO32);
      let hi = this.startHi + relHi;
      if (lo >= TWO32) {
        lo -= TWO32;
        hi++;
      }
      const i = batch.length;
      batch.push(hi, lo, price, this.size(), this.o.withoutSides ? Side.None : this.sweepSide, this.count);
      if (quotes) {
        quotes.bid[i] = this.bidTicks * tick;
        quotes.ask[i] = (this.bidTicks + this.spreadTicks) * tick;
      }
      this.count++;
    }
    this.stats.read = this.stats.trades = this.count;
    return batch.length;
  }

  async *batches(): AsyncGenerator<TradeBatch> {
    const batch = new TradeBatch(this.o.batchSize ?? 65536);
    while (this.fill(batch) > 0) yield batch;
  }

  /**
   * The order flow's bias, the next aggressor and the quote after it. A method of its own: inside `fill` V8's
   * inlining budget ran out before the generator's calls, and each call not inlined boxed its double result
   * (~30 bytes of garbage a trade on the engine's thread).
   */
  private moveQuote(): void {
    const r = this.rng;
    this.d[1] = 0.97 * this.d[1]! + 0.03 * (r.uniform() * 2 - 1) * 3;
    this.d[1] = Math.max(-0.9, Math.min(0.9, this.d[1]!));
    // Mean reversion towards the start level keeps a long simulation in a realistic range.
    const drift = (this.inst.startPrice / this.inst.tick - this.bidTicks) * 2e-5;
    this.sweepSide = r.uniform() < 0.5 + 0.35 * this.d[1]! + drift ? Side.Buy : Side.Sell;
    if (r.uniform() < this.inst.impact) this.bidTicks += this.sweepSide === Side.Buy ? 1 : -1;
    this.spreadTicks = r.uniform() < 0.04 ? 2 : 1;
    if (r.uniform() < 0.03) this.sweepLeft = r.int(1, 4);
  }

  /** Lots: mostly 1–3, a quarter 4–20, a heavy tail of block prints up to 500. */
  private size(): number {
    const u = this.rng.uniform();
    if (u < 0.7) return this.rng.int(1, 3);
    if (u < 0.95) return this.rng.int(4, 20);
    return Math.min(500, Math.floor(20 / Math.pow(1 - this.rng.uniform(), 0.8)));
  }

  private advanceTime(): void {
    const r = this.rng;
    // Bursts: a calm tape turns busy for a while (news, stops), eight times the intensity.
    if (this.burst === 1 ? r.uniform() < 0.002 : r.uniform() < 0.01) this.burst = this.burst === 1 ? 8 : 1;
    for (;;) {
      if (this.d[0]! >= this.phaseEndRel) this.enterPhase();
      if (this.activity > 0) {
        const gap = Math.round(r.exponential(this.meanGapNs / (this.activity * this.burst)));
        if (this.d[0]! + gap < this.phaseEndRel) {
          this.d[0] = this.d[0]! + gap;
          return;
        }
      }
      this.d[0] = this.phaseEndRel; // closed, or the gap runs past the phase: start the next phase
    }
  }

  private enterPhase(): void {
    const now = this.startNs + BigInt(this.d[0]!);
    const p = phaseAt(now);
    this.activity = p.activity;
    this.phaseEndRel = Number(p.endNs - this.startNs);
  }
}
