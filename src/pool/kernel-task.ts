import type { RunOutcome } from '../kernels/kernel-runner.js';

/** A kernel task: what to do and the address of the symbol's state block. Nothing else crosses threads. */
export interface KernelTask {
  /** run: process committed trades; flush: close open bars; snapshot: run, then write the live view. */
  op: 'run' | 'flush' | 'snapshot';
  state: number;
  /** Snapshot region address (op snapshot). */
  out?: number;
  /** Process only the trades before this tape index (op snapshot); default all committed. */
  upTo?: number;
}

/** A task result. Expected failures come back as `{ ok: false, code }` because thrown errors lose their code. */
export type KernelResult =
  | { ok: true; outcome: RunOutcome }
  | { ok: false; code: string; message: string };
