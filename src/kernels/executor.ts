import { instantiateKernels, type KernelBuild } from './kernel-module.js';
import { KernelRunner, type RunOutcome } from './kernel-runner.js';

/**
 * Where kernel work runs: inline on the calling thread, or in the worker pool (src/pool). Both take a
 * state block address and run the same KernelRunner over the same shared memory, so results are identical.
 */
export interface KernelExecutor {
  /** Processes the committed trades of the symbol at `state`. */
  run(state: number): Promise<RunOutcome>;
  /** Closes the open bars of the symbol at `state`. */
  flush(state: number): Promise<RunOutcome>;
  /** Processes the trades before tape index `upTo`, then writes the live view to the snapshot region `out`. */
  snapshot(state: number, out: number, upTo: number): Promise<RunOutcome>;
  /** Releases threads, if any. */
  close(): Promise<void>;
}

/** Runs the kernels on the calling thread. */
export class InlineExecutor implements KernelExecutor {
  private readonly runner: KernelRunner;

  constructor(memory: WebAssembly.Memory, build: KernelBuild = 'release') {
    this.runner = new KernelRunner(instantiateKernels(memory, build), memory);
  }

  /** Synchronous run, for benchmarks and callers that cannot await. */
  runSync(state: number): RunOutcome {
    return this.runner.run(state);
  }

  /** Synchronous snapshot (KernelRunner.snapshot). */
  snapshotSync(state: number, out: number, upTo: number): RunOutcome {
    return this.runner.snapshot(state, out, upTo);
  }

  snapshot(state: number, out: number, upTo: number): Promise<RunOutcome> {
    return Promise.resolve(this.runner.snapshot(state, out, upTo));
  }

  /** Synchronous flush. */
  flushSync(state: number): RunOutcome {
    return this.runner.flush(state);
  }

  run(state: number): Promise<RunOutcome> {
    return Promise.resolve(this.runner.run(state));
  }

  flush(state: number): Promise<RunOutcome> {
    return Promise.resolve(this.runner.flush(state));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
