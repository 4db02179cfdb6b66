// A real nats-server (Debian's, `-js` with a temporary store) on a free port, and `mia gateway` as a child
// process, for the cluster tests. Every child runs in its own process group so afterAll can kill it whole.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../stream/serve-harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A running child and what it printed on stderr. */
export interface Child {
  proc: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** A running nats-server. */
export interface Nats extends Child {
  port: number;
  url: string;
  storeDir: string;
}

function spawnChild(cmd: string, args: string[], env: Record<string, string> = {}): Child {
  const proc = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env }, detached: true });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, stderr: () => err, exited };
}

/** Resolves once `pattern` appears in the child's stderr (or rejects when it exits first). */
export function waitFor(c: Child, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const m = pattern.exec(c.stderr());
      if (m) resolve(m);
      return m !== null;
    };
    if (check()) return;
    const onData = (): void => {
      if (check()) c.proc.stderr!.off('data', onData);
    };
    c.proc.stderr!.on('data', onData);
    void c.exited.then((code) => reject(new Error(`child exited (${code}) before ${pattern}: ${c.stderr().slice(-2000)}`)));
  });
}

/** Starts nats-server with JetStream on a free port (or `port`), its store in `storeDir` (default: a new temp dir). */
export async function startNats(port?: number, storeDir?: string): Promise<Nats> {
  const p = port ?? await freePort();
  const dir = storeDir ?? mkdtempSync(join(tmpdir(), 'mia-nats-'));
  const c = spawnChild('nats-server', ['-js', '-sd', dir, '-a', '127.0.0.1', '-p', String(p)]);
  await waitFor(c, /Server is ready/);
  return { ...c, port: p, url: `nats://127.0.0.1:${p}`, storeDir: dir };
}

/** Starts `mia ARGS` and resolves once its stream server listens, with the port. */
export async function startMia(args: string[], env: Record<string, string> = {}): Promise<Child & { port: number }> {
  const c = spawnChild(process.execPath, ['bin/mia.js', ...args, '--log-format', 'json'], env);
  const m = await waitFor(c, /"port":(\d+),"msg":"Stream server listening"/);
  return { ...c, port: Number(m[1]) };
}

/** SIGKILLs the child's whole process group (its worker threads die with it) and waits for it. */
export async function killGroup(c: Child): Promise<void> {
  if (c.proc.exitCode === null && c.proc.signalCode === null) {
    try {
      process.kill(-c.proc.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await c.exited;
}

/** Kills every child (groups) and removes nats stores. */
export async function cleanUp(children: Child[], stores: string[]): Promise<void> {
  for (const c of children.splice(0)) await killGroup(c);
  for (const d of stores.splice(0)) rmSync(d, { recursive: true, force: true });
}
