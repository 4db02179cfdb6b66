import type { DataQualityReading } from './data-quality.js';

/** One symbol's counters and data quality, for /health and /metrics (made at request time). */
export interface SymbolStats {
  symbol: string;
  /** Trades taken onto the tape since start. */
  trades: number;
  snapshots: number;
  bars: number;
  dataQuality: DataQualityReading;
  /**
   * `halted` once a kernel task of the symbol ran past its budget (MIA_ERR_TASK_TIMEOUT): its state may be half
   * written, so the engine runs no more tasks for it, and counts the trades it no longer takes. Set by the engine
   * (optional for hand-made stats).
   */
  kernels?: 'ok' | 'halted';
  taskTimeouts?: number;
  droppedWhileHalted?: number;
}

/** The kernel pool's load: tasks running, tasks waiting in piscina's queue (0 inline), tasks completed. */
export interface PoolStats {
  inFlight: number;
  queued: number;
  tasks: number;
}
