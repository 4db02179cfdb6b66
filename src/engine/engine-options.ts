import type { FeatureConfig } from '../model/bar-features.js';
import type { LoopStageMarker } from './loop-heartbeat.js';

/** Engine settings. */
export interface SnapshotEngineOptions {
  config: Omit<FeatureConfig, 'sizeDecimals'>;
  /** Wall milliseconds between snapshots of a symbol with new trades (bar closes add their own). */
  intervalMs: number;
  /** Worker threads of the kernel pool. */
  threads: number;
  /**
   * Where snapshot kernels run: `pool` (piscina workers, the default) or `inline` (this thread: no thread
   * hop on the snapshot path; on a VM a sleeping worker takes 0.1–0.5 ms to wake, bench/RESULTS.md).
   */
  kernels?: 'pool' | 'inline';
  /** Closed bars carry their footprint rows. */
  footprint: boolean;
  /**
   * Timeframes (seconds) whose snapshots carry the footprint of the bar in progress. Every row costs 40 bytes
   * in every frame to every subscriber: a 4h bar's hundreds of rows ten times a second add up.
   */
  liveFootprintSec?: readonly number[];
  /** Wall milliseconds without a trade after which snapshots are flagged Stale. */
  staleMs: number;
  /** Trades per symbol tape (a full tape waits for the kernels, then starts over). */
  tapeCapacity?: number;
  /**
   * Price rows of each profile grid (default 16,384). The grids follow the market (re-centred whenever the
   * open bars and the session still fit); only a session wider than this many ticks is refused.
   */
  gridRows?: number;
  /**
   * Run the per-snapshot path on a synthetic market before the source starts (default true): live frames
   * then start on optimised code. A backtest turns it off: it publishes nothing live, and the warm-up's
   * 2,400 frames cost more than the first bars of a replay at full speed.
   */
  warmUp?: boolean;
  /** Budget of one kernel task in the pool, ms (default 2000, TASK_BUDGET_MS): past it the task is aborted, the symbol halted. */
  taskBudgetMs?: number;
  /** A worker module for the pool instead of the kernel worker (tests inject a task that hangs). */
  poolWorkerFile?: string;
  /** The engine loop's heartbeat: the loop beats after each poll and marks its stages for the watchdog thread. */
  loopStages?: LoopStageMarker;
  /**
   * Debug hook (`MIA_DEBUG_STALL_MS`, docs/hostile-input.md "Engine loop"): the first inline kernel task from one
   * second after start spins the engine's thread this long, once, as a kernel stuck in a loop would.
   */
  debugStallMs?: number;
  /** Subscribers and delivery counters of whoever publishes the events (the stream server), for the status. */
  delivery?: () => { subscribers: number; framesConflated: number; closedSlow: number; controlErrors: number };
}
