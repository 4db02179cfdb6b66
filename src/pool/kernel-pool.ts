import { existsSync } from 'node:fs';
import { Piscina } from 'piscina';
import { MiaError, type ErrorCodeValue } from '../common/errors.js';
import { packageFile } from '../common/package-root.js';
import type { KernelExecutor } from '../kernels/executor.js';
import type { KernelBuild } from '../kernels/kernel-module.js';
import type { RunOutcome } from '../kernels/kernel-runner.js';
import type { KernelResult, KernelTask } from './kernel-task.js';

/** Pool settings. */
export interface KernelPoolOptions {
  /** Worker threads; on 2 cores two workers beat one (docs: platform.md). */
  threads?: number;
  /** Kernel build the workers load. */
  build?: KernelBuild;
  /** A worker module to load instead of the kernel worker: the seam through which tests inject a task that hangs. */
  workerFile?: string;
}

/**
 * A piscina pool whose workers share one WebAssembly.Memory and run kernel tasks that carry addresses
 * only. At most one task per symbol should be in flight: callers serialise per state block.
 */
export class KernelPool implements KernelExecutor {
  private readonly pool: Piscina<KernelTask, KernelResult>;

  constructor(memory: WebAssembly.Memory, options: KernelPoolOptions = {}) {
    const threads = options.threads ?? 2;
    const filename = options.workerFile ?? packageFile('dist/workers/kernel-worker.js');
    if (!existsSync(filename)) throw new Error(`worker build missing at ${filename}: run npm run build`);
    this.pool = new Piscina({
      filename,
      minThreads: threads,
      maxThreads: threads,
      maxQueue: threads * threads * 4,
      workerData: { memory, build: options.build ?? 'release' },
    });
  }

  run(state: number): Promise<RunOutcome> {
    return this.submit({ op: 'run', state });
  }

  flush(state: number): Promise<RunOutcome> {
    return this.submit({ op: 'flush', state });
  }

  /** Runs the trades before tape index `upTo` and writes the live view to `out` (KernelRunner.snapshot). */
  snapshot(state: number, out: number, upTo: number, abort?: AbortSignal): Promise<RunOutcome> {
    return this.submit({ op: 'snapshot', state, out, upTo }, abort);
  }

  /** Tasks waiting for a free worker (read by /metrics). */
  get queueSize(): number {
    return this.pool.queueSize;
  }

  /**
   * Submits a task and maps `{ ok: false, code }` back to a coded error. Aborting `abort` while the task runs
   * terminates its worker (piscina starts a new one): the only way to stop a WASM loop that never returns.
   */
  async submit(task: KernelTask, abort?: AbortSignal): Promise<RunOutcome> {
    const r = await this.pool.run(task, abort ? { signal: abort } : undefined);
    if (!r.ok) throw new MiaError(r.code as ErrorCodeValue, r.message);
    return r.outcome;
  }

  /**
   * Waits for the workers to be ready (instantiated), so a benchmark does not time start-up. The task
   * addresses the reserved zero page, whose committed count is 0: the kernel returns at once.
   */
  async warm(): Promise<void> {
    await Promise.all(Array.from({ length: this.pool.options.maxThreads }, () => this.pool.run({ op: 'run', state: 0 }).catch(() => undefined)));
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
