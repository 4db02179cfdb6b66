import { ErrorCode } from '../common/errors.js';
import { Cell, LOOP_STAGES } from './loop-heartbeat.js';

/** Where the watchdog's decisions go: log lines and the end of the process (the worker's; a test's stub). */
export interface LoopWatchdogPort {
  /** One log line at `level`, written synchronously (the engine's thread cannot write it). */
  line(level: 'info' | 'error' | 'fatal', fields: Record<string, unknown>, msg: string): void;
  /** Ends the process (the engine's thread cannot take part). */
  exit(): void;
}

/** The watchdog's budgets, ms. */
export interface LoopWatchdogSettings {
  budgetMs: number;
  exitAfterMs: number;
  exitCode: number;
}

/**
 * Reads the engine thread's heartbeat (src/engine/loop-heartbeat.ts) from another thread, on that thread's own
 * clock: a beat counter that has not moved for `budgetMs` is a stall, logged once as MIA_ERR_ENGINE_STALLED with
 * the stage the engine was in; a stall that lasts `exitAfterMs` ends the process (an engine frozen for good must
 * not look alive); a beat after a stall is a recovery, logged with the stall's length. Stalls are counted in the
 * shared cells, where the engine reads them for /health and /metrics. `check` is called every ~100 ms.
 */
export class LoopWatchdog {
  private readonly cells: Int32Array;
  private readonly s: LoopWatchdogSettings;
  private readonly out: LoopWatchdogPort;
  private lastBeat: number;
  /** When the beat last moved, on the watchdog's clock (ms). */
  private movedMs: number;
  /** The stage named when the stall under way was seen, else undefined. */
  private stalledIn: string | undefined;
  private exiting = false;

  constructor(cells: Int32Array, s: LoopWatchdogSettings, out: LoopWatchdogPort, nowMs: number) {
    this.cells = cells;
    this.s = s;
    this.out = out;
    this.lastBeat = Atomics.load(cells, Cell.Beat);
    this.movedMs = nowMs;
  }

  /** Compares the beat with the last one seen at `nowMs` and acts (see the class). */
  check(nowMs: number): void {
    const beat = Atomics.load(this.cells, Cell.Beat);
    if (beat !== this.lastBeat) {
      this.lastBeat = beat;
      if (this.stalledIn !== undefined) this.recovered(Math.round(nowMs - this.movedMs));
      this.movedMs = nowMs;
      return;
    }
    const quietMs = nowMs - this.movedMs;
    if (this.stalledIn === undefined && quietMs > this.s.budgetMs) this.stalled(quietMs);
    else if (this.stalledIn !== undefined && !this.exiting && quietMs > this.s.exitAfterMs) this.end(quietMs);
  }

  private stage(): string {
    return LOOP_STAGES[Atomics.load(this.cells, Cell.Stage)] ?? 'unknown';
  }

  private stalled(quietMs: number): void {
    this.stalledIn = this.stage();
    Atomics.add(this.cells, Cell.Stalls, 1);
    Atomics.store(this.cells, Cell.Stalled, 1);
    this.out.line('error', {
      code: ErrorCode.ENGINE_STALLED, stalledMs: Math.round(quietMs), engineStage: this.stalledIn, budgetMs: this.s.budgetMs, exitAfterMs: this.s.exitAfterMs,
      stalls: Atomics.load(this.cells, Cell.Stalls),
    }, 'Engine loop stalled: the engine thread has not run for longer than its budget (no snapshots, /health does not answer)');
  }

  private recovered(stallMs: number): void {
    Atomics.store(this.cells, Cell.LastStallMs, stallMs);
    if (stallMs > Atomics.load(this.cells, Cell.LongestStallMs)) Atomics.store(this.cells, Cell.LongestStallMs, stallMs);
    Atomics.store(this.cells, Cell.Stalled, 0);
    this.out.line('info', { stallMs, engineStage: this.stalledIn, stalls: Atomics.load(this.cells, Cell.Stalls) }, 'Engine loop recovered');
    this.stalledIn = undefined;
  }

  private end(quietMs: number): void {
    this.exiting = true;
    this.out.line('fatal', { code: ErrorCode.ENGINE_STALLED, stalledMs: Math.round(quietMs), engineStage: this.stage(), exitCode: this.s.exitCode, final: true },
      'Engine loop stalled past its deadline, exiting');
    this.out.exit();
  }
}
