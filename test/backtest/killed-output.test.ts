// Issue 14, all-or-nothing outputs: `mia backtest` and `mia train` (the built CLI, as users run it) are killed
// with SIGKILL at random moments, over and over, into the same --out. After each kill the folder must be absent
// or exactly one whole earlier run (every file of it, byte for byte, its _COMPLETE marker matching), never a
// partial folder or a mix of two runs. Runs alternate between two settings whose outputs differ, so a mix shows.
// Before atomic outputs about half the kills near the end of a backtest left a mix. Real ESH4 trades (Databento).
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { COMPLETE_MARKER, verifyOutputFolder } from '../../src/common/atomic-output.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const input = dataFile('cme-esh4-mbo/esh4_20231225_trades.csv');
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'mia-killed-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Runs `node bin/mia.js ARGS`; kills it with SIGKILL after `killMs` (undefined: never). Resolves when it has exited. */
function mia(args: string[], killMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number; stderr: string }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const p = spawn(process.execPath, ['bin/mia.js', ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = killMs !== undefined ? setTimeout(() => p.kill('SIGKILL'), killMs) : undefined;
    // Generous: a hung run shows as a kill, never a stuck suite.
    const guard = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.on('exit', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(guard);
      resolve({ code, signal, ms: performance.now() - started, stderr });
    });
  });
}

/** Every file of a folder by name (undefined when the folder is absent). */
async function snapshot(dir: string): Promise<Map<string, Buffer> | undefined> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return undefined;
  }
  const files = new Map<string, Buffer>();
  for (const n of names.sort()) files.set(n, await readFile(join(dir, n)));
  return files;
}

function same(a: Map<string, Buffer>, b: Map<string, Buffer>): boolean {
  if ([...a.keys()].join() !== [...b.keys()].join()) return false;
  return [...a].every(([n, data]) => Buffer.compare(data, b.get(n)!) === 0);
}

/** A small seeded generator (mulberry32): the kill moments of a failing run can be replayed from the seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Kills `mia <command>` into one --out at random moments for `budgetMs`, alternating two settings, and classifies
 * the folder after each kill: absent, run a, run b, or anything else (a partial folder or a mix).
 */
async function killRepeatedly(name: string, settings: [string[], string[]], budgetMs: number) {
  // Reference outputs of both settings, whole runs; their durations set the kill moments.
  const refs: Map<string, Buffer>[] = [];
  // Durations of whole runs: the kill moments follow the machine's current speed (its load varies).
  const whole: number[] = [];
  for (const [i, args] of settings.entries()) {
    const dir = join(scratch, `${name}-ref-${i}`);
    const r = await mia([...args, '--out', dir]);
    expect(r.code, r.stderr).toBe(0);
    refs.push((await snapshot(dir))!);
    whole.push(r.ms);
  }
  expect(same(refs[0]!, refs[1]!), 'the two settings must write different files').toBe(false);
  const out = join(scratch, `${name}-out`);
  const seed = Number(process.env.MIA_KILL_SEED ?? Date.now() % 1_000_000);
  const next = random(seed);
  const states: { kill: number; ms: number; state: string; reason?: string }[] = [];
  const started = performance.now();
  for (let i = 0; performance.now() - started < budgetMs; i++) {
    // Half the kills anywhere in the run, half in its last half, where the files are written.
    const typical = [...whole.slice(-5)].sort((x, y) => x - y)[Math.floor(Math.min(whole.length, 5) / 2)]!;
    const u = next();
    const killMs = Math.round(typical * (i % 2 === 0 ? 1.1 * u : 0.5 + 0.55 * u));
    const r = await mia([...settings[(i >> 1) % 2]!, '--out', out], killMs);
    if (r.signal === null) whole.push(r.ms);
    const now = await snapshot(out);
    // Which run's files the folder holds (the marker and make-folder's write checks aside), then whether its marker holds.
    const files = now && new Map([...now].filter(([n]) => n !== COMPLETE_MARKER && !n.startsWith('.mia-write-check-')));
    const ref = (k: number): Map<string, Buffer> => new Map([...refs[k]!].filter(([n]) => n !== COMPLETE_MARKER));
    const state = files === undefined ? 'absent' : files.size === 0 ? 'empty' : same(files, ref(0)) ? 'a' : same(files, ref(1)) ? 'b' : 'mixed or partial';
    const marker = now === undefined ? undefined : await verifyOutputFolder(out);
    states.push({ kill: killMs, ms: Math.round(r.ms), state, ...(marker && !marker.ok ? { reason: marker.reason } : {}) });
  }
  const good = states.filter((s) => s.state === 'absent' || (['a', 'b'].includes(s.state) && s.reason === undefined));
  const counts: Record<string, number> = {};
  for (const s of states) counts[`${s.state}${s.reason ? ' (no valid marker)' : ''}`] = (counts[`${s.state}${s.reason ? ' (no valid marker)' : ''}`] ?? 0) + 1;
  const bad = states.filter((s) => !good.includes(s));
  return { states, bad, counts, seed, out };
}

describe.skipIf(!HAVE_DATA)('outputs of killed runs (SIGKILL at random moments, real ESH4 trades)', () => {
  test('mia backtest: --out is absent or one whole earlier run after every kill; leftovers cleaned by the next run', async () => {
    const a = ['backtest', '--input', input, '--no-progress'];
    const b = [...a, '--stop-ticks', '2', '--target-ticks', '3', '--long-threshold', '0.1', '--short-threshold', '-0.1', '--min-confidence', '0.5'];
    const { states, bad, counts, seed, out } = await killRepeatedly('backtest', [a, b], 20_000);
    expect(bad, `seed ${seed}: ${bad.length} of ${states.length} kills left a folder that is not one whole run: ${JSON.stringify(counts)}`).toEqual([]);
    expect(states.length).toBeGreaterThanOrEqual(8);
    // A whole run afterwards replaces what is there and leaves no staging or aside folder of the killed runs.
    const done = await mia([...b, '--out', out]);
    expect(done.code, done.stderr).toBe(0);
    expect((await verifyOutputFolder(out)).ok).toBe(true);
    // (The train test's kills, in the same scratch folder, leave their own until a train run cleans them.)
    expect((await readdir(scratch)).filter((n) => n.startsWith('.mia-') && n.endsWith('-backtest-out'))).toEqual([]);
  }, 120_000);

  test('mia train: the models folder is absent or one whole earlier training after every kill', async () => {
    const a = ['train', '--input', input, '--horizon-bars', '5', '--target-ticks', '2', '--stop-ticks', '2', '--folds', '2', '--no-progress'];
    const b = [...a, '--seed', '7'];
    const { states, bad, counts, seed } = await killRepeatedly('train', [a, b], 8_000);
    expect(bad, `seed ${seed}: ${bad.length} of ${states.length} kills left a folder that is not one whole training: ${JSON.stringify(counts)}`).toEqual([]);
    expect(states.length).toBeGreaterThanOrEqual(4);
  }, 90_000);
});
