import type { Logger } from 'pino';

/** What the close log needs to know of the connection that closed. */
export interface ClosedConn {
  remote: string;
  format: string;
}

/** Most close lines written per second; past it the closes of that second are summed in one line. */
export const CLOSE_LINES_PER_SEC = 50;

/**
 * One log line per closed WebSocket with its close code and reason (docs/stream.md "Close codes"), and the closes
 * counted by code for /health. A flood of connections cannot flood the log: past CLOSE_LINES_PER_SEC a second,
 * the rest of that second's closes are counted and summed in one line when the next close comes or at shutdown.
 * At shutdown (1001 to everyone) the closes are at debug level and one summary line says how many.
 */
export class CloseLog {
  private readonly log: Logger;
  /** Closes since start by close code (1006: the connection was cut without a close frame). */
  readonly byCode: Record<string, number> = {};
  private windowStartMs = 0;
  private lines = 0;
  private unlogged = 0;
  private shutdownCloses = 0;
  shuttingDown = false;

  constructor(log: Logger) {
    this.log = log;
  }

  /** Records one close. */
  closed(c: ClosedConn, code: number, reason: string, detail?: string): void {
    this.byCode[code] = (this.byCode[code] ?? 0) + 1;
    const fields = { remote: c.remote, format: c.format, code, reason, ...(detail ? { detail } : {}) };
    if (this.shuttingDown) {
      this.shutdownCloses++;
      this.log.debug(fields, 'Subscriber closed');
      return;
    }
    const nowMs = performance.now();
    if (nowMs - this.windowStartMs >= 1000) {
      this.flush();
      this.windowStartMs = nowMs;
      this.lines = 0;
    }
    if (++this.lines <= CLOSE_LINES_PER_SEC) this.log.info(fields, 'Subscriber closed');
    else this.unlogged++;
  }

  /** Writes the summary of closes not logged one by one (a flood, or the shutdown). */
  flush(): void {
    if (this.unlogged > 0) this.log.warn({ closes: this.unlogged, byCode: this.byCode }, 'Subscriber closes past the log rate, counted only');
    this.unlogged = 0;
    if (this.shutdownCloses > 0) this.log.info({ closes: this.shutdownCloses }, 'Subscribers closed at shutdown');
    this.shutdownCloses = 0;
  }
}
