import { usToNs, TWO32 } from '../model/time.js';
import * as flatbuffers from 'flatbuffers';
import { ClosedBar } from '../protocol/generated/mia/closed-bar.js';
import { FeatureFrame } from '../protocol/generated/mia/feature-frame.js';
import { Frame } from '../protocol/generated/mia/frame.js';
import { Payload } from '../protocol/generated/mia/payload.js';
import { Quote } from '../protocol/generated/mia/quote.js';
import { Snapshot } from '../protocol/generated/mia/snapshot.js';
import * as L from '../kernels/layout.js';
import type { SnapshotEvent } from '../engine/engine-events.js';

// vtable slots of the t_published fields (4 + 2 × field index in schema/mia.fbs), patched just before publish.
/** vtable slot of Snapshot.t_published (the bus gateway finds it in frames it receives). */
export const SNAPSHOT_T_PUBLISHED_SLOT = 28;
/** vtable slot of ClosedBar.t_published. */
export const CLOSED_BAR_T_PUBLISHED_SLOT = 18;

/** A built frame: the bytes (a view of the writer's buffer, valid until its next build) and where t_published sits. */
export interface BuiltFrame {
  bytes: Uint8Array;
  /** Byte index of the int64 t_published field inside `bytes`. */
  publishedAt: number;
}

/**
 * Builds stream frames as FlatBuffers `Frame`s. Bar and footprint structs are copied byte for byte from
 * shared memory (their layout is the schema's; test/schema holds the two equal), so nothing is translated.
 * One builder is reused: a built frame is valid until the next build, long enough for a synchronous publish.
 */
export class FrameWriter {
  private readonly b = new flatbuffers.Builder(16 * 1024);
  private readonly mem: Uint8Array;
  private readonly view: DataView;
  private readonly f64: Float64Array;
  private readonly u32: Uint32Array;
  private outBytes: Uint8Array | undefined;
  private outView: DataView | undefined;

  constructor(memory: WebAssembly.Memory) {
    this.mem = new Uint8Array(memory.buffer);
    this.f64 = new Float64Array(memory.buffer);
    this.u32 = new Uint32Array(memory.buffer);
    this.view = new DataView(memory.buffer);
  }

  /** The Snapshot frame of `s` on `topic`; its t_published holds frameBuilt until {@link stampPublished}. */
  snapshot(topic: string, s: SnapshotEvent, frameBuiltUs: number): BuiltFrame {
    const b = this.b;
    b.clear();
    const v = this.view;
    const sp = s.region + L.SNAP_SESSION;
    const topicAt = b.createString(topic);
    const symbol = b.createString(s.symbol);
    const hvn = FeatureFrame.createHvnVector(b, this.doubles(sp + L.SP_HVN, v.getInt32(sp + L.SP_N_HVN, true)));
    const lvn = FeatureFrame.createLvnVector(b, this.doubles(sp + L.SP_LVN, v.getInt32(sp + L.SP_N_LVN, true)));
    const total = Number(v.getBigInt64(sp + L.SP_TOTAL, true));
    const vwap = v.getFloat64(sp + L.SP_VWAP, true);
    const sigma = v.getFloat64(sp + L.SP_SIGMA, true);
    const frames: number[] = [];
    for (const tf of s.timeframes) {
      const footprint = tf.footprint ? this.footprintInProgress(s.state, tf.block) : 0;
      FeatureFrame.startFeatureFrame(b);
      FeatureFrame.addTimeframeSec(b, tf.sec);
      const at = s.region + L.SNAP_BARS + tf.block * L.BAR_BYTES;
      if (v.getBigInt64(at + L.BAR_TS_OPEN, true) !== 0n) FeatureFrame.addBar(b, this.struct(this.mem, at, L.BAR_BYTES));
      if (tf.lastClosed) FeatureFrame.addLastClosed(b, this.struct(tf.lastClosed, 0, L.BAR_BYTES));
      if (total > 0) {
        FeatureFrame.addSessionPoc(b, v.getFloat64(sp + L.SP_POC, true));
        FeatureFrame.addSessionVah(b, v.getFloat64(sp + L.SP_VAH, true));
        FeatureFrame.addSessionVal(b, v.getFloat64(sp + L.SP_VAL, true));
        FeatureFrame.addSessionVaCoverage(b, Number(v.getBigInt64(sp + L.SP_VA_VOLUME, true)) / total);
        FeatureFrame.addVwap(b, vwap);
        FeatureFrame.addVwapSigma(b, sigma);
        FeatureFrame.addVwapUpper1(b, vwap + sigma);
        FeatureFrame.addVwapLower1(b, vwap - sigma);
        FeatureFrame.addVwapUpper2(b, vwap + 2 * sigma);
        FeatureFrame.addVwapLower2(b, vwap - 2 * sigma);
        FeatureFrame.addInferredShare(b, Number(v.getBigInt64(sp + L.SP_INFERRED, true)) / total);
      }
      FeatureFrame.addHvn(b, hvn);
      FeatureFrame.addLvn(b, lvn);
      if (footprint) FeatureFrame.addFootprint(b, footprint);
      frames.push(FeatureFrame.endFeatureFrame(b));
    }
    const frameVector = Snapshot.createFramesVector(b, frames);
    Snapshot.startSnapshot(b);
    Snapshot.addSymbol(b, symbol);
    Snapshot.addSequence(b, s.sequence);
    Snapshot.addTsNs(b, s.tsNs);
    Snapshot.addTickSize(b, s.tickSize);
    Snapshot.addSizeDecimals(b, s.sizeDecimals);
    Snapshot.addFrames(b, frameVector);
    const q = s.quote;
    if (q) Snapshot.addQuote(b, Quote.createQuote(b, q.tsNs, q.bid, q.ask, q.bidSize, q.askSize));
    Snapshot.addQuality(b, s.quality);
    Snapshot.addTTickReceived(b, usToNs(s.tickReceivedUs));
    Snapshot.addTTapeCommitted(b, usToNs(s.tapeCommittedUs));
    Snapshot.addTKernelsDone(b, usToNs(s.kernelsDoneUs));
    Snapshot.addTFrameBuilt(b, usToNs(frameBuiltUs));
    Snapshot.addTPublished(b, usToNs(frameBuiltUs));
    Snapshot.addTradesTotal(b, s.tradesTotal);
    Snapshot.addDataQuality(b, s.dataQuality);
    return this.finish(topicAt, Payload.Snapshot, Snapshot.endSnapshot(b), SNAPSHOT_T_PUBLISHED_SLOT);
  }

  /**
   * A ClosedBar frame from a closed-bar ring entry (the Bar struct, its nodes and its footprint rows in the
   * footprint ring of `footprintBase`, `footprintCap` levels).
   */
  closedBar(topic: string, symbol: string, tickSize: number, sizeDecimals: number, entry: number, footprintBase: number, footprintCap: number): BuiltFrame {
    const b = this.b;
    b.clear();
    const v = this.view;
    const t = b.createString(topic);
    const sym = b.createString(symbol);
    const hvn = ClosedBar.createHvnVector(b, this.doubles(entry + L.RING_HVN, v.getInt32(entry + L.RING_N_HVN, true)));
    const lvn = ClosedBar.createLvnVector(b, this.doubles(entry + L.RING_LVN, v.getInt32(entry + L.RING_N_LVN, true)));
    const rows = v.getInt32(entry + L.RING_FP_ROWS, true);
    let footprint = 0;
    if (rows > 0) {
      const start = Number(v.getBigInt64(entry + L.RING_FP_START, true) % BigInt(footprintCap));
      ClosedBar.startFootprintVector(b, rows);
      // FlatBuffers vectors are written back to front.
      for (let i = rows - 1; i >= 0; i--) this.struct(this.mem, footprintBase + ((start + i) % footprintCap) * L.LEVEL_BYTES, L.LEVEL_BYTES);
      footprint = b.endVector();
    }
    ClosedBar.startClosedBar(b);
    ClosedBar.addSymbol(b, sym);
    ClosedBar.addTickSize(b, tickSize);
    ClosedBar.addSizeDecimals(b, sizeDecimals);
    ClosedBar.addBar(b, this.struct(this.mem, entry, L.BAR_BYTES));
    ClosedBar.addHvn(b, hvn);
    ClosedBar.addLvn(b, lvn);
    if (footprint) ClosedBar.addFootprint(b, footprint);
    ClosedBar.addTPublished(b, 1n);
    return this.finish(t, Payload.ClosedBar, ClosedBar.endClosedBar(b), CLOSED_BAR_T_PUBLISHED_SLOT);
  }

  /**
   * The footprint of timeframe block `i`'s bar in progress as a vector of FootprintLevel structs (0 when it
   * has no traded row): the block's folded base bars plus the open base bar, summed row by row, as the
   * snapshot kernel merges them for the bar itself. Rows without volume are left out, as in closed bars.
   */
  private footprintInProgress(st: number, i: number): number {
    const u = this.u32;
    const v = this.view;
    const base = v.getInt32(st + L.S_GRID_BASE, true);
    // The row's price as the kernels write it (asm/price-rows.ts): row × num / den, the exact decimal.
    const tickNum = v.getFloat64(st + L.S_TICK_NUM, true);
    const tickDen = v.getFloat64(st + L.S_TICK_DEN, true);
    const t0 = st + L.S_TF;
    const t = st + L.S_TF + i * L.TF_BYTES;
    // T_END_NS is int64, 0 when no bar is open: test both halves (no BigInt on this path).
    const open0 = (u[(t0 + L.T_END_NS) >>> 2]! | u[(t0 + L.T_END_NS + 4) >>> 2]!) !== 0;
    const openI = i > 0 && (u[(t + L.T_END_NS) >>> 2]! | u[(t + L.T_END_NS + 4) >>> 2]!) !== 0;
    if (!open0 && !openI) return 0;
    const g0 = u[(t0 + L.T_GRID) >>> 2]!;
    const gi = u[(t + L.T_GRID) >>> 2]!;
    const lo0 = open0 ? v.getInt32(t0 + L.T_LO, true) - base : 1;
    const hi0 = open0 ? v.getInt32(t0 + L.T_HI, true) - base : 0;
    const loI = openI ? v.getInt32(t + L.T_LO, true) - base : 1;
    const hiI = openI ? v.getInt32(t + L.T_HI, true) - base : 0;
    const lo = Math.min(open0 ? lo0 : loI, openI ? loI : lo0);
    const hi = Math.max(open0 ? hi0 : hiI, openI ? hiI : hi0);
    // Row r of a grid is 8 u32 words: bid, ask and volume as int64 (low, high) pairs, then the bid and ask
    // trade counts. A row's words in grid g start at word (g + r * ROW_BYTES) / 4; -1: not in that range.
    const w0 = (r: number): number => (r >= lo0 && r <= hi0 ? (g0 + r * L.ROW_BYTES) >>> 2 : -1);
    const wI = (r: number): number => (r >= loI && r <= hiI ? (gi + r * L.ROW_BYTES) >>> 2 : -1);
    const VOL = L.ROW_VOLUME >>> 2;
    let n = 0;
    for (let r = lo; r <= hi; r++) {
      const a = w0(r);
      const c = wI(r);
      if ((a >= 0 && (u[a + VOL]! | u[a + VOL + 1]!) !== 0) || (c >= 0 && (u[c + VOL]! | u[c + VOL + 1]!) !== 0)) n++;
    }
    if (n === 0) return 0;
    // One contiguous run of n FootprintLevel structs, written low to high in place: startVector reserved
    // the room, and moving the builder's head by the run at once avoids pad()'s byte-by-byte zeroing.
    const b = this.b;
    b.startVector(L.LEVEL_BYTES, n, 8);
    (b as unknown as { space: number }).space -= n * L.LEVEL_BYTES;
    const bb = b.dataBuffer();
    const out = this.builderView(bb.bytes());
    let at = bb.capacity() - b.offset();
    const BID = L.ROW_BID >>> 2;
    const ASK = L.ROW_ASK >>> 2;
    const BID_N = L.ROW_BID_TRADES >>> 2;
    const ASK_N = L.ROW_ASK_TRADES >>> 2;
    const i64 = (w: number, k: number): number => (w < 0 ? 0 : u[w + k]! + u[w + k + 1]! * TWO32);
    for (let r = lo; r <= hi; r++) {
      const a = w0(r);
      const c = wI(r);
      const volume = i64(a, VOL) + i64(c, VOL);
      if (volume === 0) continue;
      out.setFloat64(at + L.LEVEL_PRICE, ((base + r) * tickNum) / tickDen, true);
      setI64(out, at + L.LEVEL_BID, i64(a, BID) + i64(c, BID));
      setI64(out, at + L.LEVEL_ASK, i64(a, ASK) + i64(c, ASK));
      setI64(out, at + L.LEVEL_VOLUME, volume);
      out.setUint32(at + L.LEVEL_BID_TRADES, (a < 0 ? 0 : u[a + BID_N]!) + (c < 0 ? 0 : u[c + BID_N]!), true);
      out.setUint32(at + L.LEVEL_ASK_TRADES, (a < 0 ? 0 : u[a + ASK_N]!) + (c < 0 ? 0 : u[c + ASK_N]!), true);
      at += L.LEVEL_BYTES;
    }
    return b.endVector();
  }

  /** A DataView over the builder's bytes, made again only when the builder grew into a new buffer. */
  private builderView(bytes: Uint8Array): DataView {
    if (this.outBytes !== bytes) {
      this.outBytes = bytes;
      this.outView = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    return this.outView!;
  }

  /** `n` f64 values at an 8-aligned address (a Uint8Array would be read as one value per byte). */
  private doubles(at: number, n: number): Float64Array {
    return this.f64.subarray(at >>> 3, (at >>> 3) + n);
  }

  /** Copies a struct of `size` bytes (8-aligned) from `src` into the builder, returning its offset. */
  private struct(src: Uint8Array, at: number, size: number): number {
    const b = this.b;
    b.prep(8, size);
    b.pad(size);
    const bb = b.dataBuffer();
    bb.bytes().set(src.subarray(at, at + size), bb.capacity() - b.offset());
    return b.offset();
  }

  private finish(topic: number, type: number, payload: number, publishedSlot: number): BuiltFrame {
    const b = this.b;
    Frame.finishFrameBuffer(b, Frame.createFrame(b, topic, type, payload));
    const bytes = b.asUint8Array();
    if (publishedSlot < 0) return { bytes, publishedAt: -1 };
    const bb = new flatbuffers.ByteBuffer(bytes);
    const frame = Frame.getRootAsFrame(bb);
    const payloadPos = (frame.payload(type === Payload.Snapshot ? new Snapshot() : new ClosedBar()) as Snapshot | ClosedBar).bb_pos;
    return { bytes, publishedAt: payloadPos + bb.__offset(payloadPos, publishedSlot) };
  }
}

/** Writes a non-negative integer below 2^53 as a little-endian int64. */
function setI64(out: DataView, at: number, value: number): void {
  out.setUint32(at, value % TWO32, true);
  out.setUint32(at + 4, Math.floor(value / TWO32), true);
}

/** Writes the publish time into a built frame, in place, just before it goes to the sockets. */
export function stampPublished(frame: BuiltFrame, us: number): void {
  const v = new DataView(frame.bytes.buffer, frame.bytes.byteOffset, frame.bytes.byteLength);
  v.setBigInt64(frame.publishedAt, usToNs(us), true);
}
