import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { track, waitExit } from './child-processes.js';
import { GcTally } from './gc-tally.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TAIL_LINES = 20;

/** How the harness runs `mia serve`. */
export interface ServeSettings {
  symbols: readonly string[];
  /** Mean simulated trades per second per symbol. */
  simRate: number;
  intervalMs: number;
  speed: number;
  /** Where the server runs its snapshot kernels (mia serve --kernels). */
  kernels: 'pool' | 'inline';
}

/** The parts of GET /health the harness reads. */
export interface Health {
  status: { tradesTotal: number; framesConflated: number; closedSlow: number; subscribers: number; snapshotsTotal: number };
  stages: unknown;
  server: unknown;
}

/** `mia serve` as a child process on a free port: started, asked for /health, stopped with SIGTERM. */
export class ServerProcess {
  readonly port: number;
  private readonly child: ChildProcess;
  private readonly stderrTail: string[];
  /** The server's collections (it runs with --trace-gc-nvp, its stdout read for nothing else). */
  readonly gc: GcTally;

  private constructor(child: ChildProcess, port: number, tail: string[], gc: GcTally) {
    this.child = child;
    this.port = port;
    this.stderrTail = tail;
    this.gc = gc;
  }

  /** The stream URL. */
  get url(): string {
    return `ws://127.0.0.1:${this.port}/stream`;
  }

  /** Starts the server and resolves once its "Stream server listening" log line gives the port. */
  static start(s: ServeSettings, timeoutMs: number): Promise<ServerProcess> {
    const args = ['--trace-gc-nvp', 'bin/mia.js', 'serve', '--source', 'sim', '--symbols', s.symbols.join(','), '--host', '127.0.0.1', '--port', '0',
      '--speed', String(s.speed), '--sim-rate', String(s.simRate), '--interval-ms', String(s.intervalMs), '--kernels', s.kernels];
    const child = track(spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
    const tail: string[] = [];
    const gc = new GcTally(child.stdout!);
    return new Promise((resolve, reject) => {
      const fail = (why: string): void => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`mia serve ${why}${tail.length ? `; its last log lines:\n${tail.join('\n')}` : ''}`));
      };
      const timer = setTimeout(() => fail(`did not report a port within ${timeoutMs} ms`), timeoutMs);
      const onError = (e: Error): void => fail(`could not be started: ${e.message}`);
      const onExit = (code: number | null, signal: string | null): void => fail(`exited before listening (code ${code}, signal ${signal})`);
      child.once('error', onError);
      child.once('exit', onExit);
      // Read stderr to its end whatever happens: a full pipe would block the server's logging.
      createInterface({ input: child.stderr! }).on('line', (line) => {
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
        const port = listeningPort(line);
        if (port === undefined) return;
        clearTimeout(timer);
        child.off('error', onError);
        child.off('exit', onExit);
        resolve(new ServerProcess(child, port, tail, gc));
      });
    });
  }

  /** GET /health. */
  async health(): Promise<Health> {
    const res = await fetch(`http://127.0.0.1:${this.port}/health`, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`GET /health answered ${res.status}`);
    return (await res.json()) as Health;
  }

  /** Its last stderr lines, for failure reports. */
  tail(): string {
    return this.stderrTail.join('\n');
  }

  /** SIGTERM (graceful shutdown), SIGKILL after `timeoutMs`. Resolves with the exit code (null if killed). */
  stop(timeoutMs: number): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return waitExit(this.child, timeoutMs);
  }
}

function listeningPort(line: string): number | undefined {
  if (!line.includes('Stream server listening')) return undefined;
  try {
    const o = JSON.parse(line) as { msg?: unknown; port?: unknown };
    return o.msg === 'Stream server listening' && typeof o.port === 'number' && o.port > 0 ? o.port : undefined;
  } catch {
    return undefined;
  }
}
