// `mia serve --trading`: the flag as users type it (the built CLI), and the paper route's state in /health.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { serve, until, type Served } from '../stream/serve-harness.js';
import { esAroundToday } from './fixtures.js';
import { TwsServer } from './tws-server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const served: Served[] = [];
let tws: TwsServer | undefined;

afterEach(async () => {
  for (const s of served.splice(0)) {
    if (s.proc.exitCode === null) s.proc.kill('SIGKILL');
    await s.exited;
  }
  await tws?.close();
  tws = undefined;
});

function mia(...args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/mia.js', ...args], { cwd: root, encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stderr: r.stderr };
}

/** SIGTERM once the engine runs (its signal handlers are installed after start), then the exit code. */
async function stop(s: Served): Promise<number | null> {
  await until(() => s.stderr().includes('Engine started'));
  s.proc.kill('SIGTERM');
  return s.exited;
}

async function health(s: Served): Promise<{ source: { trading: Record<string, unknown> } }> {
  const r = await fetch(`http://127.0.0.1:${s.port}/health`);
  return (await r.json()) as { source: { trading: Record<string, unknown> } };
}

describe('mia serve --trading', () => {
  test('live is refused with MIA_ERR_BAD_ARGUMENT: live trading is not exposed', () => {
    const r = mia('serve', '--source', 'ib', '--trading', 'live');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('MIA_ERR_BAD_ARGUMENT');
    expect(r.stderr).toContain('live trading is not exposed');
  });

  test('paper without decisions is refused with MIA_ERR_BAD_ARGUMENT: orders come from decisions', () => {
    const r = mia('serve', '--source', 'ib', '--trading', 'paper', '--signals', 'off');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('MIA_ERR_BAD_ARGUMENT');
    expect(r.stderr).toContain('--trading paper needs --signals on');
  });

  // Paper trading on the sim and replay sources goes to the simulated broker (test/stream/serve-paper.test.ts).
  test('an unknown trading mode is a coded argument error', () => {
    const r = mia('serve', '--trading', 'yes');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('MIA_ERR_BAD_ARGUMENT');
  });

  test('with --source ib: trading off by default; --trading paper shows the paper route, ready, under source.trading', async () => {
    tws = new TwsServer({ contracts: esAroundToday(), startSec: Math.floor(Date.now() / 1000) });
    const port = await tws.listen();
    const off = await serve(['--source', 'ib', '--symbols', 'ES', '--ib-port', String(port), '--ib-client-id', '1']);
    served.push(off);
    expect((await health(off)).source.trading).toEqual({ mode: 'off' });
    expect(await stop(off)).toBe(0);

    const paper = await serve(['--source', 'ib', '--symbols', 'ES', '--ib-port', String(port), '--ib-client-id', '2', '--trading', 'paper']);
    served.push(paper);
    expect((await health(paper)).source.trading).toMatchObject({ mode: 'paper', ready: true, accounts: 'DU1234567', bracketsSent: 0, refused: 0 });
    expect(await stop(paper)).toBe(0);
  });
});
