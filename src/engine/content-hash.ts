import * as L from '../kernels/layout.js';
import type { BarEvent, SnapshotEvent } from './engine-events.js';
import { createHash, type Hash } from 'node:crypto';
import { instantiateKernels } from '../kernels/kernel-module.js';
import { HASH_STAGE_BYTES } from '../kernels/memory-plan.js';

/** One symbol's running content hash, as the status reports it. */
export interface ContentHashState {
  symbol: string;
  /** SHA-256, hex, of the content of every snapshot and closed bar so far, in publication order. */
  sha256: string;
  snapshots: number;
  bars: number;
}

/** A snapshot's head: 'S', sequence, last trade time, trades, quality, quote (bid, ask, sizes). */
const HEAD_BYTES = 61;

/**
 * A running SHA-256 of the market content of one symbol's snapshots and closed bars, in the order the engine
 * emits them: what their frames carry, without the wall-clock stamps (stage times, publish time), so the same
 * trades on the same snapshot schedule give the same hash in `mia serve --source replay`, `mia backtest` and a
 * live session recorded and replayed. Snapshot: sequence, last trade time, trades, quality flags, quote, the
 * session profile (levels, VWAP, σ, volumes, nodes) and each timeframe's bar in progress; closed bar: the Bar
 * struct, its volume nodes and its footprint rows. Hashed once per snapshot and bar, never per trade.
 *
 * The bytes are staged in the hash stage of the symbol's region and hashed once per HASH_STAGE_BYTES: a
 * native hash.update, a typed-array view or copy from JavaScript each cost 0.1–0.3 µs, several a snapshot
 * (~0.3 s of a 5 M-trade backtest), while a call into the kernels' copyBytes costs a few ns; the head is
 * written in place. SHA-256 over a concatenation does not depend on how it is split into updates: the same
 * bytes in the same order give the same hash as one update per field.
 */
export class ContentHasher {
  readonly symbol: string;
  private readonly hash: Hash = createHash('sha256');
  private readonly mem: Uint8Array;
  private readonly view: DataView;
  private readonly copyBytes: (dst: number, src: number, n: number) => void;
  /** The stage's address, and the bytes staged in it. */
  private readonly stage: number;
  private at = 0;
  // The run of the kernels' memory staged next (-1: none), joined while the next one starts where it ends.
  private runFrom = -1;
  private runTo = -1;
  private snapshots = 0;
  private bars = 0;

  /** `stage`: the symbol region's hash stage (MemoryPlan, HASH_STAGE_BYTES). */
  constructor(symbol: string, memory: WebAssembly.Memory, stage: number) {
    this.symbol = symbol;
    this.mem = new Uint8Array(memory.buffer);
    this.view = new DataView(memory.buffer);
    this.copyBytes = instantiateKernels(memory).copyBytes;
    this.stage = stage;
  }

  /** Adds a snapshot's content. */
  snapshot(e: SnapshotEvent): void {
    this.room(HEAD_BYTES);
    const h = this.view;
    const o = this.stage + this.at;
    h.setUint8(o, 0x53); // 'S': a snapshot and a bar never hash alike
    h.setBigUint64(o + 1, e.sequence, true);
    h.setBigInt64(o + 9, e.tsNs, true);
    h.setBigUint64(o + 17, e.tradesTotal, true);
    h.setUint32(o + 25, e.quality, true);
    const q = e.quote;
    h.setFloat64(o + 29, q ? q.bid : 0, true);
    h.setFloat64(o + 37, q ? q.ask : 0, true);
    h.setFloat64(o + 45, q ? q.bidSize : 0, true);
    h.setFloat64(o + 53, q ? q.askSize : 0, true);
    this.at += HEAD_BYTES;
    const sp = e.region + L.SNAP_SESSION;
    const v = this.view;
    // The session block's fields (levels, volumes, VWAP, σ, node counts), then only the nodes it holds.
    this.put(sp, sp + L.SP_HVN + 8 * Math.max(0, v.getInt32(sp + L.SP_N_HVN, true)));
    this.put(sp + L.SP_LVN, sp + L.SP_LVN + 8 * v.getInt32(sp + L.SP_N_LVN, true));
    for (const tf of e.timeframes) {
      const at = e.region + L.SNAP_BARS + tf.block * L.BAR_BYTES;
      // A timeframe with no bar in progress shows none (one zero byte): its stale bytes are not content.
      if ((v.getUint32(at + L.BAR_TS_OPEN, true) | v.getUint32(at + L.BAR_TS_OPEN + 4, true)) !== 0) this.put(at, at + L.BAR_BYTES);
      else this.byte(0);
    }
    this.copyRun(); // before the kernels write over it
    this.snapshots++;
  }

  /** Adds a closed bar's content: its Bar struct, volume nodes and footprint rows. */
  bar(e: BarEvent): void {
    const v = this.view;
    const at = e.entry;
    this.byte(0x42); // 'B'
    this.put(at, at + L.BAR_BYTES);
    this.put(at + L.RING_HVN, at + L.RING_HVN + 8 * v.getInt32(at + L.RING_N_HVN, true));
    this.put(at + L.RING_LVN, at + L.RING_LVN + 8 * v.getInt32(at + L.RING_N_LVN, true));
    const rows = v.getInt32(at + L.RING_FP_ROWS, true);
    if (rows > 0) {
      const cap = e.footprintCap;
      const start = Number(v.getBigInt64(at + L.RING_FP_START, true) % BigInt(cap));
      // The rows may wrap around the end of the ring: at most two runs.
      const first = Math.min(rows, cap - start);
      const base = e.footprintBase;
      this.put(base + start * L.LEVEL_BYTES, base + (start + first) * L.LEVEL_BYTES);
      if (first < rows) this.put(base, base + (rows - first) * L.LEVEL_BYTES);
    }
    this.copyRun();
    this.bars++;
  }

  /** The hash so far (the running state goes on): the bytes hashed, then those staged, on a copy. */
  state(): ContentHashState {
    const sha256 = this.hash.copy().update(this.mem.subarray(this.stage, this.stage + this.at)).digest('hex');
    return { symbol: this.symbol, sha256, snapshots: this.snapshots, bars: this.bars };
  }

  /** Stages one byte. */
  private byte(b: number): void {
    this.room(1);
    this.mem[this.stage + this.at++] = b;
  }

  /**
   * Stages the kernels' memory from..to. Runs adjacent in memory (the session fields and high nodes, the bars
   * in progress of consecutive timeframes, a closed bar and its high nodes) are joined and copied in one go.
   */
  private put(from: number, to: number): void {
    if (to <= from) return;
    if (from !== this.runTo) {
      this.copyRun();
      this.runFrom = from;
    }
    this.runTo = to;
  }

  /** Copies the pending run into the stage (in pieces when it does not fit). */
  private copyRun(): void {
    let from = this.runFrom;
    const to = this.runTo;
    this.runFrom = this.runTo = -1;
    while (from < to) {
      if (this.at === HASH_STAGE_BYTES) this.flush();
      const n = Math.min(to - from, HASH_STAGE_BYTES - this.at);
      this.copyBytes(this.stage + this.at, from, n);
      this.at += n;
      from += n;
    }
  }

  /** Makes room for n staged bytes (n ≤ HASH_STAGE_BYTES), hashing the stage when they would not fit. */
  private room(n: number): void {
    this.copyRun();
    if (this.at + n > HASH_STAGE_BYTES) this.flush();
  }

  /** Hashes the staged bytes. */
  private flush(): void {
    this.hash.update(this.mem.subarray(this.stage, this.stage + this.at));
    this.at = 0;
  }
}
