// Issue 14: a kernel task that never returns (a trade timestamp near 2^63 ns made the kernels loop) held its
// symbol for ever and stop() waited on it. The pool's watchdog aborts it within its budget instead. The hang is
// injected (a worker whose snapshot tasks loop), not produced by the input the file readers now refuse.
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import { SimSource } from '../../src/adapters/sim/sim-source.js';
import { SnapshotEngine } from '../../src/engine/snapshot-engine.js';
import { DEFAULT_FEATURE_CONFIG } from '../../src/model/bar-features.js';

const hanging = fileURLToPath(new URL('../fixtures/hanging-kernel-worker.mjs', import.meta.url));

describe('SnapshotEngine, a kernel task that never returns', () => {
  test('is aborted past its budget: the symbol halted and counted, the engine answering, stop() bounded', async () => {
    const source = new SimSource({ symbols: ['ES'], seed: 3, speed: 60, ratePerSec: 50 });
    const engine = new SnapshotEngine(source, {
      config: { ...DEFAULT_FEATURE_CONFIG, timeframesSec: [60] }, intervalMs: 50, threads: 1, kernels: 'pool',
      footprint: false, staleMs: 5000, warmUp: false, taskBudgetMs: 200, poolWorkerFile: hanging,
    }, pino({ level: 'silent' }));
    await engine.start();
    const until = performance.now() + 10_000;
    while (engine.symbolStats()[0]!.kernels !== 'halted' && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
    const stats = engine.symbolStats()[0]!;
    expect(stats).toMatchObject({ kernels: 'halted', taskTimeouts: 1 });
    expect(engine.status().errors).toBe(1);
    expect(engine.status().poolInFlight).toBe(0);
    // Trades keep arriving: no longer taken, but counted.
    await new Promise((r) => setTimeout(r, 200));
    expect(engine.symbolStats()[0]!.droppedWhileHalted).toBeGreaterThan(0);
    await engine.stop();
    expect(engine.state).toBe('stopped');
  }, 30_000);
});
