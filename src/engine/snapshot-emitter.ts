import { nowUs } from '../common/clock.js';
import * as L from '../kernels/layout.js';
import { joinNs, TWO32 } from '../model/time.js';
import { QualityFlag } from '../protocol/generated/mia/quality-flag.js';
import { ContentHasher } from './content-hash.js';
import type { EventBus } from './engine-events.js';
import { LatencyWindow, type Percentiles } from './latency-window.js';
import type { MarketSource } from './market-source.js';
import type { SymbolFeed } from './symbol-feed.js';

/** The engine's stage latencies over the recent window, µs from the last tick's arrival (the publisher adds its own). */
export interface EngineStageStats {
  tapeCommitted: Percentiles;
  kernelsDone: Percentiles;
}

/** What the emitter needs of the engine's options. */
export interface EmitterOptions {
  /** Snapshot interval, ms. */
  intervalMs: number;
  /** A feed without a trade for longer than this is Stale, ms. */
  staleMs: number;
}

/**
 * What happens after a kernel task, on the engine's thread: the closed bars drained from the symbol's rings and
 * the snapshot published when one is due, each as a typed event on the bus, each folded into the symbol's running
 * content hash, and the tick → tape → kernels stage latencies recorded. Apart from the SnapshotEngine, which
 * decides when tasks run (polling, throttle, pool or inline), because none of this depends on where the kernels ran.
 */
export class SnapshotEmitter {
  /** Stage latency windows, µs from the newest trade's arrival (read by /health and /metrics). */
  readonly stages = { tapeCommitted: new LatencyWindow(), kernelsDone: new LatencyWindow() };
  /** Per feed (by index), the running hash of the content it emitted. */
  private readonly hashers: ContentHasher[];
  private readonly mem: Uint8Array;
  private readonly view: DataView;
  private readonly events: EventBus;
  private readonly source: MarketSource;
  private readonly o: EmitterOptions;

  constructor(events: EventBus, memory: WebAssembly.Memory, feeds: readonly SymbolFeed[], source: MarketSource, o: EmitterOptions) {
    this.events = events;
    this.source = source;
    this.o = o;
    this.mem = new Uint8Array(memory.buffer);
    this.view = new DataView(memory.buffer);
    this.hashers = feeds.map((f) => new ContentHasher(f.info.symbol, memory, f.state.region.hashStage));
  }

  /** Each symbol's content hash now (status and /health). */
  contentHashes(): ReturnType<ContentHasher['state']>[] {
    return this.hashers.map((h) => h.state());
  }

  /** After the kernels: drain the bars they closed, then publish the snapshot if one is due (see SnapshotEngine.dispatch). */
  complete(f: SymbolFeed): void {
    this.drainBars(f);
    const t = f.task;
    const kernelsUs = nowUs();
    const quality = this.quality(f, kernelsUs);
    const sec = Math.floor(kernelsUs / 1e6);
    const sp = f.state.region.snapshot + L.SNAP_SESSION;
    f.dataQuality.observe(sec, quality, this.u64(sp + L.SP_TOTAL), this.u64(sp + L.SP_INFERRED));
    if (!(t.publish || t.close || kernelsUs >= f.nextSnapshotUs || quality !== f.publishedQuality)) {
      f.unpublished ||= t.newTrades;
      return;
    }
    f.unpublished = false;
    f.nextSnapshotUs = kernelsUs + this.o.intervalMs * 1000;
    f.sequence++;
    f.snapshots++;
    f.publishedQuality = quality;
    if (t.newTrades) {
      this.stages.tapeCommitted.record(t.committedUs - t.receivedUs);
      this.stages.kernelsDone.record(kernelsUs - t.receivedUs);
    }
    const e = f.snapshotEvent;
    e.sequence = f.sequence;
    e.tsNs = joinNs(t.tsHi, t.tsLo);
    e.quality = quality;
    e.tradesTotal = BigInt(t.trades);
    e.dataQuality = f.dataQuality.score(sec);
    // Stage times describe the newest trade; a snapshot for a quality change alone keeps the last trade's.
    e.tickReceivedUs = t.receivedUs;
    e.tapeCommittedUs = t.committedUs;
    e.kernelsDoneUs = kernelsUs;
    e.quote = f.quote;
    e.newTrades = t.newTrades;
    this.hashers[f.index]!.snapshot(e);
    this.events.emit('snapshot', e);
  }

  /** The quality flags of feed `f` at `now` (µs): the source's own, staleness, replay, inferred sides. */
  quality(f: SymbolFeed, now: number): number {
    const stale = f.lastReceivedUs > 0 && now - f.lastReceivedUs > this.o.staleMs * 1000;
    return (this.source.kind === 'replay' ? QualityFlag.Replay : 0) | (f.info.hasSides ? 0 : QualityFlag.SidesInferred)
      | (stale ? QualityFlag.Stale : 0) | (this.source.qualityFlags?.(f.index) ?? 0);
  }

  /** Emits every closed bar waiting in the symbol's rings and keeps the last one per timeframe. */
  drainBars(f: SymbolFeed): void {
    // One callback per feed, made once: draining runs after every kernel task.
    f.onClosed ??= (at, slot) => {
      const e = f.closeBar(at, slot, this.mem);
      this.hashers[f.index]!.bar(e);
      this.events.emit('bar', e);
    };
    f.bars += f.reader.drainEntries(f.onClosed);
  }

  /** A non-negative int64 of shared memory as a number (two 32-bit reads: no BigInt per snapshot). */
  private u64(at: number): number {
    return this.view.getUint32(at, true) + this.view.getUint32(at + 4, true) * TWO32;
  }
}
