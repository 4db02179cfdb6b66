import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { track, waitExit } from './child-processes.js';
import type { Command, Report, WindowResult } from './protocol.js';

const SCRIPT = fileURLToPath(new URL('./subscribers.ts', import.meta.url));

type Connected = Extract<Report, { type: 'connected' }>;

/** The subscriber process (subscribers.ts) seen from the harness: started, windowed over IPC, awaited. */
export class SubscriberProcess {
  private readonly child: ChildProcess;
  private readonly reports: Report[] = [];
  private wake: (() => void) | undefined;

  private constructor(child: ChildProcess) {
    this.child = child;
    child.on('message', (r: Report) => {
      this.reports.push(r);
      this.wake?.();
    });
    child.once('exit', () => this.wake?.());
  }

  /** Starts N clients on `url`; resolves once they are connected and subscribed (or reported failing). */
  static async start(url: string, clients: number, decode: 'lazy' | 'full', serverStages: boolean, timeoutMs: number): Promise<{ process: SubscriberProcess; connected: Connected }> {
    const args = ['--import', 'tsx', SCRIPT, '--url', url, '--clients', String(clients), '--decode', decode, ...(serverStages ? ['--server-stages'] : [])];
    const child = track(spawn(process.execPath, args, {
      // stdout of the harness is reserved for results (--json): the child's goes to stderr.
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    }));
    child.stdout!.pipe(process.stderr);
    const p = new SubscriberProcess(child);
    const connected = await p.next('connected', timeoutMs);
    return { process: p, connected };
  }

  /** Opens the measuring window. */
  begin(): void {
    this.send({ cmd: 'start' });
  }

  /** Closes the window and resolves with what was measured. */
  end(timeoutMs: number): Promise<WindowResult> {
    this.send({ cmd: 'stop' });
    return this.next('result', timeoutMs).then((r) => r.result);
  }

  /** Waits for the process to leave (it does after reporting), killing it after `timeoutMs`. */
  exit(timeoutMs: number): Promise<number | null> {
    return waitExit(this.child, timeoutMs);
  }

  private send(c: Command): void {
    if (this.child.connected) this.child.send(c);
  }

  private async next<T extends Report['type']>(type: T, timeoutMs: number): Promise<Extract<Report, { type: T }>> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const failed = this.reports.find((r) => r.type === 'failed');
      if (failed) throw new Error(`subscriber process failed: ${failed.message}`);
      const i = this.reports.findIndex((r) => r.type === type);
      if (i >= 0) return this.reports.splice(i, 1)[0] as Extract<Report, { type: T }>;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`subscriber process exited (code ${this.child.exitCode}, signal ${this.child.signalCode}) before reporting "${type}"`);
      }
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`subscriber process did not report "${type}" within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}
