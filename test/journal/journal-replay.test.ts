// The journal of a paper-trading replay of the real ESH4 hour (Databento DBN, through MIA_DATA_DIR): `mia serve
// --trading paper --journal J` then `mia backtest --journal J` on the same file with the same settings (serve at bar
// closes only with inline kernels, as a backtest: the same decisions on the same trades). The two sessions of J hold
// the same trades, decisions, 1m bars and snapshots, and the backtest's own trades.csv and metrics.json agree with
// them; `mia journal export` round-trips (Parquet read back by DuckDB equals the table), `query` is read-only.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { computeMetrics } from '../../src/backtest/backtest-metrics.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';
import { logLines, mia, rows, type MiaRun } from './journal-harness.js';

const file = dataFile('cme-esh4-mbo/esh4-glbx-mdp3-20231225.mbo.dbn.zst');
// A quiet holiday hour: brackets of 2 and 3 ticks and lower signal thresholds (test/backtest), so trades happen.
const settings = ['--stop-ticks', '2', '--target-ticks', '3', '--long-threshold', '0.1', '--short-threshold', '-0.1', '--min-confidence', '0.5'];

let dir = '';
let journal = '';
let served: MiaRun;
let tested: MiaRun;

beforeAll(async () => {
  if (!HAVE_DATA) return;
  dir = await mkdtemp(join(tmpdir(), 'mia-journal-'));
  journal = join(dir, 'j.duckdb');
  served = await mia(['serve', '--port', '0', '--source', 'replay', '--input', file, '--speed', 'max', '--exit-on-end', '--trading', 'paper',
    '--kernels', 'inline', '--interval-ms', '1e12', '--stale-ms', '1e12', '--log-format', 'json', ...settings, '--journal', journal]);
  tested = await mia(['backtest', '--input', file, '--out', join(dir, 'bt'), '--no-progress', ...settings, '--journal', journal]);
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const TRADE_COLUMNS = 'trade_id, symbol, side, qty, entry_ts, entry_price, exit_ts, exit_price, exit_reason, pnl_usd, stop_price, target_price, ' +
  'tick_size, score, confidence, ml_mean, confluence_score, d_1m, d_5m, d_15m, d_1h, d_4h, p_trend_up, p_trend_down, p_range, p_vol_low, p_vol_normal, p_vol_high';

describe.skipIf(!HAVE_DATA)('the journal of a paper replay of the ESH4 hour (Databento)', () => {
  test('mia serve and mia backtest each end a session cleanly; the sessions hold the same trades, decisions, bars and snapshots', async () => {
    expect(served.code, served.stderr).toBe(0);
    expect(tested.code, tested.stderr).toBe(0);
    const sessions = await rows(journal, 'SELECT session_id, command, stopped_at IS NOT NULL AS stopped, clean_stop, version, previous_lost FROM sessions ORDER BY session_id');
    expect(sessions).toEqual([
      { session_id: 1, command: 'serve', stopped: true, clean_stop: true, version: expect.any(String), previous_lost: null },
      { session_id: 2, command: 'backtest', stopped: true, clean_stop: true, version: expect.any(String), previous_lost: null },
    ]);
    const trades = (s: number): Promise<Record<string, unknown>[]> => rows(journal, `SELECT ${TRADE_COLUMNS} FROM trades WHERE session_id = ${s} ORDER BY trade_id`);
    const [a, b] = [await trades(1), await trades(2)];
    expect(a.length).toBeGreaterThan(2);
    expect(a).toEqual(b);
    for (const t of a) {
      // 2-tick stop and 3-tick target around the entry reference (ES tick 0.25); the exit is one of them or the end.
      expect(t).toMatchObject({ symbol: 'ES', tick_size: 0.25 });
      expect(['stop', 'target', 'end']).toContain(t.exit_reason);
      expect(Math.abs((t.target_price as number) - (t.stop_price as number))).toBeCloseTo(1.25, 9);
    }
    // Every table but sessions, row for row (session_id aside): the same engine output journaled by both runs.
    for (const table of ['decisions', 'bars', 'snapshots', 'fills', 'orders']) {
      const count = await rows(journal, `SELECT count(*) FILTER (session_id = 1) AS a, count(*) FILTER (session_id = 2) AS b FROM ${table}`);
      expect(count[0]!.a, table).toBeGreaterThan(0);
      const diff = await rows(journal, `SELECT count(*) AS n FROM ((SELECT * EXCLUDE (session_id) FROM ${table} WHERE session_id = 1)
        EXCEPT ALL (SELECT * EXCLUDE (session_id) FROM ${table} WHERE session_id = 2))`);
      expect({ table, ...count[0], diff: diff[0]!.n }).toEqual({ table, a: count[0]!.b, b: count[0]!.b, diff: 0 });
    }
    // Nothing dropped: a decision row per decision the serve pipeline counted, a 1m bar per minute of the file.
    const summary = JSON.parse((await rows(journal, 'SELECT summary::VARCHAR AS s FROM sessions WHERE session_id = 1'))[0]!.s as string) as { decisions: { decisions: number } };
    expect((await rows(journal, 'SELECT count(*) AS n FROM decisions WHERE session_id = 1'))[0]!.n).toBe(summary.decisions.decisions);
    const bars = await rows(journal, "SELECT count(*) AS n, count(DISTINCT ts) AS d, min(len(level_price)) AS levels FROM bars WHERE session_id = 1 AND timeframe = '1m'");
    expect(bars[0]!.n).toBe(bars[0]!.d);
    expect(bars[0]!.levels).toBeGreaterThan(0);
    // Snapshots sampled every --journal-snapshot-ms (1000) of market time: never two within a second.
    const gaps = await rows(journal, `SELECT count(*) AS n, min(gap) AS shortest FROM (SELECT epoch_ms(ts) - lag(epoch_ms(ts)) OVER (ORDER BY ts) AS gap
      FROM snapshots WHERE session_id = 1) WHERE gap IS NOT NULL`);
    expect(gaps[0]!.n).toBeGreaterThan(10);
    expect(gaps[0]!.shortest).toBeGreaterThanOrEqual(1000);
  });

  test('the journaled trades give the backtest\'s trades.csv and metrics.json', async () => {
    const metrics = JSON.parse(await readFile(join(dir, 'bt', 'metrics.json'), 'utf8')) as { metrics: Record<string, number | null> };
    const csv = (await readFile(join(dir, 'bt', 'trades.csv'), 'utf8')).trim().split('\n');
    const header = csv[0]!.split(',');
    const fromCsv = csv.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i]!, v])));
    const journaled = await rows(journal, 'SELECT trade_id, side, entry_price, exit_price, qty, pnl_usd, exit_reason FROM trades WHERE session_id = 1 ORDER BY trade_id');
    expect(journaled.map((t) => [t.trade_id, t.side, (t.entry_price as number).toFixed(4), (t.exit_price as number).toFixed(4), t.qty, (t.pnl_usd as number).toFixed(2), t.exit_reason]))
      .toEqual(fromCsv.map((r) => [Number(r.trade_id), r.side, r.entry_price, r.exit_price, Number(r.qty), r.profit, r.exit_reason]));
    // The metrics of metrics.json recomputed from the serve session's journal (the Sharpe ratio needs the run's days: left out).
    const m = computeMetrics(journaled.map((t) => ({ profit: t.pnl_usd as number, exitDay: 0 })), 25_000, []);
    const cents = (x: number): number => Math.round(x * 100) / 100;
    const six = (x: number | null): number | null => (x === null ? null : Math.round(x * 1e6) / 1e6);
    expect({
      trades: m.trades, wins: m.wins, losses: m.losses, winRate: six(m.winRate), netProfit: cents(m.netProfit), grossProfit: cents(m.grossProfit),
      grossLoss: cents(m.grossLoss), profitFactor: six(m.profitFactor), maxDrawdown: cents(m.maxDrawdown),
    }).toEqual({
      trades: metrics.metrics.trades, wins: metrics.metrics.wins, losses: metrics.metrics.losses, winRate: metrics.metrics.winRate,
      netProfit: metrics.metrics.netProfit, grossProfit: metrics.metrics.grossProfit, grossLoss: metrics.metrics.grossLoss,
      profitFactor: metrics.metrics.profitFactor, maxDrawdown: metrics.metrics.maxDrawdown,
    });
    // The serve log's paper result is the same P&L.
    const result = logLines(served.stderr).find((l) => 'roundTrips' in l) as { totalUsd: number; roundTrips: number };
    expect(result).toMatchObject({ totalUsd: metrics.metrics.netProfit, roundTrips: metrics.metrics.trades });
  });

  test('export round-trips: Parquet read back with DuckDB equals the table; CSV and JSON hold every row; --from/--to select by time', async () => {
    for (const table of ['trades', 'decisions', 'bars', 'snapshots', 'alerts']) {
      const out = join(dir, `${table}.parquet`);
      const r = await mia(['journal', 'export', '--journal', journal, '--table', table, '--format', 'parquet', '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      const q = (x: string): string => `'${x.replace(/'/g, "''")}'`;
      const both = await rows(journal, `SELECT (SELECT count(*) FROM ${table}) AS n, (SELECT count(*) FROM read_parquet(${q(out)})) AS p,
        (SELECT count(*) FROM (FROM ${table} EXCEPT ALL FROM read_parquet(${q(out)}))) AS missing,
        (SELECT count(*) FROM (FROM read_parquet(${q(out)}) EXCEPT ALL FROM ${table})) AS extra`);
      expect({ table, ...both[0] }).toEqual({ table, n: both[0]!.p, p: both[0]!.n, missing: 0, extra: 0 });
      if (table !== 'alerts') expect(both[0]!.n, table).toBeGreaterThan(0);
    }
    const n = (await rows(journal, 'SELECT count(*) AS n FROM trades'))[0]!.n as number;
    for (const format of ['csv', 'json']) {
      const out = join(dir, `trades.${format}`);
      expect((await mia(['journal', 'export', '--journal', journal, '--table', 'trades', '--format', format, '--out', out])).code).toBe(0);
      const lines = (await readFile(out, 'utf8')).trim().split('\n');
      expect(lines.length, format).toBe(format === 'csv' ? n + 1 : n);
    }
    // --from/--to on the exit time: the trades that closed in the hour's second half.
    const out = join(dir, 'late.json');
    expect((await mia(['journal', 'export', '--journal', journal, '--table', 'trades', '--format', 'json', '--from', '2023-12-25T23:30:00Z', '--to', '2023-12-26T01:00:00Z', '--out', out])).code).toBe(0);
    const late = (await rows(journal, "SELECT count(*) AS n FROM trades WHERE exit_ts >= TIMESTAMP_NS '2023-12-25 23:30:00' AND exit_ts < TIMESTAMP_NS '2023-12-26 01:00:00'"))[0]!.n as number;
    expect(late).toBeGreaterThan(0);
    expect(late).toBeLessThan(n);
    expect((await readFile(out, 'utf8')).trim().split('\n')).toHaveLength(late);
  });

  test('the README\'s commands as written: export --table trades --format parquet writes trades.parquet in the current folder; a missing --table names it', async () => {
    const here = await mkdtemp(join(dir, 'cwd-'));
    const r = await mia(['journal', 'export', '--journal', journal, '--table', 'trades', '--format', 'parquet'], here);
    expect(r.code, r.stderr).toBe(0);
    const n = (await rows(journal, 'SELECT count(*) AS n FROM trades'))[0]!.n as number;
    const back = await rows(journal, `SELECT count(*) AS n FROM read_parquet('${join(here, 'trades.parquet').replace(/'/g, "''")}')`);
    expect(back[0]!.n).toBe(n);
    // A subcommand's missing required option is that error, not an "unknown option" of its group.
    const missing = await mia(['journal', 'export', '--journal', journal, '--format', 'csv'], here);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('mia: required option "--table <name>" not specified (MIA_ERR_BAD_ARGUMENT)');
  });

  test('query prints rows and is read-only; a bad table, bad SQL or a missing journal is a coded error', async () => {
    const r = await mia(['journal', 'query', '--journal', journal, '--format', 'json', 'SELECT session_id, count(*) AS trades FROM trades GROUP BY ALL ORDER BY 1']);
    expect(r.code, r.stderr).toBe(0);
    const got = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { session_id: number; trades: string }).map((g) => ({ ...g, trades: Number(g.trades) }));
    expect(got.map((g) => g.session_id)).toEqual([1, 2]);
    expect(got[0]!.trades).toBe(got[1]!.trades);
    const write = await mia(['journal', 'query', '--journal', journal, 'DELETE FROM trades']);
    expect(write.code).toBe(1);
    expect(write.stderr).toMatch(/\(MIA_ERR_JOURNAL_QUERY\)/);
    expect((await rows(journal, 'SELECT count(*) AS n FROM trades'))[0]!.n).toBe(got[0]!.trades * 2);
    const table = await mia(['journal', 'export', '--journal', journal, '--table', 'nope', '--out', join(dir, 'x')]);
    expect(table.code).toBe(1);
    expect(table.stderr).toMatch(/--table .*\(MIA_ERR_BAD_ARGUMENT\)/);
    const missing = await mia(['journal', 'query', '--journal', join(dir, 'absent.duckdb'), 'SELECT 1']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/\(MIA_ERR_JOURNAL_OPEN\)/);
  });
});
