// Issue 14: SIGTERM during `mia serve`'s start-up (the gateway not reachable yet) exited 143 with no final status.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { freePort } from '../stream/serve-harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));


describe('mia serve, SIGTERM during start-up', () => {
  test('while the IB gateway is still being reached: exit 0 within the deadline, with the final status line', async () => {
    // Nothing listens on the port: the start-up keeps retrying (60 s before MIA_ERR_IB_CONNECT).
    const ibPort = await freePort();
    const proc = spawn(process.execPath, ['bin/mia.js', 'serve', '--source', 'ib', '--ib-port', String(ibPort), '--port', '0', '--journal', 'off'], {
      cwd: root, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    proc.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    try {
      const until = Date.now() + 20_000;
      while (!err.includes('IB connection lost, reconnecting after backoff') && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      proc.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 20_000))]);
      expect(code).toBe(0);
      const lines = err.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg: string; final?: boolean; why?: string });
      expect(lines.find((l) => l.msg === 'Shutting down')?.why).toBe('SIGTERM');
      expect(lines.find((l) => l.msg === 'Stopped during start-up')?.final).toBe(true);
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
  }, 60_000);
});
