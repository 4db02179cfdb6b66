// The repo's TWS test server (scripts/tws-test-server.ts) as a child process, as the end-to-end tests of
// `mia serve --source ib` run it: started on a port, its printed trades collected, stopped as an operator would.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Starts the script on `port` (20 trades a second) and resolves once it listens. `track` receives the process at
 * once (for the test's cleanup, even if the start fails); `onStdout` gets each line it prints on stdout (one JSON
 * trade a line); stdin stays open for its commands (garbage, …).
 */
export async function startTwsScript(port: number, o: { track?: ChildProcess[]; onStdout?: (line: string) => void } = {}): Promise<ChildProcess> {
  const onStdout = o.onStdout;
  const p = spawn(process.execPath, ['--import', 'tsx', 'scripts/tws-test-server.ts', '--port', String(port), '--rate', '20'],
    { cwd: root, stdio: ['pipe', onStdout ? 'pipe' : 'ignore', 'pipe'] });
  o.track?.push(p);
  if (onStdout) {
    let out = '';
    p.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = out.split('\n');
      out = lines.pop()!;
      for (const l of lines) if (l) onStdout(l);
    });
  }
  await new Promise<void>((resolve, reject) => {
    let err = '';
    p.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('TWS test server on')) resolve();
    });
    p.on('exit', (c) => reject(new Error(`tws-test-server exited ${c}: ${err}`)));
  });
  return p;
}

/** Stops the script as an operator would (SIGINT: it closes its sockets and exits). */
export async function stopTwsScript(p: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => p.once('exit', resolve));
  p.kill('SIGINT');
  await exited;
}
