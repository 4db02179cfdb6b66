import type { DataQualityReading } from './data-quality.js';

/** One symbol's counters and data quality, for /health and /metrics (made at request time). */
export interface SymbolStats {
  symbol: string;
  /** Trades taken onto the tape since start. */
  trades: number;
  snapshots: number;
  bars: number;
  dataQuality: DataQualityReading;
}

/** The kernel pool's load: tasks running, tasks waiting in piscina's queue (0 inline), tasks completed. */
export interface PoolStats {
  inFlight: number;
  queued: number;
  tasks: number;
}
