import { nowUs } from '../common/clock.js';
import { BarReader } from '../kernels/bar-reader.js';
import * as L from '../kernels/layout.js';
import { SymbolState } from '../kernels/symbol-state.js';
import { TapeWriter } from '../kernels/tape-writer.js';
import type { SymbolRegion } from '../kernels/memory-plan.js';
import type { TimeframeSlot } from '../kernels/timeframes.js';
import type { FeatureConfig } from '../model/bar-features.js';
import { type TradeBatch } from '../model/trade-batch.js';
import { joinNs, splitNs } from '../model/time.js';
import type { BarInput, SnapshotInput } from '../model/signal-input.js';
import { DataQualityWindow } from './data-quality.js';
import type { BarEvent, QuoteState, SnapshotEvent, TimeframeMemory } from './engine-events.js';
import type { InstrumentInfo } from './market-source.js';
import type { SignalInputReader } from './signal-input-reader.js';

/** One emitted timeframe of a feed: where its bars live and the last closed Bar struct, copied at the close. */
export interface FeedTimeframe extends TimeframeMemory {
  /** Preallocated copy target for the last closed bar (168 bytes). */
  readonly closedBuf: Uint8Array;
}

/**
 * One symbol of the live engine: its tape, kernel state and bar rings in shared memory, and what the
 * scheduler needs (when the last trade arrived, whether a bar just closed). Trades are appended as they
 * arrive; the first trade of a new base bar stops the intake until the snapshot that shows the close is
 * dispatched, so every bar close gets its own snapshot even in a replay at full speed.
 */
export class SymbolFeed {
  readonly info: InstrumentInfo;
  /** Position of the instrument in the source's list (its index for TradeSink and qualityFlags). */
  readonly index: number;
  readonly state: SymbolState;
  readonly writer: TapeWriter;
  readonly reader: BarReader;
  readonly timeframes: FeedTimeframe[];
  /** Timeframe slot block → index in `timeframes`. */
  readonly byBlock: Int32Array;
  sequence = 0n;
  trades = 0;
  bars = 0;
  snapshots = 0;
  inFlight = false;
  /** Trades were processed that no published snapshot shows yet. */
  unpublished = false;
  /** A bar closed and its snapshot is not dispatched yet. */
  closeDue = false;
  /** Tape length the last dispatched task covers. */
  dispatchedTo = 0;
  /** Quality flags of the last published snapshot. */
  publishedQuality = 0;
  nextSnapshotUs = 0;
  lastReceivedUs = 0;
  lastCommittedUs = 0;
  lastTsHi = 0;
  lastTsLo = 0;
  quote: QuoteState | undefined;
  /** The data-quality score's one-second buckets over the last five minutes, updated at every snapshot task. */
  readonly dataQuality = new DataQualityWindow();
  /** What the task in flight covers, captured at dispatch (reused: no object per task). */
  readonly task = { close: false, publish: false, receivedUs: 0, committedUs: 0, tsHi: 0, tsLo: 0, upTo: 0, trades: 0, newTrades: false };
  /** The engine's closed-bar handler for this feed, made once. */
  onClosed: ((at: number, slot: TimeframeSlot) => void) | undefined;
  /** This feed's snapshot event, filled in and emitted at each snapshot (one object, reused). */
  readonly snapshotEvent: SnapshotEvent;
  /** This feed's closed-bar event, filled in and emitted at each close (one object, reused). */
  readonly barEvent: BarEvent;
  private readonly baseNs: bigint;
  private endHi = 0;
  private endLo = 0;
  private started = false;

  /**
   * @param footprint closed bars carry their footprint rows
   * @param liveFootprintSec timeframes (seconds) whose snapshots carry the footprint of the bar in progress
   * @param index position of the instrument in the source's list
   * @param inputs reads the signals' input of this feed's snapshots and bars from shared memory
   */
  constructor(memory: WebAssembly.Memory, region: SymbolRegion, info: InstrumentInfo, config: FeatureConfig, footprint: boolean,
    liveFootprintSec: readonly number[], index: number, inputs: SignalInputReader) {
    this.info = info;
    this.index = index;
    // Replay ring mode: a full ring pauses the kernel until drained, so no closed bar is ever lost.
    this.state = new SymbolState(memory, region, config, { ringMode: 'replay', footprint });
    this.writer = new TapeWriter(this.state, memory, !info.hasSides, info.sidesInferred ?? false);
    this.reader = new BarReader(this.state);
    this.baseNs = BigInt(this.state.slots[0]!.sec) * 1_000_000_000n;
    this.timeframes = this.state.slots.filter((s) => s.emit).map((s) => ({
      sec: s.sec, block: s.block, lastClosed: undefined, closedBuf: new Uint8Array(L.BAR_BYTES), footprint: liveFootprintSec.includes(s.sec),
    }));
    this.byBlock = new Int32Array(this.state.slots.length).fill(-1);
    this.timeframes.forEach((t, i) => (this.byBlock[t.block] = i));
    this.snapshotEvent = snapshotEventOf(this, inputs);
    this.barEvent = barEventOf(this, inputs);
  }

  /** Trades on the tape that no dispatched task covers yet. */
  get pending(): number {
    return this.writer.length - this.dispatchedTo;
  }

  /**
   * Appends trades `from`..`to` of the batch; returns how many were taken (see TradeSink.offer). Stops after
   * the first trade of a new base bar and takes nothing more until that close is dispatched.
   */
  offer(batch: TradeBatch, from: number, to: number, receivedUs: number): number {
    if (this.closeDue) return 0;
    if (this.writer.free < this.writer.capacity / 4) {
      if (this.inFlight || this.state.cursor !== this.writer.length) {
        // Hold the intake until a snapshot has processed the tape, then start it over.
        return 0;
      }
      // Every trade on the tape is processed: start it over (the live view lives in the state, not the tape).
      this.writer.rewind();
      this.dispatchedTo = 0;
    }
    let n = Math.min(to - from, this.writer.free);
    if (n === 0) return 0;
    if (!this.started) {
      this.started = true;
      this.nextBarEnd(batch.tsHi[from]!, batch.tsLo[from]!);
    }
    const eh = this.endHi;
    const el = this.endLo;
    for (let j = from; j < from + n; j++) {
      const hi = batch.tsHi[j]!;
      if (hi > eh || (hi === eh && batch.tsLo[j]! >= el)) {
        n = j - from + 1;
        this.nextBarEnd(hi, batch.tsLo[j]!);
        this.closeDue = true;
        break;
      }
    }
    this.writer.append(batch, from, from + n);
    const last = from + n - 1;
    this.lastTsHi = batch.tsHi[last]!;
    this.lastTsLo = batch.tsLo[last]!;
    this.lastReceivedUs = receivedUs;
    this.lastCommittedUs = nowUs();
    this.trades += n;
    return n;
  }

  /**
   * Keeps the closed bar of ring entry `at` (timeframe `slot`) as its timeframe's last closed bar and returns
   * this feed's bar event pointing at it, ready to emit. `mem` views the shared memory.
   */
  closeBar(at: number, slot: TimeframeSlot, mem: Uint8Array): BarEvent {
    const tf = this.timeframes[this.byBlock[slot.block]!]!;
    tf.closedBuf.set(mem.subarray(at, at + tf.closedBuf.length));
    tf.lastClosed = tf.closedBuf;
    tf.lastClosedInput = undefined;
    const e = this.barEvent;
    e.timeframeSec = tf.sec;
    e.entry = at;
    return e;
  }

  /** Time of the last trade taken, ns. */
  get lastTsNs(): bigint {
    return joinNs(this.lastTsHi, this.lastTsLo);
  }

  /** Sets the end of the base bar holding a trade at (hi, lo); BigInt once per bar, not per trade. */
  private nextBarEnd(hi: number, lo: number): void {
    const ts = joinNs(hi, lo);
    [this.endHi, this.endLo] = splitNs((ts / this.baseNs + 1n) * this.baseNs);
  }
}

/** The feed's reusable snapshot event; `input()` reads shared memory once per snapshot (by sequence). */
function snapshotEventOf(f: SymbolFeed, inputs: SignalInputReader): SnapshotEvent {
  let readAt = -1n;
  let read: SnapshotInput | undefined;
  const e: SnapshotEvent = {
    symbol: f.info.symbol, sequence: 0n, tsNs: 0n, tickSize: f.info.tickSize, sizeDecimals: f.info.sizeDecimals, quality: 0,
    tradesTotal: 0n, dataQuality: Number.NaN, tickReceivedUs: 0, tapeCommittedUs: 0, kernelsDoneUs: 0, newTrades: false, warm: false,
    region: f.state.region.snapshot, state: f.state.region.state, timeframes: f.timeframes, quote: undefined,
    input(): SnapshotInput {
      if (read === undefined || readAt !== e.sequence || e.warm) {
        read = inputs.snapshot(e);
        readAt = e.sequence;
      }
      return read;
    },
  };
  return e;
}

/** The feed's reusable closed-bar event. */
function barEventOf(f: SymbolFeed, inputs: SignalInputReader): BarEvent {
  const r = f.state.region;
  const e: BarEvent = {
    symbol: f.info.symbol, timeframeSec: 0, entry: 0, footprintBase: r.footprint, footprintCap: r.footprintLevels,
    tickSize: f.info.tickSize, sizeDecimals: f.info.sizeDecimals, warm: false,
    input: (levels = true): BarInput => inputs.bar(e.entry, e.sizeDecimals, e.footprintBase, e.footprintCap, levels),
  };
  return e;
}
