import type { ChildProcess } from 'node:child_process';

// Every child the harness starts, so that each way out (normal end, failure, Ctrl-C, an exception)
// kills the ones still running: a benchmark must not leave servers or subscribers behind.
const live = new Set<ChildProcess>();

/** Registers a child until it exits. */
export function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** SIGKILLs every registered child that is still running (synchronous: usable in an 'exit' handler). */
export function killAll(): void {
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  live.clear();
}

/**
 * Waits for a child's exit up to `timeoutMs`, then SIGKILLs it. Resolves with its exit code, or null when
 * it had to be killed (or died of a signal).
 */
export function waitExit(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}
