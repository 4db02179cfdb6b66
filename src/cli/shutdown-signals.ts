import type { Logger } from 'pino';
import { ErrorCode } from '../common/errors.js';

/** How long `mia serve` may take from SIGINT/SIGTERM to exit, ms (README "The live stream"): the IB paper liquidation may wait 10 s of it (IB_LIQUIDATION_WAIT_MS), every other stage takes well under a second. */
export const SHUTDOWN_DEADLINE_MS = 20_000;

/** What the deadline does when it passes (the process's exit, replaced in tests). */
export type ForceExit = (code: number) => void;

/**
 * SIGINT and SIGTERM for `mia serve`, from the first line of the command: a signal during start-up (the IB
 * connection, the journal, the models) aborts the start through {@link signal}, one while waiting for subscribers
 * or running resolves {@link stopped}. Either way a deadline starts: if shutdown has not finished when it passes
 * (a stage that hangs), one coded line names the stage and the process exits with code 1 rather than never.
 */
export class ShutdownSignals {
  /** Resolves with the signal's name. */
  readonly stopped: Promise<string>;
  private readonly controller = new AbortController();
  private readonly log: Logger;
  private readonly deadlineMs: number;
  private readonly exit: ForceExit;
  private resolveStop: ((why: string) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stageName = 'start-up';
  private readonly onSignal = (why: NodeJS.Signals): void => this.request(why);

  constructor(log: Logger, deadlineMs = SHUTDOWN_DEADLINE_MS, exit: ForceExit = (code) => process.exit(code)) {
    this.log = log;
    this.deadlineMs = deadlineMs;
    this.exit = exit;
    this.stopped = new Promise((resolve) => {
      this.resolveStop = resolve;
    });
  }

  /** Aborted at the first signal: start-up stages that wait (the IB connection) take it. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True once a signal has arrived. */
  get requested(): boolean {
    return this.controller.signal.aborted;
  }

  /** Listens for SIGINT and SIGTERM (once each). */
  install(): this {
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
    return this;
  }

  /** Names the shutdown stage now running, for the deadline's line. */
  stage(name: string): void {
    this.stageName = name;
  }

  /** A signal (or a test): aborts the start, resolves {@link stopped}, arms the deadline. */
  request(why: string): void {
    if (this.requested) return;
    this.controller.abort(new Error(why));
    this.resolveStop?.(why);
    this.timer = setTimeout(() => {
      this.log.fatal({ code: ErrorCode.SHUTDOWN_TIMEOUT, stage: this.stageName, deadlineMs: this.deadlineMs, why },
        'Shutdown did not finish before its deadline, exiting');
      this.exit(1);
    }, this.deadlineMs);
  }

  /**
   * Shutdown is done: the handlers go, and the deadline no longer keeps the process alive, though it still ends
   * one that something left behind (a socket, a timer) would otherwise keep running.
   */
  finished(): void {
    this.stageName = 'exit';
    this.timer?.unref();
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}
