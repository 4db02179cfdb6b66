// `mia serve` alone on its port. uWS listens with SO_REUSEPORT by default: two servers on one port both
// reported "listening" and the kernel split the connections between them. Servers here are real processes.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { freePort, serve, type Served } from './serve-harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const running: Served[] = [];

afterEach(async () => {
  for (const s of running.splice(0)) {
    if (s.proc.exitCode === null) s.proc.kill('SIGKILL');
    await s.exited;
  }
});

/** Runs `mia serve ARGS` to its end (it is expected to fail at start-up). */
function serveOnce(args: string[]): Promise<{ status: number | null; stderr: string }> {
  const p = spawn(process.execPath, ['bin/mia.js', 'serve', ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => p.on('close', (status) => resolve({ status, stderr })));
}

const lastLine = (s: string): string => s.trim().split('\n').at(-1)!;


describe('mia serve on a port in use', () => {
  test('a second mia serve on the port of a running one exits 1 with PORT_IN_USE; the first goes on serving', async () => {
    // A fixed port, as two `mia serve --port 9000`: Linux does not share a port it chose for --port 0, even
    // under SO_REUSEPORT, so a first server on port 0 would not show the sharing this test guards against.
    const first = await serve(['--port', String(await freePort()), '--symbols', 'ES']);
    running.push(first);
    const second = await serveOnce(['--port', String(first.port), '--symbols', 'ES']);
    expect(second.status).toBe(1);
    expect(lastLine(second.stderr)).toMatch(new RegExp(`^mia: port ${first.port} on 127\\.0\\.0\\.1 is already in use .*\\(MIA_ERR_PORT_IN_USE\\)$`));
    expect(second.stderr).not.toContain('Stream server listening');
    expect((await fetch(`http://127.0.0.1:${first.port}/health`)).status).toBe(200);
    expect(first.proc.exitCode).toBeNull();
  });

  test('a port held by another program (a plain Node server) is refused the same way', async () => {
    const other = createServer();
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const port = (other.address() as { port: number }).port;
    try {
      const r = await serveOnce(['--port', String(port), '--symbols', 'ES']);
      expect(r.status).toBe(1);
      expect(lastLine(r.stderr)).toMatch(/^mia: .* \(MIA_ERR_PORT_IN_USE\)$/);
    } finally {
      await new Promise((r) => other.close(r));
    }
  });

  test('--port past 65535, negative or fractional, and --ib-port 0, are BAD_ARGUMENT before anything starts', async () => {
    for (const args of [['--port', '99999'], ['--port', '-1'], ['--port', '8080.5'], ['--source', 'ib', '--ib-port', '0']]) {
      const r = await serveOnce(args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(lastLine(r.stderr), args.join(' ')).toMatch(/^mia: --(ib-)?port must be a port number from [01] to 65535.* \(MIA_ERR_BAD_ARGUMENT\)$/);
    }
  });
});

describe('mia serve shutdown with HTTP clients', () => {
  test('SIGTERM while a keep-alive client polls /health: exit 0 at once, and the port serves again right after', async () => {
    const http = await import('node:http');
    // A fixed port, as a user runs it (a port the kernel picked for --port 0 is not handed back at once).
    const port = await freePort();
    const s = await serve(['--symbols', 'ES', '--port', String(port)]);
    running.push(s);
    const agent = new http.Agent({ keepAlive: true });
    const get = (): Promise<number> => new Promise((resolve) => {
      http.get({ host: '127.0.0.1', port: s.port, path: '/health', agent }, (r) => {
        r.resume();
        r.on('end', () => resolve(r.statusCode ?? 0));
      }).on('error', () => resolve(0));
    });
    expect(await get()).toBe(200);
    // A dashboard polling /health keeps one connection open; it must not keep the engine alive.
    const poll = setInterval(() => void get(), 100);
    s.proc.kill('SIGTERM');
    const code = await Promise.race([s.exited, new Promise<string>((r) => setTimeout(() => r('still running after 5 s'), 5000))]);
    clearInterval(poll);
    agent.destroy();
    expect(code).toBe(0);
    const again = await serve(['--symbols', 'ES', '--port', String(port)]);
    running.push(again);
    expect(again.port).toBe(port);
  }, 30_000);
});
