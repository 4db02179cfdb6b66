import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { packageFile } from '../common/package-root.js';
import type { EventBus, RiskStateEvent } from '../engine/engine-events.js';
import type { TradingVenue } from '../execution/execution-venue.js';
import type { TradeRecord } from '../execution/signal-trader.js';
import type { SessionStart } from './journal-protocol.js';
import { JournalRecorder } from './journal-recorder.js';
import type { AlertRow } from './journal-rows.js';
import { JournalWriter, type JournalStats, type JournalWriterOptions } from './journal-writer.js';

/** How a run journals. */
export interface JournalOptions extends JournalWriterOptions {
  /** `--journal-snapshot-ms`: one snapshot row per symbol per this many ms of market time. */
  snapshotMs: number;
}

/** The engine's version (package.json), recorded in each session row. */
export function engineVersion(): string {
  try {
    return (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * One run's journal (docs/journal.md): the writer thread behind a bounded queue and the recorder tapping the
 * engine's events. The composition roots open it before the engine starts (a journal that cannot be opened is
 * a coded error then), attach it, and close it after the engine has stopped.
 */
export class Journal {
  readonly writer: JournalWriter;
  readonly recorder: JournalRecorder;

  private constructor(writer: JournalWriter, recorder: JournalRecorder) {
    this.writer = writer;
    this.recorder = recorder;
  }

  /**
   * Opens the journal at `path` and starts a session; each earlier session that never stopped (killed) is
   * logged with what it lost, and recorded in the new session's row. MIA_ERR_JOURNAL_OPEN when it cannot.
   */
  static async open(path: string, session: Omit<SessionStart, 'version' | 'pid' | 'snapshotMs'>, o: JournalOptions, log: Logger): Promise<Journal> {
    const writer = await JournalWriter.open(path, { ...session, version: engineVersion(), pid: process.pid, snapshotMs: o.snapshotMs }, o, log);
    // Orders, fills and risk events are committed before they are reported: such a session lost at most its last
    // second of decisions, bars and snapshots, and (simulated broker) the positions its fills left open.
    for (const l of writer.lost) {
      log.warn({ path, previousSession: l.sessionId, command: l.command, startedAt: l.startedAt, rows: l.rows, lastRow: l.lastRow, openPositions: l.openPositions },
        'Previous session stopped without closing the journal');
    }
    log.info({ path, session: writer.sessionId }, 'Journal open');
    return new Journal(writer, new JournalRecorder(writer, { snapshotMs: o.snapshotMs }));
  }

  /** Journals decisions, bars and snapshots; `riskGated`: risk states come through {@link pass} (serve's publisher). */
  attach(bus: EventBus, riskGated: boolean): this {
    this.recorder.attach(bus, riskGated);
    return this;
  }

  /** Journals the venue's orders and fills and the trader's round trips (register after the decision pipeline). */
  trade(venue: TradingVenue, trades: () => readonly TradeRecord[]): this {
    this.recorder.trade(venue, trades);
    return this;
  }

  /** The stream publisher's risk gate: the risk state goes out once its orders, fills and risk events are committed. */
  pass(r: RiskStateEvent, publish: (r: RiskStateEvent) => void): void {
    this.recorder.pass(r, publish);
  }

  /** The alerts hook: journals one alert (raised, repeated or resolved). */
  alert(row: AlertRow): void {
    this.recorder.alert(row);
  }

  /** Queue depth, lag, rows written and dropped (for /health, /metrics and the alert rules). */
  stats(): JournalStats & { rowsSkipped: number } {
    return { ...this.writer.stats(), rowsSkipped: this.recorder.counters.rowsSkipped };
  }

  /** Commits what is queued, ends the session (a clean stop, with `summary`) and closes the file. */
  close(summary: unknown = null): Promise<void> {
    return this.writer.close(summary);
  }
}
