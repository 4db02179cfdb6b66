import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from 'pino';
import { nowUs } from '../common/clock.js';
import { ErrorCode, isMiaError, MiaError } from '../common/errors.js';
import { InlineExecutor, type KernelExecutor } from '../kernels/executor.js';
import { DEFAULT_PLAN, MemoryPlan } from '../kernels/memory-plan.js';
import { planTimeframes } from '../kernels/timeframes.js';
import { type TradeBatch } from '../model/trade-batch.js';
import { KernelPool } from '../pool/kernel-pool.js';
import type { PoolStats, SymbolStats } from './engine-stats.js';
import { EventBus, type EngineStatus } from './engine-events.js';
import type { LatencyWindow } from './latency-window.js';
import { LoopWait } from './loop-wait.js';
import type { SnapshotEngineOptions } from './engine-options.js';
import { warmUp } from './warm-up.js';
import { TaskWatchdog } from './task-watchdog.js';
import { LoopStage, NO_LOOP_MARKS, spinThread, type LoopStageMarker } from './loop-heartbeat.js';
import type { MarketSource, TradeSink } from './market-source.js';
import { SignalInputReader } from './signal-input-reader.js';
import { SnapshotEmitter, type EngineStageStats } from './snapshot-emitter.js';
import { SymbolFeed } from './symbol-feed.js';

export type { SnapshotEngineOptions } from './engine-options.js';
export type { PoolStats, SymbolStats } from './engine-stats.js';

export type { EngineStageStats } from './snapshot-emitter.js';

type EngineState = 'starting' | 'running' | 'finished' | 'stopping' | 'stopped';

/** Longest an eager source's intake loop runs without letting the event loop turn, ms of wall time. */
const EAGER_TURN_MS = 2;

/**
 * Pool kernels on a live source: how long before a snapshot is due the trades taken so far go to a worker. A
 * task per intake (every poll, ~1 ms) cost the main thread piscina's per-task work and garbage (~17 KB a task,
 * scavenges every ~90 ms and full collections: bench/RESULTS.md, issue 15); the trades wait on the tape instead,
 * and one task this long before the due time wakes the worker, so the due task finds it awake (waking one idle
 * for 100 ms costs 0.35 ms median on this VM, for 1 ms 0.09 ms).
 */
const POOL_PREWARM_US = 2000;

const NO_DELIVERY = { subscribers: 0, framesConflated: 0, closedSlow: 0, controlErrors: 0 };

/**
 * The orchestrator: polls the source onto the shared-memory tapes, schedules a snapshot per symbol every
 * interval and at every bar close, runs the kernels and the snapshot kernel in the pool (one task in flight
 * per symbol, so a symbol's state is only ever touched by one thread), drains closed bars, and emits typed
 * snapshot, bar and status events on its bus (`events`). It knows nothing of frames or sockets: the stream
 * publisher, the decision pipeline, a backtest or a training run subscribe to what they need.
 */
export class SnapshotEngine {
  readonly feeds: SymbolFeed[];
  /** Snapshot, bar and status events (and the decision pipeline's decisions and risk state). */
  readonly events = new EventBus();
  /** The shared memory the events' addresses point into. */
  readonly memory: WebAssembly.Memory;
  private readonly warmFeed: SymbolFeed;
  private readonly source: MarketSource;
  /** Exactly one of pool and inline is set (options.kernels). */
  private readonly pool: KernelPool | undefined;
  private readonly inline: InlineExecutor | undefined;
  private readonly executor: KernelExecutor;
  private readonly mem: Uint8Array;
  private readonly o: SnapshotEngineOptions;
  private readonly log: Logger;
  private readonly sink: TradeSink;
  private readonly startUs = nowUs();
  private stateName: EngineState = 'starting';
  private tasksInFlight = 0;
  private tasksDone = 0;
  private taken = 0;
  private failures = 0;
  private failure: unknown;
  /** The loop's wait between polls, and its wake (a task completed, a stop). */
  private readonly waiter = new LoopWait();
  private loopDone: Promise<void> | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  /** Snapshot tasks in flight, awaited before the pool closes. */
  private readonly running = new Set<Promise<void>>();
  /** Bars and snapshots out as events after each kernel task, hashed, with their stage latencies. */
  private readonly emitter: SnapshotEmitter;
  /** Pool tasks over their budget are aborted; their symbols halted (1) and the trades offered after counted. */
  private readonly watchdog: TaskWatchdog;
  private readonly halted: Uint8Array;
  private readonly droppedWhileHalted: Float64Array;
  /** Where the engine marks its stages and beats for the loop watchdog (a no-op without one). */
  private readonly marks: LoopStageMarker;
  /** MIA_DEBUG_STALL_MS: from when (performance.now(), ms) the next inline task stalls, and how long; 0: never. */
  private debugStallFromMs = 0;

  constructor(source: MarketSource, o: SnapshotEngineOptions, log: Logger) {
    this.source = source;
    this.o = o;
    this.log = log;
    this.marks = o.loopStages ?? NO_LOOP_MARKS;
    const plan = new MemoryPlan({
      ...DEFAULT_PLAN, tapeCapacity: o.tapeCapacity ?? DEFAULT_PLAN.tapeCapacity, gridRows: o.gridRows ?? DEFAULT_PLAN.gridRows,
      // One region more than the source has instruments: the warm-up's synthetic market.
      symbols: source.instruments.length + 1, timeframes: planTimeframes(o.config.timeframesSec).length,
    });
    const memory = plan.allocate();
    this.memory = memory;
    this.inline = o.kernels === 'inline' ? new InlineExecutor(memory) : undefined;
    this.pool = this.inline ? undefined : new KernelPool(memory, { threads: o.threads, ...(o.poolWorkerFile ? { workerFile: o.poolWorkerFile } : {}) });
    this.executor = this.inline ?? this.pool!;
    this.mem = new Uint8Array(memory.buffer);
    const inputs = new SignalInputReader(memory);
    this.feeds = source.instruments.map((info, i) => new SymbolFeed(memory, plan.regions[i]!, info,
      { ...o.config, tickSize: info.tickSize, sizeDecimals: info.sizeDecimals }, o.footprint, o.liveFootprintSec ?? [], i, inputs));
    this.emitter = new SnapshotEmitter(this.events, memory, this.feeds, source, o);
    this.watchdog = new TaskWatchdog(this.feeds.length, o.taskBudgetMs);
    this.halted = new Uint8Array(this.feeds.length);
    this.droppedWhileHalted = new Float64Array(this.feeds.length);
    const first = source.instruments[0]!;
    this.warmFeed = new SymbolFeed(memory, plan.regions[source.instruments.length]!, { ...first, sizeDecimals: 0, hasSides: true },
      { ...o.config, tickSize: first.tickSize, sizeDecimals: 0 }, o.footprint, o.liveFootprintSec ?? [], source.instruments.length, inputs);
    const feeds = this.feeds;
    this.sink = {
      offer: (i: number, batch: TradeBatch, from: number, to: number, receivedUs: number): number => {
        if (this.halted[i]) {
          this.droppedWhileHalted[i]! += to - from;
          return to - from;
        }
        const f = feeds[i]!;
        const n = f.offer(batch, from, to, receivedUs);
        this.taken += n;
        // Leading edge of the throttle: dispatch as the trades arrive, while the source goes on polling (the
        // snapshot is published when due, see dispatch). Pool kernels on a live source wait for worthTask.
        if (!f.inFlight && this.stateName === 'running' && f.pending > 0 && this.worthTask(f, nowUs())) this.dispatch(f);
        return n;
      },
      quote: (i, tsNs, bid, ask, bidSize, askSize) => {
        // Quotes come with every intake: update one object per feed rather than make one per call.
        const f = feeds[i]!;
        const q = (f.quote ??= { tsNs, bid, ask, bidSize, askSize });
        q.tsNs = tsNs;
        q.bid = bid;
        q.ask = ask;
        q.bidSize = bidSize;
        q.askSize = askSize;
      },
    };
  }

  /** Source, pool and engine state for /health and the status topic. */
  get state(): EngineState {
    return this.stateName;
  }

  /** Starts the kernels' workers, the poll loop and the status ticker. */
  async start(): Promise<void> {
    await this.pool?.warm();
    if (this.o.warmUp ?? true) await warmUp(this.warmFeed, this.executor, this.events, this.mem);
    this.stateName = 'running';
    if (this.o.debugStallMs) this.debugStallFromMs = performance.now() + 1000;
    if (this.pool) this.watchdog.start();
    this.log.info({ source: this.source.kind, symbols: this.feeds.map((f) => f.info.symbol), intervalMs: this.o.intervalMs }, 'Engine started');
    this.loopDone = this.loop();
    this.statusTimer = setInterval(() => this.publishStatus(false), 1000);
  }

  /** Resolves when the source is exhausted and the last bars and snapshots are out (replay), or on stop. */
  get done(): Promise<void> {
    return this.loopDone ?? Promise.resolve();
  }

  /** Stops polling, waits for tasks in flight, publishes a final status and closes the pool. */
  async stop(): Promise<void> {
    if (this.stateName === 'stopped') return;
    const wasRunning = this.stateName === 'running';
    this.stateName = 'stopping';
    this.waiter.wake();
    await this.loopDone;
    // The watchdog still runs here: a task that hangs is aborted within its budget, not waited on for ever.
    await Promise.all(this.running);
    this.watchdog.stop();
    if (this.statusTimer) clearInterval(this.statusTimer);
    await this.source.close();
    await this.executor.close();
    this.stateName = 'stopped';
    this.publishStatus(true);
    this.log.info({ wasRunning, trades: this.feeds.reduce((a, f) => a + f.trades, 0), snapshots: this.feeds.reduce((a, f) => a + f.snapshots, 0) }, 'Engine stopped');
  }

  /** The error that stopped the source (a corrupt replay file fails fast), if any. */
  get sourceError(): unknown {
    return this.failure;
  }

  /** Stage latency percentiles over the last 10,000 snapshots. */
  stageStats(): EngineStageStats {
    const { tapeCommitted, kernelsDone } = this.emitter.stages;
    return { tapeCommitted: tapeCommitted.percentiles(), kernelsDone: kernelsDone.percentiles() };
  }

  /** The stage latency windows themselves (µs from the newest trade's arrival), read by /metrics at scrape time. */
  stageWindows(): { tapeCommitted: LatencyWindow; kernelsDone: LatencyWindow } {
    return this.emitter.stages;
  }

  /** Per symbol: trades, snapshots, closed bars and the data-quality score now. */
  symbolStats(): SymbolStats[] {
    const sec = Math.floor(nowUs() / 1e6);
    return this.feeds.map((f, i) => ({
      symbol: f.info.symbol, trades: f.trades, snapshots: f.snapshots, bars: f.bars, dataQuality: f.dataQuality.reading(sec),
      kernels: this.halted[i] ? 'halted' : 'ok', taskTimeouts: this.watchdog.timeouts[i]!, droppedWhileHalted: this.droppedWhileHalted[i]!,
    }));
  }

  /** The kernel pool's load now. */
  poolStats(): PoolStats {
    return { inFlight: this.tasksInFlight, queued: this.pool?.queueSize ?? 0, tasks: this.tasksDone };
  }

  /** The status message (also the body of /health). */
  status(final = false): EngineStatus {
    const last = this.feeds.reduce((a, f) => Math.max(a, f.lastReceivedUs), 0);
    const c = this.o.delivery?.() ?? NO_DELIVERY;
    return {
      uptimeSec: (nowUs() - this.startUs) / 1e6,
      source: this.source.kind,
      sourceState: this.stateName,
      feedLagMs: last > 0 ? (nowUs() - last) / 1000 : -1,
      poolInFlight: this.tasksInFlight,
      poolTasks: this.tasksDone,
      tradesTotal: this.feeds.reduce((a, f) => a + f.trades, 0),
      snapshotsTotal: this.feeds.reduce((a, f) => a + f.snapshots, 0),
      barsTotal: this.feeds.reduce((a, f) => a + f.bars, 0),
      subscribers: c.subscribers,
      framesConflated: c.framesConflated,
      closedSlow: c.closedSlow,
      controlErrors: c.controlErrors,
      final,
      errors: this.failures,
      sourceConnected: this.source.connected?.() ?? true,
      sourceDetail: this.source.health?.() ?? null,
      contentHashes: this.emitter.contentHashes(),
    };
  }

  private publishStatus(final: boolean): void {
    const was = this.marks.enter(LoopStage.Status);
    this.events.emit('status', this.status(final));
    this.marks.enter(was);
  }

  /** The source's poll; its synchronous part (up to its first await) marked as the ingest stage, after a beat. */
  private poll(): boolean | Promise<boolean> {
    this.marks.beat();
    const was = this.marks.enter(LoopStage.Ingest);
    try {
      return this.source.poll(this.sink);
    } finally {
      this.marks.enter(was);
    }
  }

  private async loop(): Promise<void> {
    let more = true;
    let turnedAt = performance.now();
    while (this.stateName === 'running') {
      this.taken = 0;
      try {
        // A source that answers at once (the simulator, IB) is not awaited: an await is a promise a poll.
        const polled = this.poll();
        more = typeof polled === 'boolean' ? polled : await polled;
      } catch (e) {
        this.failures++;
        this.failure = e;
        this.log.error({ err: e, code: isMiaError(e) ? e.code : undefined }, 'Source failed');
        more = false;
      }
      const now = nowUs();
      for (let i = 0; i < this.feeds.length; i++) {
        const f = this.feeds[i]!;
        if (f.inFlight || this.halted[i]) continue;
        if (f.pending > 0 && this.worthTask(f, now)) this.dispatch(f);
        // Trailing edge of the throttle: trades processed but not yet shown once the interval is over.
        else if (f.unpublished && now >= f.nextSnapshotUs) this.dispatch(f, true);
        // No new trades, but the quality changed (disconnected, gap, stale): say so at once.
        else if (this.stateName === 'running' && f.snapshots > 0 && this.emitter.quality(f, now) !== f.publishedQuality) this.dispatch(f, true);
      }
      if (!more) break;
      if (this.source.eager && this.taken > 0) {
        // A replay at full speed takes one intake per bar close; a turn of the event loop for each cost a
        // backtest ~3 µs a bar close (bench/RESULTS.md, issue 15). Timers, sockets and a stop still get a turn
        // every EAGER_TURN_MS.
        const t = performance.now();
        if (t - turnedAt >= EAGER_TURN_MS) {
          await nextTurn();
          turnedAt = performance.now();
        }
      } else await this.waiter.sleep(this.source.eager ? 50 : 1);
    }
    if (!more) await this.finish();
    this.waiter.dispose();
  }

  /** End of a replay: process what is left, close the open bars, publish the last bars and snapshots. */
  private async finish(): Promise<void> {
    for (;;) {
      const live = this.feeds.filter((f) => !this.halted[f.index]);
      for (const f of live) if (!f.inFlight && (f.pending > 0 || f.unpublished)) this.dispatch(f, true);
      // Inline kernels finish within dispatch: only wait when a pool task is still out.
      if (!live.some((f) => f.inFlight || f.pending > 0 || f.unpublished)) break;
      await this.waiter.sleep(50);
    }
    for (const f of this.feeds) {
      if (f.trades === 0 || this.halted[f.index]) continue;
      for (;;) {
        const outcome = await this.executor.flush(f.state.region.state);
        this.emitter.drainBars(f);
        if (outcome === 'ok') break;
      }
      // A last snapshot shows the bars the flush closed.
      this.dispatch(f, true);
      await Promise.all(this.running);
    }
    if (this.stateName === 'running') this.stateName = 'finished';
    this.log.info({ trades: this.feeds.reduce((a, f) => a + f.trades, 0), bars: this.feeds.reduce((a, f) => a + f.bars, 0) }, 'Source finished');
    this.publishStatus(false);
  }

  /**
   * Whether the trades waiting on `f`'s tape go to the kernels now. Inline, and in a replay at full speed,
   * always (a call costs no more than the kernels' work; a replay takes one intake per bar close). Pool kernels
   * on a live source: at a bar close, from POOL_PREWARM_US before the snapshot is due, or when an eighth of the
   * tape waits (the intake holds at three quarters).
   */
  private worthTask(f: SymbolFeed, now: number): boolean {
    return this.inline !== undefined || this.source.eager || f.closeDue || now >= f.nextSnapshotUs - POOL_PREWARM_US
      || f.pending >= f.writer.capacity / 8;
  }

  /**
   * Runs the kernels over the trades taken so far and the snapshot kernel, drains closed bars, and publishes
   * the snapshot when one is due: a bar close, `publish` (trailing edge, quality change, end of input), the
   * interval elapsed, or the quality changed. Otherwise the work is done and the snapshot waits. Inline, it
   * all happens before dispatch returns, with no promise; in the pool, one task round trip.
   */
  private dispatch(f: SymbolFeed, publish = false): void {
    const t = f.task;
    f.inFlight = true;
    t.close = f.closeDue;
    t.publish = publish;
    f.closeDue = false;
    // Stage latencies describe ticks: a snapshot sent for a quality change alone carries none that are new.
    t.newTrades = f.pending > 0;
    f.dispatchedTo = f.writer.length;
    this.tasksInFlight++;
    t.receivedUs = f.lastReceivedUs;
    t.committedUs = f.lastCommittedUs;
    t.tsHi = f.lastTsHi;
    t.tsLo = f.lastTsLo;
    t.upTo = f.dispatchedTo;
    t.trades = f.trades;
    if (this.inline) {
      this.runInline(f, this.inline);
      return;
    }
    const p = this.runPooled(f, this.pool!);
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
  }

  /** The task of `f` on the inline kernels: a full ring is drained and the kernel resumed until it is done. */
  private runInline(f: SymbolFeed, inline: InlineExecutor): void {
    const r = f.state.region;
    const was = this.marks.enter(LoopStage.KernelsInline);
    try {
      if (this.debugStallFromMs > 0 && performance.now() >= this.debugStallFromMs) this.debugStall();
      while (inline.snapshotSync(r.state, r.snapshot, f.task.upTo) !== 'ok') this.emitter.drainBars(f);
      this.marks.enter(LoopStage.Events);
      this.emitter.complete(f);
    } catch (e) {
      this.taskFailed(f, e);
    } finally {
      this.marks.enter(was);
      this.taskEnded(f);
    }
  }

  /** MIA_DEBUG_STALL_MS: spins this thread, once, as a kernel looping on its input would (nothing can interrupt it). */
  private debugStall(): void {
    this.debugStallFromMs = 0;
    const ms = this.o.debugStallMs ?? 0;
    this.log.warn({ ms }, 'Debug hook MIA_DEBUG_STALL_MS: stalling the engine thread in an inline kernel task');
    spinThread(ms);
  }

  /** The task of `f` in the pool: the same loop as runInline, one task round trip per resume. */
  private async runPooled(f: SymbolFeed, pool: KernelPool): Promise<void> {
    const r = f.state.region;
    const abort = this.watchdog.begin(f.index);
    try {
      while ((await pool.snapshot(r.state, r.snapshot, f.task.upTo, abort)) !== 'ok') this.emitter.drainBars(f);
      const was = this.marks.enter(LoopStage.Events);
      this.emitter.complete(f);
      this.marks.enter(was);
    } catch (e) {
      if (abort.aborted) this.taskTimedOut(f);
      else this.taskFailed(f, e);
    } finally {
      this.watchdog.end(f.index);
      this.taskEnded(f);
    }
  }

  /** A task over its budget (its worker terminated): the symbol's state may be half written, so it is halted. */
  private taskTimedOut(f: SymbolFeed): void {
    this.halted[f.index] = 1;
    this.taskFailed(f, new MiaError(ErrorCode.TASK_TIMEOUT,
      `${f.info.symbol}: a kernel task ran past its budget of ${this.watchdog.budgetMs} ms; the symbol is halted (no more snapshots or bars)`, { symbol: f.info.symbol }));
  }

  private taskFailed(f: SymbolFeed, e: unknown): void {
    this.failures++;
    this.log.error({ symbol: f.info.symbol, err: isMiaError(e) ? e.message : e, code: isMiaError(e) ? e.code : undefined }, 'Snapshot task failed');
  }

  private taskEnded(f: SymbolFeed): void {
    this.tasksInFlight--;
    this.tasksDone++;
    f.inFlight = false;
    this.waiter.wake();
  }
}
