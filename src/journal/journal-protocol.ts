import type { Cell, RowTable } from './journal-schema.js';

/** What a new session records about itself. */
export interface SessionStart {
  command: 'serve' | 'backtest';
  /** Wall-clock start, ms since the epoch. */
  startedMs: number;
  /** The run's options, as JSON text. */
  config: string;
  version: string;
  modelHashes: string[];
  pid: number;
  snapshotMs: number;
}

/** What an earlier session that stopped without closing its journal (kill -9, power loss) left behind. */
export interface LostSession {
  sessionId: number;
  command: string;
  startedAt: string;
  /** Newest row time it journaled per table (ISO), null for a table it wrote nothing to. */
  lastRow: Record<string, string | null>;
  /** Rows it journaled per table. */
  rows: Record<string, number>;
  /** Positions its fills left open: the simulated broker's died with it; an IB position stays at IB. */
  openPositions: Array<{ symbol: string; qty: number }>;
  /** Trades whose entry filled but whose exit never did (no round trip recorded). */
  unclosedEntries: number;
}

/** The rows of one table in one message. */
export interface TableBatch {
  table: RowTable;
  rows: Cell[][];
}

/** Engine thread → journal worker. */
export type ToWorker =
  | { op: 'open'; path: string; session: SessionStart; commitMs: number }
  /** `commit`: commit now (durable rows among them); otherwise the writer commits at least every `commitMs`. */
  | { op: 'rows'; seq: number; batches: TableBatch[]; commit: boolean }
  | { op: 'stop'; stoppedMs: number; summary: string | null };

/** Journal worker → engine thread. */
export type FromWorker =
  | { op: 'opened'; sessionId: number; lost: LostSession[] }
  | { op: 'ack'; seq: number; rows: number }
  | { op: 'failed'; seq: number | null; code: string; message: string }
  | { op: 'stopped' };
