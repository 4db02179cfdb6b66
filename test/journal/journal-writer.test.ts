// The writer with its real thread (dist/workers/journal-worker.js) and DuckDB: durable rows are committed before
// what waits on them runs, sessions continue a journal, and a file that is not a journal is a coded error at open.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, test } from 'vitest';
import { alertRow } from '../../src/journal/journal-rows.js';
import { JournalWriter } from '../../src/journal/journal-writer.js';
import { rows } from './journal-harness.js';

const log = pino({ level: 'silent' });
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'mia-journal-writer-'));
  dirs.push(d);
  return d;
}

const session = { command: 'serve' as const, startedMs: Date.UTC(2023, 11, 25, 23), config: '{"a":1}', version: 'test', modelHashes: ['ab'], pid: 1, snapshotMs: 1000 };
const alert = (i: number): ReturnType<typeof alertRow> =>
  alertRow({ tsMs: Date.UTC(2023, 11, 25, 23, 0, i), rule: 'journal-lag', state: 'raised', severity: 'warning', message: `alert ${i}`, value: i, symbol: null });

describe('JournalWriter', () => {
  test('a durable row is committed before whenDurable runs; ordinary rows follow at the flush; stats count them', async () => {
    const path = join(await tempDir(), 'j.duckdb');
    const w = await JournalWriter.open(path, session, { flushMs: 20 }, log);
    expect([w.sessionId, w.lost]).toEqual([1, []]);
    w.add('alerts', alert(1));
    w.addDurable('alerts', alert(2));
    let ran = false;
    const durable = new Promise<void>((resolve) => w.whenDurable(() => {
      ran = true;
      resolve();
    }));
    // Never in the same turn: the rows have not left the engine's thread yet.
    expect(ran).toBe(false);
    await durable;
    expect(w.stats()).toMatchObject({ state: 'open', rowsWritten: 2, queueDepth: 0, rowsDropped: 0, riskHeld: 1, writeErrors: 0 });
    // Nothing durable outstanding: runs at once.
    let now = false;
    w.whenDurable(() => (now = true));
    expect(now).toBe(true);
    for (let i = 3; i <= 10; i++) w.add('alerts', alert(i));
    await w.close({ done: true });
    expect(w.stats()).toMatchObject({ state: 'closed', rowsWritten: 10 });
    expect(await rows(path, 'SELECT session_id, count(*) AS n, min(value) AS lo, max(value) AS hi FROM alerts GROUP BY ALL'))
      .toEqual([{ session_id: 1, n: 10, lo: 1, hi: 10 }]);
    expect(await rows(path, 'SELECT command, clean_stop, config::VARCHAR AS config, model_hashes, summary::VARCHAR AS summary FROM sessions'))
      .toEqual([{ command: 'serve', clean_stop: true, config: '{"a":1}', model_hashes: ['ab'], summary: '{"done":true}' }]);
  });

  test('past the queue bound ordinary rows are dropped and counted; durable rows never are', async () => {
    const path = join(await tempDir(), 'j.duckdb');
    const w = await JournalWriter.open(path, session, { flushMs: 60_000, maxQueueRows: 3 }, log);
    for (let i = 1; i <= 5; i++) w.add('alerts', alert(i));
    w.addDurable('alerts', alert(6));
    expect(w.stats()).toMatchObject({ queueDepth: 4, rowsDropped: 2 });
    await w.close();
    expect((await rows(path, 'SELECT count(*) AS n FROM alerts'))[0]!.n).toBe(4);
  });

  test('a reopened journal continues with a new session; a file that is not a journal, or a folder, is MIA_ERR_JOURNAL_OPEN', async () => {
    const dir = await tempDir();
    const path = join(dir, 'j.duckdb');
    await (await JournalWriter.open(path, session, {}, log)).close();
    const again = await JournalWriter.open(path, session, {}, log);
    expect([again.sessionId, again.lost]).toEqual([2, []]);
    await again.close();
    const junk = join(dir, 'junk.duckdb');
    await writeFile(junk, 'not a database, not at all'.repeat(200));
    await expect(JournalWriter.open(junk, session, {}, log)).rejects.toMatchObject({ code: 'MIA_ERR_JOURNAL_OPEN' });
    await mkdir(join(dir, 'folder'));
    await expect(JournalWriter.open(join(dir, 'folder'), session, {}, log)).rejects.toMatchObject({ code: 'MIA_ERR_JOURNAL_OPEN' });
  });
});
