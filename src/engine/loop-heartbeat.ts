import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { packageFile } from '../common/package-root.js';

/**
 * What the engine's thread is doing, as a small code in shared memory: the watchdog thread names it when the
 * thread stops answering. `event-loop` is anything outside the engine's own stages (timers, sockets, HTTP).
 */
export const LOOP_STAGES = ['event-loop', 'ingest', 'kernels-inline', 'events', 'status'] as const;

/** A stage's code: its index in LOOP_STAGES. */
export const LoopStage = { EventLoop: 0, Ingest: 1, KernelsInline: 2, Events: 3, Status: 4 } as const;

/** One of the stage codes. */
export type LoopStageCode = (typeof LoopStage)[keyof typeof LoopStage];

/** Int32 cells of the shared buffer: the engine's thread writes BEAT and STAGE, the watchdog the rest. */
export const Cell = { Beat: 0, Stage: 1, Stalls: 2, Stalled: 3, LastStallMs: 4, LongestStallMs: 5 } as const;
const CELLS = 6;

/** How often the engine's thread beats, ms. */
export const BEAT_MS = 100;
/** Heartbeat older than this, ms: the engine loop is stalled (one MIA_ERR_ENGINE_STALLED line). */
export const STALL_BUDGET_MS = 2000;
/** A stall this long, ms, ends the process (the shutdown deadline: past it nothing of a graceful stop is left). */
export const STALL_EXIT_MS = 20_000;
/** Exit code of a process ended by the watchdog (EX_TEMPFAIL of sysexits.h: a supervisor restarts it). */
export const STALL_EXIT_CODE = 75;

/** The engine's part: marks its stages; the loop beats after each batch it processes. */
export interface LoopStageMarker {
  /** Enters `stage`; returns the stage it left, to go back to. */
  enter(stage: LoopStageCode): LoopStageCode;
  /** The loop is alive (after a batch): no allocation, one atomic add. */
  beat(): void;
}

/** The marker of an engine without a watchdog (tests, backtests): marks nothing. */
export const NO_LOOP_MARKS: LoopStageMarker = { enter: () => LoopStage.EventLoop, beat: () => undefined };

/** Stalls of the engine loop since start (/health → engineLoop, /metrics). */
export interface LoopStats {
  stalls: number;
  /** A stall is under way now (always false in an answer the engine gives: a stalled thread answers nothing). */
  stalledNow: boolean;
  lastStallMs: number;
  longestStallMs: number;
  budgetMs: number;
  exitAfterMs: number;
}

/** What the watchdog thread is given. */
export interface LoopWatchdogData {
  cells: SharedArrayBuffer;
  budgetMs: number;
  exitAfterMs: number;
  exitCode: number;
  /** The main logger's level and format, for the watchdog's own lines. */
  level: string;
  pretty: boolean;
}

/**
 * The engine thread's heartbeat in a SharedArrayBuffer, read by the watchdog thread
 * (workers/loop-watchdog-worker.ts, src/engine/loop-watchdog.ts). A timer beats every BEAT_MS and the engine loop
 * after each batch; stage changes are one atomic store. Nothing here runs per trade.
 */
export class LoopHeartbeat implements LoopStageMarker {
  readonly cells = new Int32Array(new SharedArrayBuffer(CELLS * 4));
  private timer: NodeJS.Timeout | undefined;
  private worker: Worker | undefined;
  private budgetMs = STALL_BUDGET_MS;
  private exitAfterMs = STALL_EXIT_MS;

  enter(stage: LoopStageCode): LoopStageCode {
    return Atomics.exchange(this.cells, Cell.Stage, stage) as LoopStageCode;
  }

  beat(): void {
    Atomics.add(this.cells, Cell.Beat, 1);
  }

  /**
   * Starts beating and the watchdog thread. The timer is unref'd and the worker too: neither keeps the process
   * alive. The worker writes its own lines to stderr, since the thread it watches cannot.
   */
  start(log: Logger, o: { pretty: boolean; budgetMs?: number; exitAfterMs?: number }): void {
    this.budgetMs = o.budgetMs ?? STALL_BUDGET_MS;
    this.exitAfterMs = o.exitAfterMs ?? STALL_EXIT_MS;
    this.timer ??= setInterval(() => this.beat(), BEAT_MS).unref();
    const data: LoopWatchdogData = {
      cells: this.cells.buffer as SharedArrayBuffer, budgetMs: this.budgetMs, exitAfterMs: this.exitAfterMs,
      exitCode: STALL_EXIT_CODE, level: log.level, pretty: o.pretty,
    };
    const w = new Worker(packageFile('dist/workers/loop-watchdog-worker.js'), { workerData: data });
    w.unref();
    w.on('error', (e) => log.error({ err: e }, 'Engine loop watchdog failed: the engine loop is no longer watched'));
    this.worker = w;
  }

  /** Stops beating and ends the watchdog thread (shutdown is done). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.worker?.terminate();
    this.worker = undefined;
  }

  /** Stalls seen so far (what the watchdog thread wrote). */
  stats(): LoopStats {
    const c = this.cells;
    return {
      stalls: Atomics.load(c, Cell.Stalls), stalledNow: Atomics.load(c, Cell.Stalled) === 1, lastStallMs: Atomics.load(c, Cell.LastStallMs),
      longestStallMs: Atomics.load(c, Cell.LongestStallMs), budgetMs: this.budgetMs, exitAfterMs: this.exitAfterMs,
    };
  }
}

/** Busy-waits `ms` on this thread (the debug hook MIA_DEBUG_STALL_MS): nothing else runs on it meanwhile. */
export function spinThread(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // On purpose: a kernel looping on its input holds the thread the same way.
  }
}
