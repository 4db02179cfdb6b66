// Issue 14, liveness of the engine loop: `mia serve --kernels inline` (the built CLI, on the simulator) whose engine
// thread is stalled by the documented debug hook MIA_DEBUG_STALL_MS (an inline kernel task that spins, as a kernel
// looping on its input would; nothing on that thread can interrupt it). The watchdog thread must say so in one
// coded line, count the stall and log the recovery, or end the process with exit code 75 when it lasts.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { ErrorCode } from '../../src/common/errors.js';
import { STALL_EXIT_CODE } from '../../src/engine/loop-heartbeat.js';
import { serve, until, type Served } from '../stream/serve-harness.js';

const served: Served[] = [];
afterEach(async () => {
  for (const s of served.splice(0)) {
    if (s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill('SIGKILL');
    await s.exited;
  }
});

/** The JSON log lines of a stderr. */
function lines(stderr: string): Record<string, unknown>[] {
  return stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

const ARGS = ['--kernels', 'inline', '--journal', 'off', '--alerts', 'off', '--log-format', 'json'];

describe('engine loop watchdog (mia serve --kernels inline, MIA_DEBUG_STALL_MS)', () => {
  test('a 3.5 s stall: one MIA_ERR_ENGINE_STALLED line naming kernels-inline, then the recovery; counted in /health and /metrics', async () => {
    const s = await serve(ARGS, { MIA_DEBUG_STALL_MS: '3500' });
    served.push(s);
    await until(() => lines(s.stderr()).some((l) => l.msg === 'Engine loop recovered'));
    const stalled = lines(s.stderr()).filter((l) => l.code === ErrorCode.ENGINE_STALLED);
    expect(stalled).toHaveLength(1);
    expect(stalled[0]).toMatchObject({ level: 50, engineStage: 'kernels-inline', budgetMs: 2000, stalls: 1 });
    const recovered = lines(s.stderr()).find((l) => l.msg === 'Engine loop recovered')!;
    // The stall is measured on the watchdog's clock between heartbeats (100 ms apart): about the 3.5 s spun.
    expect(recovered.stallMs as number).toBeGreaterThan(2000);
    expect(recovered.stallMs as number).toBeLessThan(10_000);
    const health = await (await fetch(`http://127.0.0.1:${s.port}/health`)).json() as { engineLoop: Record<string, unknown> };
    expect(health.engineLoop).toMatchObject({ stalls: 1, stalledNow: false, lastStallMs: recovered.stallMs, budgetMs: 2000, exitAfterMs: 20_000 });
    const metrics = await (await fetch(`http://127.0.0.1:${s.port}/metrics`)).text();
    expect(metrics).toMatch(/^mia_engine_loop_stalls_total 1$/m);
    s.proc.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  }, 60_000);

  test('a stall that lasts: /health stops answering, and past 20 s the process ends with exit code 75 and a final coded line', async () => {
    const s = await serve(ARGS, { MIA_DEBUG_STALL_MS: '600000' });
    served.push(s);
    await until(() => lines(s.stderr()).some((l) => l.code === ErrorCode.ENGINE_STALLED));
    // Frozen: the engine's thread answers nothing (a request waits, then gives up).
    const answered = await fetch(`http://127.0.0.1:${s.port}/health`, { signal: AbortSignal.timeout(1000) }).then(() => true, () => false);
    expect(answered).toBe(false);
    expect(await s.exited).toBe(STALL_EXIT_CODE);
    const coded = lines(s.stderr()).filter((l) => l.code === ErrorCode.ENGINE_STALLED);
    expect(coded.map((l) => l.level)).toEqual([50, 60]);
    expect(coded[1]).toMatchObject({ engineStage: 'kernels-inline', exitCode: STALL_EXIT_CODE, final: true });
    expect(coded[1]!.stalledMs as number).toBeGreaterThan(20_000);
    // Nothing else of the engine's after the final line (Node adds its inspector's notice, not JSON).
    expect(lines(s.stderr()).at(-1)).toEqual(coded[1]);
  }, 90_000);

  test('a thread blocked in a system call (no interrupt is serviced there): killed 2 s after the final line', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const p = spawn(process.execPath, ['test/fixtures/blocked-engine-thread.mjs'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => p.on('exit', (_code, sig) => resolve(sig)));
    expect(signal).toBe('SIGKILL');
    const coded = lines(stderr).filter((l) => l.code === ErrorCode.ENGINE_STALLED);
    expect(coded.map((l) => l.level)).toEqual([50, 60]);
    expect(lines(stderr).at(-1)).toMatchObject({ level: 60, msg: 'Engine thread did not exit, killing the process' });
  }, 30_000);
});
