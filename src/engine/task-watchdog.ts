import { nowUs } from '../common/clock.js';

/** A kernel task's time budget, ms (README "Error codes", MIA_ERR_TASK_TIMEOUT): a snapshot task takes well under 10 ms. */
export const TASK_BUDGET_MS = 2000;

/**
 * Watches the one kernel task per symbol that may be in flight: a task running past its budget is aborted
 * through its signal (the pool then terminates the worker running it) instead of being waited on for ever, as
 * a kernel looping on an absurd input would be. One controller per symbol, replaced only when it fires, and one
 * timer for all of them: nothing is made per task.
 */
export class TaskWatchdog {
  /** Tasks aborted, per symbol. */
  readonly timeouts: Uint32Array;
  private readonly controllers: AbortController[];
  /** Start of the task in flight per symbol, µs (0: none). */
  private readonly startedUs: Float64Array;
  /** The budget, ms (named in the MIA_ERR_TASK_TIMEOUT message). */
  readonly budgetMs: number;
  private readonly budgetUs: number;
  private readonly checkEveryMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(symbols: number, budgetMs = TASK_BUDGET_MS) {
    this.timeouts = new Uint32Array(symbols);
    this.startedUs = new Float64Array(symbols);
    this.controllers = Array.from({ length: symbols }, () => new AbortController());
    this.budgetMs = budgetMs;
    this.budgetUs = budgetMs * 1000;
    this.checkEveryMs = Math.max(10, Math.floor(budgetMs / 4));
  }

  /** Starts checking (a task is late by at most a quarter of its budget). */
  start(): void {
    this.timer ??= setInterval(() => this.check(), this.checkEveryMs);
    this.timer.unref();
  }

  /** Stops checking. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A task of symbol `i` starts: the signal to give the pool. */
  begin(i: number): AbortSignal {
    this.startedUs[i] = nowUs();
    return this.controllers[i]!.signal;
  }

  /** The task of symbol `i` ended (done, failed or aborted). */
  end(i: number): void {
    this.startedUs[i] = 0;
  }

  /** Aborts every task over its budget now. */
  check(): void {
    const now = nowUs();
    for (let i = 0; i < this.startedUs.length; i++) {
      const t = this.startedUs[i]!;
      if (t === 0 || now - t <= this.budgetUs) continue;
      this.startedUs[i] = 0;
      this.timeouts[i]!++;
      const c = this.controllers[i]!;
      this.controllers[i] = new AbortController();
      c.abort();
    }
  }
}
