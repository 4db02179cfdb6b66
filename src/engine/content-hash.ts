import { createHash, type Hash } from 'node:crypto';
import * as L from '../kernels/layout.js';
import type { BarEvent, SnapshotEvent } from './engine-events.js';

/** One symbol's running content hash, as the status reports it. */
export interface ContentHashState {
  symbol: string;
  /** SHA-256, hex, of the content of every snapshot and closed bar so far, in publication order. */
  sha256: string;
  snapshots: number;
  bars: number;
}

/**
 * A running SHA-256 of the market content of one symbol's snapshots and closed bars, in the order the engine
 * emits them: what their frames carry, without the wall-clock stamps (stage times, publish time), so the same
 * trades on the same snapshot schedule give the same hash in `mia serve --source replay`, `mia backtest` and a
 * live session recorded and replayed. Snapshot: sequence, last trade time, trades, quality flags, quote, the
 * session profile (levels, VWAP, σ, volumes, nodes) and each timeframe's bar in progress; closed bar: the Bar
 * struct, its volume nodes and its footprint rows. Hashed once per snapshot and bar, never per trade.
 */
export class ContentHasher {
  readonly symbol: string;
  private readonly hash: Hash = createHash('sha256');
  private readonly mem: Uint8Array;
  private readonly view: DataView;
  private readonly head = new Uint8Array(64);
  private readonly headView = new DataView(this.head.buffer);
  private snapshots = 0;
  private bars = 0;

  constructor(symbol: string, memory: WebAssembly.Memory) {
    this.symbol = symbol;
    this.mem = new Uint8Array(memory.buffer);
    this.view = new DataView(memory.buffer);
  }

  /** Adds a snapshot's content. */
  snapshot(e: SnapshotEvent): void {
    const h = this.headView;
    h.setUint8(0, 0x53); // 'S': a snapshot and a bar never hash alike
    h.setBigUint64(1, e.sequence, true);
    h.setBigInt64(9, e.tsNs, true);
    h.setBigUint64(17, e.tradesTotal, true);
    h.setUint32(25, e.quality, true);
    const q = e.quote;
    h.setFloat64(29, q ? q.bid : 0, true);
    h.setFloat64(37, q ? q.ask : 0, true);
    h.setFloat64(45, q ? q.bidSize : 0, true);
    h.setFloat64(53, q ? q.askSize : 0, true);
    this.hash.update(this.head.subarray(0, 61));
    const sp = e.region + L.SNAP_SESSION;
    const v = this.view;
    // The session block's fields (levels, volumes, VWAP, σ, node counts), then only the nodes it holds. Each
    // update crosses into native code (~0.2 µs): runs adjacent in memory go in one (the fields and the high
    // nodes; the bars in progress of consecutive timeframes), which hashes the same bytes in the same order.
    this.hash.update(this.mem.subarray(sp, sp + L.SP_HVN + 8 * Math.max(0, v.getInt32(sp + L.SP_N_HVN, true))));
    this.hash.update(this.mem.subarray(sp + L.SP_LVN, sp + L.SP_LVN + 8 * v.getInt32(sp + L.SP_N_LVN, true)));
    let from = 0;
    let to = 0;
    for (const tf of e.timeframes) {
      const at = e.region + L.SNAP_BARS + tf.block * L.BAR_BYTES;
      // A timeframe with no bar in progress shows none (one zero byte): its stale bytes are not content.
      if ((v.getUint32(at + L.BAR_TS_OPEN, true) | v.getUint32(at + L.BAR_TS_OPEN + 4, true)) !== 0) {
        if (at !== to) {
          if (to > from) this.hash.update(this.mem.subarray(from, to));
          from = at;
        }
        to = at + L.BAR_BYTES;
      } else {
        if (to > from) this.hash.update(this.mem.subarray(from, to));
        from = to = 0;
        this.hash.update(this.head.subarray(0, 1).fill(0));
      }
    }
    if (to > from) this.hash.update(this.mem.subarray(from, to));
    this.snapshots++;
  }

  /** Adds a closed bar's content: its Bar struct, volume nodes and footprint rows. */
  bar(e: BarEvent): void {
    const v = this.view;
    const at = e.entry;
    this.head[0] = 0x42; // 'B'
    this.hash.update(this.head.subarray(0, 1));
    this.hash.update(this.mem.subarray(at, at + L.BAR_BYTES));
    this.hash.update(this.mem.subarray(at + L.RING_HVN, at + L.RING_HVN + 8 * v.getInt32(at + L.RING_N_HVN, true)));
    this.hash.update(this.mem.subarray(at + L.RING_LVN, at + L.RING_LVN + 8 * v.getInt32(at + L.RING_N_LVN, true)));
    const rows = v.getInt32(at + L.RING_FP_ROWS, true);
    if (rows > 0) {
      const cap = e.footprintCap;
      const start = Number(v.getBigInt64(at + L.RING_FP_START, true) % BigInt(cap));
      // The rows may wrap around the end of the ring: at most two runs.
      const first = Math.min(rows, cap - start);
      const base = e.footprintBase;
      this.hash.update(this.mem.subarray(base + start * L.LEVEL_BYTES, base + (start + first) * L.LEVEL_BYTES));
      if (first < rows) this.hash.update(this.mem.subarray(base, base + (rows - first) * L.LEVEL_BYTES));
    }
    this.bars++;
  }

  /** The hash so far (the running state goes on). */
  state(): ContentHashState {
    return { symbol: this.symbol, sha256: this.hash.copy().digest('hex'), snapshots: this.snapshots, bars: this.bars };
  }
}
