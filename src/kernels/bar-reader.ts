import type { BarFeatures, FootprintLevel } from '../model/bar-features.js';
import { decodeBar, decodeLevel, decodeNodes } from './bar-decoder.js';
import * as L from './layout.js';
import type { SymbolState } from './symbol-state.js';
import type { TimeframeSlot } from './timeframes.js';
import { halvesToNumber, TWO32 } from '../model/time.js';


/** A non-negative int64 counter below 2^53 as a number. */
function readCount(v: DataView, at: number): number {
  return halvesToNumber(v.getUint32(at + 4, true), v.getUint32(at, true));
}

/**
 * Drains the closed-bar rings of one symbol: decodes each bar (with its footprint levels when the state
 * emits them) and marks it consumed, which lets a paused replay kernel go on.
 */
export class BarReader {
  private readonly s: SymbolState;

  constructor(state: SymbolState) {
    this.s = state;
  }

  /** Calls `onBar` for every closed bar not yet read, timeframe by timeframe; returns how many. */
  drain(onBar: (bar: BarFeatures) => void): number {
    const v = this.s.view;
    return this.drainEntries((at) => {
      const bar = decodeBar(v, at, this.s.sizeUnit);
      decodeNodes(v, at, bar);
      if (this.s.footprint) bar.levels = this.levels(at);
      onBar(bar);
    });
  }

  /**
   * Calls `onEntry` with the address of every closed-bar ring entry not yet read (the Bar struct, its nodes
   * and where its footprint rows sit), timeframe by timeframe, then marks the entries and their footprint
   * rows consumed. For callers that copy the structs as they are (the stream) instead of decoding them.
   */
  drainEntries(onEntry: (at: number, slot: TimeframeSlot) => void): number {
    const v = this.s.view;
    let n = 0;
    for (const slot of this.s.slots) {
      if (!slot.emit) continue;
      const t = this.s.block(slot.block);
      // Ring counters are int64 in memory but stay far below 2^53: read them as numbers, so an empty ring
      // (the common case, checked after every kernel task) allocates no BigInt.
      const write = readCount(v, t + L.T_RING_WRITE);
      let read = readCount(v, t + L.T_RING_READ);
      if (read === write) continue;
      const cap = this.s.ringCapacity;
      // In live mode the writer may have lapped the reader: skip to the oldest bar still in the ring.
      if (write - read > cap) read = write - cap;
      const ring = this.s.region.rings[slot.block]!;
      for (; read < write; read++) {
        const at = ring + (read % cap) * L.RING_ENTRY_BYTES;
        onEntry(at, slot);
        if (this.s.footprint) this.consumeLevels(at);
        n++;
      }
      v.setUint32(t + L.T_RING_READ, read % TWO32, true);
      v.setUint32(t + L.T_RING_READ + 4, Math.floor(read / TWO32), true);
    }
    return n;
  }

  private levels(entry: number): FootprintLevel[] {
    const v = this.s.view;
    const start = v.getBigInt64(entry + L.RING_FP_START, true);
    const rows = v.getInt32(entry + L.RING_FP_ROWS, true);
    const cap = BigInt(this.s.footprintCapacity);
    const out: FootprintLevel[] = new Array(rows);
    for (let i = 0; i < rows; i++) {
      const at = this.s.region.footprint + Number((start + BigInt(i)) % cap) * L.LEVEL_BYTES;
      out[i] = decodeLevel(v, at, this.s.sizeUnit);
    }
    return out;
  }

  /** Lets the kernel reuse the footprint rows of a read entry (a paused replay kernel waits on them). */
  private consumeLevels(entry: number): void {
    const v = this.s.view;
    const end = v.getBigInt64(entry + L.RING_FP_START, true) + BigInt(v.getInt32(entry + L.RING_FP_ROWS, true));
    if (end > v.getBigInt64(this.s.region.state + L.S_FP_READ, true)) {
      v.setBigInt64(this.s.region.state + L.S_FP_READ, end, true);
    }
  }
}
