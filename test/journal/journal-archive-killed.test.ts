// Issue 14, all-or-nothing outputs: `mia journal archive` killed with SIGKILL at each of its steps (a child that
// kills itself there) and at random moments (the built CLI). After each kill the archive holds only whole parts
// (each listed, with its size and sha256, in _COMPLETE or in the run's _PENDING record), and after the next run
// every row is exactly once in the journal or in the archive, the archive matches its marker, and nothing of the
// killed run is left. Before, a run killed between a part's COPY and its DELETE left the part in the archive and
// the rows in the journal: the next run archived them a second time.
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { COMPLETE_MARKER, type CompletionMarker, type MarkedFile } from '../../src/common/atomic-output.js';
import { ErrorCode, isMiaError } from '../../src/common/errors.js';
import { filesUnder, PENDING_RECORD, verifyArchive } from '../../src/journal/archive-folder.js';
import { archiveJournal, type ArchiveStep } from '../../src/journal/journal-archive.js';
import { alertRow } from '../../src/journal/journal-rows.js';
import { JournalWriter } from '../../src/journal/journal-writer.js';
import { mia, root, rows } from './journal-harness.js';

const OLD_ROWS = 12_000;
const RECENT_ROWS = 10;
let scratch: string;
let pristine: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'mia-archive-killed-'));
  pristine = join(scratch, 'pristine.duckdb');
  const w = await JournalWriter.open(pristine, { command: 'serve', startedMs: Date.now(), config: '{}', version: 'test', modelHashes: [], pid: 1, snapshotMs: 1000 },
    { maxQueueRows: 1_000_000 }, pino({ level: 'silent' }));
  // Alerts on six old days (one part each) with values 0..11999, ten recent ones with values from 1e6.
  const old = Date.UTC(2023, 11, 20, 12);
  for (let i = 0; i < OLD_ROWS; i++) w.add('alerts', alertRow({ tsMs: old + i * 43_200, rule: 'p99', state: 'raised', severity: 'warning', message: `sample ${i}`, value: i, symbol: 'ES' }));
  for (let i = 0; i < RECENT_ROWS; i++) w.add('alerts', alertRow({ tsMs: Date.now() - 60_000 + i, rule: 'p99', state: 'resolved', severity: 'info', message: 'ok', value: 1e6 + i, symbol: null }));
  await w.close();
}, 60_000);
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** A fresh copy of the journal and an archive folder path for one case. */
async function fresh(name: string): Promise<{ journal: string; out: string }> {
  const journal = join(scratch, `${name}.duckdb`);
  await copyFile(pristine, journal);
  return { journal, out: join(scratch, `${name}-archive`) };
}

/** Runs a child that archives and kills itself (SIGKILL) once `step` is done; resolves with its exit signal. */
async function killAt(journal: string, out: string, step: ArchiveStep): Promise<NodeJS.Signals | null> {
  const script = join(scratch, 'kill-at.mjs');
  await writeFile(script, [
    `import { archiveJournal } from ${JSON.stringify(join(root, 'dist/src/journal/journal-archive.js'))};`,
    'const [journal, out, at] = process.argv.slice(2);',
    'await archiveJournal(journal, Date.now() - 30 * 86_400_000, out, () => {}, { step: (s) => { if (s === at) process.kill(process.pid, "SIGKILL"); } });',
  ].join('\n'));
  const p = spawn(process.execPath, [script, journal, out, step], { stdio: 'ignore' });
  return new Promise((resolve) => p.on('exit', (_code, signal) => resolve(signal)));
}

/** Runs the built `mia journal archive`, killed with SIGKILL after `killMs`; resolves with how it ended and its duration. */
function cliKilled(journal: string, out: string, killMs: number): Promise<{ signal: NodeJS.Signals | null; ms: number }> {
  const started = performance.now();
  const p = spawn(process.execPath, [join(root, 'bin/mia.js'), 'journal', 'archive', '--journal', journal, '--older-than', '30d', '--out', out], { stdio: 'ignore' });
  const t = setTimeout(() => p.kill('SIGKILL'), killMs);
  return new Promise((resolve) => p.on('exit', (_code, signal) => {
    clearTimeout(t);
    resolve({ signal, ms: performance.now() - started });
  }));
}

async function listed(out: string, name: string): Promise<MarkedFile[]> {
  try {
    return (JSON.parse(await readFile(join(out, name), 'utf8')) as CompletionMarker).files;
  } catch {
    return [];
  }
}

/** The archive as a kill left it: every file a whole part listed in _COMPLETE or _PENDING, or one of those two (or their temporary file). */
async function onlyWholeParts(out: string): Promise<string | undefined> {
  const files = await filesUnder(out).catch(() => [] as string[]);
  const known = new Map([...(await listed(out, COMPLETE_MARKER)), ...(await listed(out, PENDING_RECORD))].map((f) => [f.name, f]));
  for (const name of files) {
    if (name === COMPLETE_MARKER || name === PENDING_RECORD || name.startsWith('.mia-tmp-')) continue;
    const f = known.get(name);
    if (!f) return `${name} is in the archive but listed nowhere`;
    const data = await readFile(join(out, name));
    if (data.length !== f.bytes || createHash('sha256').update(data).digest('hex') !== f.sha256) return `${name} is not the whole part`;
  }
  return undefined;
}

/** Every alert's value, from the journal and the archive together, sorted. */
async function allValues(journal: string, out: string): Promise<number[]> {
  const parts = (await filesUnder(out).catch(() => [] as string[])).filter((n) => n.endsWith('.parquet'));
  const q = (x: string): string => `'${x.replace(/'/g, "''")}'`;
  const archived = parts.length === 0 ? '' : ` UNION ALL SELECT value FROM read_parquet(${q(join(out, 'alerts', '*', '*.parquet'))}, hive_partitioning = true)`;
  return (await rows(journal, `SELECT value FROM (SELECT value FROM alerts${archived}) ORDER BY value`)).map((r) => r.value as number);
}

const EXPECTED = [...Array.from({ length: OLD_ROWS }, (_, i) => i), ...Array.from({ length: RECENT_ROWS }, (_, i) => 1e6 + i)];

/** After the run that follows a kill: each row once, the archive whole, nothing of the killed run left. */
async function settled(journal: string, out: string): Promise<void> {
  const r = await mia(['journal', 'archive', '--journal', journal, '--older-than', '30d', '--out', out]);
  expect(r.code, r.stderr).toBe(0);
  expect(await allValues(journal, out)).toEqual(EXPECTED);
  expect(await verifyArchive(out)).toBeUndefined();
  expect((await rows(journal, 'SELECT count(*) AS n FROM alerts'))[0]!.n).toBe(RECENT_ROWS);
  const leftovers = (await readdir(scratch)).filter((n) => n.startsWith('.mia-tmp-') || n.includes('.compact-'));
  expect(leftovers).toEqual([]);
}

describe('mia journal archive, killed (SIGKILL)', () => {
  const steps: ArchiveStep[] = ['staged', 'pending', 'moved', 'committed', 'marked', 'compacting'];
  for (const step of steps) {
    test(`killed once "${step}" is done: only whole parts in the archive; the next run settles it, each row once`, async () => {
      const { journal, out } = await fresh(`step-${step}`);
      expect(await killAt(journal, out, step)).toBe('SIGKILL');
      expect(await onlyWholeParts(out)).toBeUndefined();
      // The journal opens, and no row is lost: each is in the journal, in a part, or (before the commit) in both.
      const values = new Set(await allValues(journal, out));
      expect(EXPECTED.every((v) => values.has(v))).toBe(true);
      await settled(journal, out);
    }, 60_000);
  }

  test('killed at random moments of the CLI run: the same after every kill', async () => {
    const seed = Number(process.env.MIA_KILL_SEED ?? Date.now() % 1_000_000);
    let a = seed;
    const next = (): number => ((a = (a * 1103515245 + 12345) % 2147483648) / 2147483648);
    const whole = await fresh('random-whole');
    const full = await cliKilled(whole.journal, whole.out, 60_000);
    expect(full.signal).toBeNull();
    for (let i = 0; i < 5; i++) {
      const { journal, out } = await fresh(`random-${i}`);
      const killMs = Math.round(full.ms * (0.3 + 0.8 * next()));
      await cliKilled(journal, out, killMs);
      expect(await onlyWholeParts(out), `seed ${seed}, kill ${i} at ${killMs} ms`).toBeUndefined();
      await settled(journal, out);
    }
  }, 120_000);

  test('a failure after the parts are in place: a coded error, the journal and the archive as they were', async () => {
    const { journal, out } = await fresh('failure');
    const e = await archiveJournal(journal, Date.now() - 30 * 86_400_000, out, () => {}, {
      step: (s) => {
        if (s === 'moved') throw new Error('injected failure');
      },
    }).catch((x: unknown) => x);
    expect(isMiaError(e) && e.code).toBe(ErrorCode.JOURNAL_QUERY);
    expect((await rows(journal, 'SELECT count(*) AS n FROM alerts'))[0]!.n).toBe(OLD_ROWS + RECENT_ROWS);
    expect(await filesUnder(out)).toEqual([]);
    expect((await readdir(scratch)).filter((n) => n.startsWith('.mia-tmp-'))).toEqual([]);
    await settled(journal, out);
  }, 60_000);

  test('a folder of other files is refused, never added to', async () => {
    const { journal, out } = await fresh('foreign');
    await rm(out, { recursive: true, force: true });
    await mkdir(out);
    await writeFile(join(out, 'notes.bin'), 'the trader\'s own file');
    const r = await mia(['journal', 'archive', '--journal', journal, '--older-than', '30d', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no _COMPLETE of mia journal archive.*\(MIA_ERR_OUTPUT_UNWRITABLE\)/);
    expect(await readdir(out)).toEqual(['notes.bin']);
    expect((await rows(journal, 'SELECT count(*) AS n FROM alerts'))[0]!.n).toBe(OLD_ROWS + RECENT_ROWS);
  }, 60_000);
});
