// `mia report` on the hand-built journal of hand-journal.ts, whose lessons are known: each lesson fires with
// its evidence, a clean day yields none, the trade-date and ISO-week boundaries fall where the CME trade date
// puts them, and a journal that cannot be read is a coded error.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { computeMetrics } from '../../src/backtest/backtest-metrics.js';
import { main } from '../../src/cli/main.js';
import { ErrorCode } from '../../src/common/errors.js';
import { parseIsoDay } from '../../src/model/calendar/civil-day.js';
import { tradeDate } from '../../src/model/calendar/us-eastern-time.js';
import { nsToMs } from '../../src/model/time.js';
import { readJournal } from '../../src/report/journal-reader.js';
import { buildReport } from '../../src/report/mentor-report.js';
import type { ReportPeriod } from '../../src/report/report-input.js';
import { datePeriod, weekPeriod } from '../../src/report/report-period.js';
import { HAND_TRADES, handJournal } from './hand-journal.js';
import { writeJournal } from './journal-fixture.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;
let journal: string;
let noBars: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mia-report-'));
  journal = join(dir, 'journal.duckdb');
  noBars = join(dir, 'old-journal.duckdb');
  await writeJournal(journal, handJournal(true));
  await writeJournal(noBars, handJournal(false));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const day = (d: string): ReportPeriod => datePeriod(d)!;
const ids = (trades: readonly { sessionId: number; tradeId: number }[]): string[] => trades.map((t) => `S${t.sessionId}-T${t.tradeId}`);

describe('lessons of the hand-built journal', () => {
  test('trade date 2026-06-17: every known lesson, with its trades and numbers, in rule order', async () => {
    const input = await readJournal(journal, day('2026-06-17'));
    expect(ids(input.trades)).toEqual(['S1-T1', 'S1-T2', 'S1-T3', 'S1-T4', 'S1-T5', 'S1-T6', 'S1-T7', 'S1-T8']);
    const { lessons, penalties, notes } = buildReport(input).lessons;
    expect(lessons.map((l) => [l.rule, l.trades])).toEqual([
      ['loss-concentration', ['S1-T3', 'S1-T4', 'S1-T5']],
      ['loss-concentration', ['S1-T3', 'S1-T4', 'S1-T5']],
      ['loss-concentration', ['S1-T3', 'S1-T4', 'S1-T5']],
      ['against-higher-timeframe', ['S1-T3']],
      ['ml-near-threshold', ['S1-T3', 'S1-T7']],
      ['loss-streak', ['S1-T3', 'S1-T4', 'S1-T5']],
      ['stopped-near-target', ['S1-T4']],
      ['overtrading', ['S1-T1', 'S1-T2', 'S1-T3', 'S1-T4', 'S1-T5']],
    ]);
    expect(lessons[0]!.numbers).toEqual({ dimension: 'market regime', group: 'range', groupTrades: 3, groupLosses: 3, groupLossUsd: 300,
      periodLossUsd: 300, lossShare: 1, tradeShare: 3 / 8, groupWinRate: 0, groupNetUsd: -300 });
    expect(lessons[1]!.numbers).toMatchObject({ dimension: 'volatility regime', group: 'high', lossShare: 1, tradeShare: 3 / 8 });
    expect(lessons[2]!.numbers).toMatchObject({ dimension: 'entry hour (New York)', group: '10:00', groupTrades: 5, lossShare: 1, tradeShare: 5 / 8,
      groupWinRate: 0.4, groupNetUsd: 100 });
    expect(lessons[3]!.numbers).toEqual({ entries: 1, against1h: 1, against4h: 0, winRate: 0, netUsd: -100, otherWinRate: 5 / 7, otherNetUsd: 800 });
    expect(lessons[4]!.numbers).toEqual({ entries: 2, threshold: 0.6, band: 0.05, mlMeans: '0.620 0.650', winRate: 0.5, netUsd: 100 });
    expect(lessons[5]!.numbers).toEqual({ losses: 3, netUsd: -300, firstEntry: '2026-06-17T14:25:30.000Z', lastExit: '2026-06-17T14:58:10.000Z' });
    expect(lessons[6]!.numbers).toEqual({ stoppedShort: 1, netUsd: -100, closest: 'S1-T4 target 5004 best 5003.75 (1 tick)' });
    expect(lessons[7]!.numbers).toEqual({ hour: '2026-06-17 10:00 ET', entries: 5, limit: 4, penaltyPoints: 1, excessNetUsd: -100, hourNetUsd: 100 });
    expect(penalties).toEqual([{ rule: 'overtrading', trade: 'S1-T5', hour: '2026-06-17 10:00 ET', points: 1 }]);
    expect(notes).toEqual([]);
  });

  test('trade date 2026-06-18, a clean day: no lesson, no penalty, nothing unchecked', async () => {
    const input = await readJournal(journal, day('2026-06-18'));
    expect(ids(input.trades)).toEqual(['S1-T9', 'S2-T10']);
    const r = buildReport(input);
    expect(r.lessons).toEqual({ lessons: [], penalties: [], notes: [] });
    expect(r.markdown).toContain('No rule fired');
  });

  test('without a bars table the near-target rule says it could not check, and nothing else changes', async () => {
    const withBars = buildReport(await readJournal(journal, day('2026-06-17'))).lessons;
    const without = buildReport(await readJournal(noBars, day('2026-06-17'))).lessons;
    expect(without.notes).toEqual(['stopped-near-target: not checked for 3 stopped trades: the journal has no bars table']);
    expect(without.lessons).toEqual(withBars.lessons.filter((l) => l.rule !== 'stopped-near-target'));
    expect(buildReport(await readJournal(noBars, day('2026-06-17'))).markdown).toContain('Not checked: stopped-near-target');
  });

  test('--ml-threshold moves the near-threshold band', async () => {
    const input = await readJournal(journal, day('2026-06-17'));
    const near = buildReport(input, { mlThreshold: 0.8 }).lessons.lessons.find((l) => l.rule === 'ml-near-threshold');
    // Within 0.05 of 0.8: T1 0.75, T2 0.80 and T5 0.85 (both edges inside); T4's 0.90 is not.
    expect(near?.trades).toEqual(['S1-T1', 'S1-T2', 'S1-T5']);
  });
});

describe('period selection (CME trade date of the exit)', () => {
  test('an exit at 17:59 New York is that date; an entry at 18:10 belongs to the next date', async () => {
    const d17 = await readJournal(journal, day('2026-06-17'));
    const d18 = await readJournal(journal, day('2026-06-18'));
    expect(ids(d17.trades)).toContain('S1-T8');
    expect(ids(d18.trades)).toContain('S1-T9');
    for (const t of d17.trades) expect(tradeDate(nsToMs(t.exitNs))).toBe(parseIsoDay('2026-06-17'));
    for (const t of d18.trades) expect(tradeDate(nsToMs(t.exitNs))).toBe(parseIsoDay('2026-06-18'));
  });

  test('ISO week 2026-W25: the Sunday 18:00 session opens Monday\'s date; the next Sunday\'s belongs to week 26', async () => {
    const w = await readJournal(journal, weekPeriod('2026-W25')!);
    expect(ids(w.trades)).toEqual(['S1-T11', 'S1-T1', 'S1-T2', 'S1-T3', 'S1-T4', 'S1-T5', 'S1-T6', 'S1-T7', 'S1-T8', 'S1-T9', 'S2-T10']);
    expect(ids((await readJournal(journal, weekPeriod('2026-W24')!)).trades)).toEqual(['S1-T0']);
    expect(ids((await readJournal(journal, weekPeriod('2026-W26')!)).trades)).toEqual(['S3-T12']);
    expect(w.sessions.map((s) => s.sessionId)).toEqual([1, 2]);
  });

  test('the week\'s metrics are backtest-metrics over its business trade dates from the first decision to the last exit', async () => {
    const r = buildReport(await readJournal(journal, weekPeriod('2026-W25')!));
    const week = HAND_TRADES.filter((t) => [11, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].includes(t.tradeId));
    const days = ['2026-06-15', '2026-06-16', '2026-06-17', '2026-06-18'].map(parseIsoDay);
    expect(r.balance).toBe(50_000);
    expect(r.performance.sharpeDays).toEqual(days);
    expect(r.performance.overall).toEqual(computeMetrics(week.map((t) => ({ profit: t.pnlUsd, exitDay: tradeDate(nsToMs(t.exitNs)) })), 50_000, days));
    expect(r.performance.overall.sharpe).not.toBeNull();
  });

  test('a day without trades is a report saying so, naming the journal\'s trade dates', async () => {
    const r = buildReport(await readJournal(journal, day('2026-06-16')));
    expect(r.performance.overall.trades).toBe(0);
    expect(r.markdown).toContain('No trade closed on this trade date. Trade dates with trades in this journal: 2026-06-14, 2026-06-15, 2026-06-17, 2026-06-18, 2026-06-22.');
    expect(r.svg).toContain('no trades in this period');
  });
});

describe('a journal that cannot be read', () => {
  test('no file: JOURNAL_UNREADABLE, and no database is created', async () => {
    const missing = join(dir, 'nope.duckdb');
    await expect(readJournal(missing, day('2026-06-17'))).rejects.toMatchObject({ code: ErrorCode.JOURNAL_UNREADABLE });
    await expect(readFile(missing)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test('not a DuckDB file, or no trades table: JOURNAL_UNREADABLE naming why', async () => {
    const text = join(dir, 'text.duckdb');
    await writeFile(text, 'not a database\n');
    await expect(readJournal(text, day('2026-06-17'))).rejects.toMatchObject({ code: ErrorCode.JOURNAL_UNREADABLE });
    const partial = join(dir, 'partial.duckdb');
    await writeJournal(partial, { ...handJournal(), trades: [] });
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(partial);
    const c = await db.connect();
    await c.run('DROP TABLE trades');
    c.closeSync();
    db.closeSync();
    await expect(readJournal(partial, day('2026-06-17'))).rejects.toMatchObject({
      code: ErrorCode.JOURNAL_UNREADABLE, message: expect.stringContaining('no "trades" table'),
    });
  });
});

describe('a journal another process holds open for writing (a running mia serve)', () => {
  test('JOURNAL_UNREADABLE saying so, not a crash', async () => {
    const held = join(dir, 'held.duckdb');
    await writeJournal(held, handJournal());
    // A child process opens the journal read-write (DuckDB then locks the file) and keeps it until its stdin closes.
    const holder = spawn(process.execPath, ['-e', `const { DuckDBInstance } = require('@duckdb/node-api');
      DuckDBInstance.create(${JSON.stringify(held)}).then(async (db) => { await db.connect(); process.stdout.write('open\\n');
        process.stdin.on('end', () => { db.closeSync(); process.exit(0); }); process.stdin.resume(); });`], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.once('data', () => resolve());
        holder.once('exit', (code) => reject(new Error(`the holder exited with ${code}`)));
      });
      await expect(readJournal(held, day('2026-06-17'))).rejects.toMatchObject({
        code: ErrorCode.JOURNAL_UNREADABLE, message: expect.stringContaining('a running mia serve holds the journal'),
      });
    } finally {
      holder.stdin.end();
      await new Promise((resolve) => holder.once('exit', resolve));
    }
  });
});

describe('mia report (the command)', () => {
  test('writes report.md and equity.svg; a second run writes the same bytes', async () => {
    const outs = [join(dir, 'out-a'), join(dir, 'out-b')];
    for (const out of outs) expect(await main(['node', 'mia', 'report', '--date', '2026-06-17', '--journal', journal, '--out', out])).toBe(0);
    for (const f of ['report.md', 'equity.svg']) {
      expect(Buffer.compare(await readFile(join(outs[0]!, f)), await readFile(join(outs[1]!, f))), f).toBe(0);
    }
    const md = await readFile(join(outs[0]!, 'report.md'), 'utf8');
    expect(md).toContain('# MIA report: trade date 2026-06-17');
    expect(md).toContain('### 8. overtrading');
  });

  test.each([[['--date', '2026-02-30']], [['--date', '17/06/2026']], [['--week', '2025-W53']], [['--week', '2026-25']]])(
    '%j is an invalid option value: exit 1 (MIA_ERR_BAD_ARGUMENT)', async (args) => {
      expect(await main(['node', 'mia', 'report', ...args, '--journal', journal, '--out', join(dir, 'out-bad')])).toBe(1);
    });

  test.each([[['--date', '2026-06-17', '--week', '2026-W25']], [[]]])('%j is a usage error: exit 2', async (args) => {
    expect(await main(['node', 'mia', 'report', ...args, '--journal', journal, '--out', join(dir, 'out-bad')])).toBe(2);
  });

  test('a missing journal: exit 1 with the code', async () => {
    expect(await main(['node', 'mia', 'report', '--date', '2026-06-17', '--journal', join(dir, 'missing.duckdb'), '--out', join(dir, 'out-missing')])).toBe(1);
  });
});
