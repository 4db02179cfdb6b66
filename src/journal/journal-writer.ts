import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { ErrorCode, MiaError, type ErrorCodeValue } from '../common/errors.js';
import { packageFile } from '../common/package-root.js';
import type { FromWorker, LostSession, SessionStart, TableBatch, ToWorker } from './journal-protocol.js';
import { ROW_TABLES, type Cell, type RowTable } from './journal-schema.js';

/** How the writer batches. */
export interface JournalWriterOptions {
  /** Ordinary rows (decisions, bars, snapshots) go to the writer thread this often, ms (default 100: held briefly, they die young). */
  flushMs?: number;
  /** The writer thread commits ordinary rows at least this often, ms (default 1000: at most a second of them is lost to a kill). */
  commitMs?: number;
  /** Rows queued or in flight above which ordinary rows are dropped and counted (default 100,000). */
  maxQueueRows?: number;
}

/** The journal's state for /health, /metrics and the alert rules. */
export interface JournalStats {
  state: 'open' | 'failed' | 'closed';
  path: string;
  sessionId: number;
  /** Rows waiting on the engine's thread or written but not yet committed. */
  queueDepth: number;
  /** Age of the oldest row not yet committed, ms (0 when none waits). */
  lagMs: number;
  rowsWritten: number;
  /** Ordinary rows dropped because the queue was full (the writer fell behind), and after a write failure. */
  rowsDropped: number;
  /** Times a risk report waited for its orders, fills and risk events to be committed. */
  riskHeld: number;
  batchesWritten: number;
  writeErrors: number;
  lastError: string | null;
}

/** Where the recorder puts rows: the writer, or a test's collector. */
export interface JournalSink {
  /** An ordinary row: committed within `flushMs`; dropped (counted) when the queue is full. */
  add(table: RowTable, row: Cell[]): void;
  /** A row that must be committed before anything reported after it (orders, fills, trades, risk events, alerts). */
  addDurable(table: RowTable, row: Cell[]): void;
  /** Calls `f` once every durable row added so far (in this synchronous turn too) is committed; at once when none waits. */
  whenDurable(f: () => void): void;
}

interface InFlight {
  seq: number;
  rows: number;
  postedMs: number;
}

interface Held {
  f: () => void;
  /** Sequence whose commit releases it; -1 until this turn's durable rows are posted. */
  seq: number;
}

/**
 * The engine's side of the journal: rows are copied into per-table arrays on the engine's thread (no I/O), and
 * go to the journal worker (workers/journal-worker.ts, which owns DuckDB) in one message every `flushMs`, or at
 * the end of the current turn when a durable row is among them; the worker commits at once for durable rows, and
 * at least every `commitMs` otherwise. The queue is bounded: past `maxQueueRows`
 * ordinary rows are dropped and counted, so a writer that falls behind never holds the engine; durable rows
 * are never dropped. `whenDurable` is how the `risk` topic waits for its orders and fills to be committed.
 */
export class JournalWriter implements JournalSink {
  readonly path: string;
  readonly sessionId: number;
  /** Earlier sessions of this journal that stopped without closing it, and what they lost. */
  readonly lost: LostSession[];
  private readonly worker: Worker;
  private readonly log: Logger;
  private readonly maxQueueRows: number;
  private readonly pending = new Map<RowTable, Cell[][]>();
  private pendingRows = 0;
  private pendingSinceMs = 0;
  private readonly inFlight: InFlight[] = [];
  private inFlightRows = 0;
  private readonly held: Held[] = [];
  private seq = 0;
  private acked = 0;
  private durableSeq = 0;
  private durablePending = false;
  private turnScheduled = false;
  private readonly timer: NodeJS.Timeout;
  private state: JournalStats['state'] = 'open';
  private stopped: (() => void) | undefined;
  private readonly counters = { rowsWritten: 0, rowsDropped: 0, riskHeld: 0, batchesWritten: 0, writeErrors: 0, lastError: null as string | null };

  private constructor(path: string, worker: Worker, opened: { sessionId: number; lost: LostSession[] }, o: JournalWriterOptions, log: Logger) {
    this.path = path;
    this.worker = worker;
    this.sessionId = opened.sessionId;
    this.lost = opened.lost;
    this.log = log;
    this.maxQueueRows = o.maxQueueRows ?? 100_000;
    for (const t of ROW_TABLES) this.pending.set(t, []);
    worker.on('message', (m: FromWorker) => this.onMessage(m));
    worker.on('error', (e) => this.fail(ErrorCode.JOURNAL_WRITE, e.message));
    // The timer never keeps the process alive: shutdown flushes through close().
    this.timer = setInterval(() => this.post(), o.flushMs ?? 100);
    this.timer.unref();
  }

  /**
   * Starts the writer thread, opens the journal at `path` and starts a session. A journal that cannot be
   * opened or written is MIA_ERR_JOURNAL_OPEN now, before the engine starts.
   */
  static async open(path: string, session: SessionStart, o: JournalWriterOptions, log: Logger): Promise<JournalWriter> {
    const filename = packageFile('dist/workers/journal-worker.js');
    if (!existsSync(filename)) throw new Error(`journal worker build missing at ${filename}: run npm run build`);
    const worker = new Worker(filename);
    const opened = await new Promise<{ sessionId: number; lost: LostSession[] }>((resolve, reject) => {
      const onError = (e: Error): void => reject(new MiaError(ErrorCode.JOURNAL_OPEN, `${path}: cannot open the journal (${e.message})`, { file: path }));
      worker.once('error', onError);
      worker.once('message', (m: FromWorker) => {
        worker.off('error', onError);
        if (m.op === 'opened') resolve(m);
        else if (m.op === 'failed') reject(new MiaError(m.code as ErrorCodeValue, m.message, { file: path }));
        else reject(new MiaError(ErrorCode.JOURNAL_OPEN, `${path}: unexpected answer from the journal writer`, { file: path }));
      });
      worker.postMessage({ op: 'open', path, session, commitMs: o.commitMs ?? 1000 } satisfies ToWorker);
    }).catch(async (e: unknown) => {
      await worker.terminate();
      throw e;
    });
    return new JournalWriter(path, worker, opened, o, log);
  }

  add(table: RowTable, row: Cell[]): void {
    if (this.state !== 'open' || this.pendingRows + this.inFlightRows >= this.maxQueueRows) {
      this.counters.rowsDropped++;
      return;
    }
    this.queue(table, row);
  }

  addDurable(table: RowTable, row: Cell[]): void {
    if (this.state !== 'open') {
      this.counters.rowsDropped++;
      return;
    }
    this.queue(table, row);
    this.durablePending = true;
    this.endOfTurn();
  }

  whenDurable(f: () => void): void {
    if (this.state !== 'open' || (!this.durablePending && this.acked >= this.durableSeq && this.held.length === 0)) {
      f();
      return;
    }
    this.counters.riskHeld++;
    this.held.push({ f, seq: -1 });
    this.endOfTurn();
  }

  /** Queue depth, lag, rows written and dropped (for /health, /metrics and the alert rules). */
  stats(): JournalStats {
    const now = performance.now();
    const oldest = this.inFlight[0]?.postedMs ?? (this.pendingRows > 0 ? this.pendingSinceMs : now);
    return {
      state: this.state, path: this.path, sessionId: this.sessionId, queueDepth: this.pendingRows + this.inFlightRows,
      lagMs: Math.max(0, now - oldest), ...this.counters,
    };
  }

  /**
   * Ends the session: everything queued is committed, then stopped_at, clean_stop and `summary` (JSON text)
   * are written and the file is checkpointed and closed. Once only.
   */
  async close(summary: unknown = null): Promise<void> {
    clearInterval(this.timer);
    if (this.state === 'closed') return;
    this.post();
    const done = new Promise<void>((resolve) => (this.stopped = resolve));
    this.worker.postMessage({ op: 'stop', stoppedMs: Date.now(), summary: summary === null ? null : JSON.stringify(summary) } satisfies ToWorker);
    await done;
    this.state = this.state === 'open' ? 'closed' : this.state;
    this.release(true);
    await this.worker.terminate();
  }

  private queue(table: RowTable, row: Cell[]): void {
    if (this.pendingRows === 0) this.pendingSinceMs = performance.now();
    this.pending.get(table)!.push(row);
    this.pendingRows++;
  }

  /** At the end of this synchronous turn: post the durable rows added in it, and mark what waits on them. */
  private endOfTurn(): void {
    if (this.turnScheduled) return;
    this.turnScheduled = true;
    queueMicrotask(() => {
      this.turnScheduled = false;
      if (this.durablePending) this.post();
      for (const h of this.held) if (h.seq < 0) h.seq = this.durableSeq;
      this.release(false);
    });
  }

  /** Sends every queued row to the writer thread as one message. */
  private post(): void {
    if (this.pendingRows === 0 || this.state !== 'open') return;
    const batches: TableBatch[] = [];
    for (const [table, rows] of this.pending) {
      if (rows.length === 0) continue;
      batches.push({ table, rows });
      this.pending.set(table, []);
    }
    const seq = ++this.seq;
    const commit = this.durablePending;
    if (commit) this.durableSeq = seq;
    this.durablePending = false;
    this.inFlight.push({ seq, rows: this.pendingRows, postedMs: this.pendingSinceMs });
    this.inFlightRows += this.pendingRows;
    this.pendingRows = 0;
    this.worker.postMessage({ op: 'rows', seq, batches, commit } satisfies ToWorker);
  }

  private onMessage(m: FromWorker): void {
    if (m.op === 'ack') {
      this.acked = m.seq;
      while (this.inFlight.length > 0 && this.inFlight[0]!.seq <= m.seq) this.inFlightRows -= this.inFlight.shift()!.rows;
      this.counters.rowsWritten += m.rows;
      this.counters.batchesWritten++;
      this.release(false);
    } else if (m.op === 'failed') {
      this.fail(m.code, m.message);
    } else if (m.op === 'stopped') {
      this.stopped?.();
    }
  }

  /** Runs what waited for commits now made; `all`: everything (the journal is closed or failed). */
  private release(all: boolean): void {
    while (this.held.length > 0) {
      const h = this.held[0]!;
      if (!all && (h.seq < 0 || this.acked < h.seq)) break;
      this.held.shift();
      h.f();
    }
  }

  /**
   * A write failed (disk full, file gone): logged once with its code, counted; the engine goes on without the
   * journal (what waits is released, later rows are counted as dropped) rather than stop trading blind.
   */
  private fail(code: string, message: string): void {
    this.counters.writeErrors++;
    this.counters.lastError = message;
    if (this.state === 'open') this.log.error({ code, path: this.path, err: message }, 'Journal write failed: journaling stopped');
    this.state = 'failed';
    this.counters.rowsDropped += this.pendingRows + this.inFlightRows;
    this.pendingRows = 0;
    this.inFlightRows = 0;
    this.inFlight.length = 0;
    for (const t of ROW_TABLES) this.pending.set(t, []);
    this.release(true);
    this.stopped?.();
  }
}
