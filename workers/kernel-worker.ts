// Piscina worker: instantiates the kernels once over the shared memory from workerData, then runs tasks
// that carry a state-block address only. Exports a Promise of the handler so the pool waits for init.
import { workerData } from 'node:worker_threads';
import { ErrorCode, isMiaError } from '../src/common/errors.js';
import { instantiateKernels, type KernelBuild } from '../src/kernels/kernel-module.js';
import { KernelRunner } from '../src/kernels/kernel-runner.js';
import type { KernelResult, KernelTask } from '../src/pool/kernel-task.js';

interface KernelWorkerData {
  memory: WebAssembly.Memory;
  build: KernelBuild;
}

/** Resolves to the task handler once this worker has instantiated the kernels (piscina awaits it). */
export default (async () => {
  const { memory, build } = workerData as KernelWorkerData;
  const runner = new KernelRunner(instantiateKernels(memory, build), memory);
  return (task: KernelTask): KernelResult => {
    try {
      const outcome = task.op === 'flush' ? runner.flush(task.state)
        : task.op === 'snapshot' ? runner.snapshot(task.state, task.out ?? 0, task.upTo ?? -1) : runner.run(task.state);
      return { ok: true, outcome };
    } catch (e) {
      if (isMiaError(e)) return { ok: false, code: e.code, message: e.message };
      return { ok: false, code: ErrorCode.WORKER_FAILED, message: e instanceof Error ? e.message : String(e) };
    }
  };
})();
