import { ErrorCode, MiaError } from '../common/errors.js';
import { SideClassifier } from '../data/side-classifier.js';
import { Side, TradeFlag } from '../model/side.js';
import type { TradeBatch } from '../model/trade-batch.js';
import * as L from './layout.js';
import type { SymbolState } from './symbol-state.js';

/**
 * Appends trades to a symbol's tape in shared memory as Trade structs and publishes the committed count
 * with Atomics, so kernels on any thread read only complete trades. Single writer (the main thread).
 * Trades without a side are classified here when the feed has no sides at all.
 */
export class TapeWriter {
  private readonly s: SymbolState;
  private readonly u32: Uint32Array;
  private readonly f64: Float64Array;
  private readonly u8: Uint8Array;
  private readonly base: number;
  /** Trades the tape holds. */
  readonly capacity: number;
  private readonly classifier: SideClassifier | undefined;
  private count = 0;
  private lastHi = 0;
  private lastLo = 0;
  /** TradeFlag.INFERRED when the source classified every side itself, else 0. */
  private readonly upstreamFlag: number;

  /**
   * @param inferSides classify trades that arrive with Side.None (for feeds without aggressor sides;
   *   a feed that reports "no aggressor" for auction prints, like Databento's `N`, keeps them as None).
   * @param sidesInferredUpstream the source classified the sides itself: mark each sided trade inferred.
   */
  constructor(state: SymbolState, memory: WebAssembly.Memory, inferSides: boolean, sidesInferredUpstream = false) {
    this.s = state;
    this.u32 = new Uint32Array(memory.buffer);
    this.f64 = new Float64Array(memory.buffer);
    this.u8 = new Uint8Array(memory.buffer);
    this.base = state.region.tape;
    this.capacity = state.region.tapeCapacity;
    this.classifier = inferSides && !sidesInferredUpstream ? new SideClassifier() : undefined;
    this.upstreamFlag = sidesInferredUpstream ? TradeFlag.INFERRED : 0;
  }

  /** The classifier, so a quote stream can feed it. */
  get sideClassifier(): SideClassifier | undefined {
    return this.classifier;
  }

  /** Trades the tape can still take before it must be rewound. */
  get free(): number {
    return this.capacity - this.count;
  }

  /** Trades on the tape. */
  get length(): number {
    return this.count;
  }

  /**
   * Copies trades `from` up to `to` of the batch onto the tape, as many as fit; returns how many were taken.
   * Throws MIA_ERR_OUT_OF_ORDER on a trade earlier than the previous one (sources validate first; this
   * guards the kernels' assumption).
   */
  append(batch: TradeBatch, from = 0, to = batch.length): number {
    const n = Math.min(to - from, this.capacity - this.count);
    const c = this.classifier;
    let hiPrev = this.lastHi;
    let loPrev = this.lastLo;
    for (let j = 0; j < n; j++) {
      const i = from + j;
      const hi = batch.tsHi[i]!;
      const lo = batch.tsLo[i]!;
      if (hi < hiPrev || (hi === hiPrev && lo < loPrev)) {
        throw new MiaError(ErrorCode.OUT_OF_ORDER, `trade at origin ${batch.origin[i]} is earlier than the trade before it`, {
          origin: batch.origin[i],
        });
      }
      hiPrev = hi;
      loPrev = lo;
      const at = this.base + (this.count + j) * L.TRADE_BYTES;
      const w = at >>> 2;
      this.u32[w] = lo;
      this.u32[w + 1] = hi;
      const price = batch.price[i]!;
      this.f64[(at + L.TRADE_PRICE) >>> 3] = price;
      this.u32[(at + L.TRADE_SIZE) >>> 2] = batch.size[i]!;
      let side = batch.side[i]!;
      let flags = side !== Side.None ? this.upstreamFlag : 0;
      if (c) {
        if (side === Side.None) {
          side = c.classify(price);
          if (side !== Side.None) flags = TradeFlag.INFERRED;
        } else c.observe(price, side as 0 | 1 | 2);
      }
      this.u8[at + L.TRADE_SIDE] = side;
      this.u8[at + L.TRADE_FLAGS] = flags;
    }
    this.lastHi = hiPrev;
    this.lastLo = loPrev;
    this.count += n;
    Atomics.store(this.s.i32, (this.s.region.state + L.S_COMMITTED) >> 2, this.count);
    return n;
  }

  /** Address of the tape's first Trade struct, for a decoder that writes trades in place (TapeIntake). */
  get address(): number {
    return this.base;
  }

  /** Flags byte of a trade with a side, as `append` writes it. */
  get sidedFlags(): number {
    return this.upstreamFlag;
  }

  /** True when the writer classifies sides itself: a decoder writing in place cannot stand in for it. */
  get classifies(): boolean {
    return this.classifier !== undefined;
  }

  /**
   * Publishes `n` trades a decoder wrote in place after the last ones (validated and in time order, as
   * `append` requires), the last of them at (hi, lo).
   */
  commitInPlace(n: number, hi: number, lo: number): void {
    if (n === 0) return;
    if (n < 0 || this.count + n > this.capacity) throw new MiaError(ErrorCode.TAPE_FULL, `in-place commit of ${n} trades with ${this.free} free`);
    this.lastHi = hi;
    this.lastLo = lo;
    this.count += n;
    Atomics.store(this.s.i32, (this.s.region.state + L.S_COMMITTED) >> 2, this.count);
  }

  /**
   * Starts the tape over once the kernel has processed every trade on it (replay of inputs larger than
   * the tape). Live engines size the tape for the session instead.
   */
  rewind(): void {
    if (this.s.cursor !== this.count) {
      throw new MiaError(ErrorCode.TAPE_FULL, `tape rewind with ${this.count - this.s.cursor} trades not yet processed`);
    }
    this.count = 0;
    this.s.view.setInt32(this.s.region.state + L.S_CURSOR, 0, true);
    Atomics.store(this.s.i32, (this.s.region.state + L.S_COMMITTED) >> 2, 0);
  }
}
