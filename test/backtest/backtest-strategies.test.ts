// `mia backtest --strategies` over the real ESH4 trades (Databento, ../shared/data): every trade names the
// strategy that opened it, metrics.json breaks the results down per strategy, and the breakdown adds up to the
// totals. The file is the Globex open of 25 December 2023, 18:00–19:00 New York time.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, test } from 'vitest';
import { backtestCommand } from '../../src/cli/backtest-command.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

interface Metrics { trades: number; wins: number; losses: number; netProfit: number; grossProfit: number; grossLoss: number }
interface MetricsDoc {
  metrics: Metrics;
  metricsByStrategy: Record<string, Metrics>;
  settings: { strategies: { enabled: string[]; tradingHours: string } };
}

/** Runs `mia backtest ARGS` in process; returns metrics.json and the trades as rows keyed by column. */
async function backtest(args: string[]): Promise<{ doc: MetricsDoc; rows: Array<Record<string, string>> }> {
  const out = await mkdtemp(join(tmpdir(), 'mia-backtest-strat-'));
  dirs.push(out);
  const program = new Command('mia').exitOverride();
  backtestCommand(program);
  await program.parseAsync(['node', 'mia', 'backtest', ...args, '--out', out, '--no-progress']);
  const doc = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8')) as MetricsDoc;
  const csv = (await readFile(join(out, 'trades.csv'), 'utf8')).trim().split('\n');
  const header = csv[0]!.split(',');
  return { doc, rows: csv.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i]!, v]))) };
}

/** The per-strategy counts and sums added up (sums in cents: each is rounded to cents in the file). */
function expectAddsUp(doc: MetricsDoc): void {
  const parts = Object.values(doc.metricsByStrategy);
  for (const k of ['trades', 'wins', 'losses'] as const) expect(parts.reduce((a, m) => a + m[k], 0), k).toBe(doc.metrics[k]);
  for (const k of ['netProfit', 'grossProfit', 'grossLoss'] as const) {
    // Each part and the total are rounded to cents separately: the sum may differ by half a cent per part.
    expect(Math.abs(parts.reduce((a, m) => a + m[k], 0) - doc.metrics[k]), k).toBeLessThanOrEqual(0.005 * parts.length + 1e-9);
  }
}

describe.skipIf(!HAVE_DATA)('mia backtest --strategies on the ESH4 trades (Databento)', () => {
  const input = dataFile('cme-esh4-mbo/esh4_20231225_trades.csv');
  // The small bracket and low thresholds of test/backtest/backtest-real-data.test.ts: a quiet hour still trades.
  const args = ['--input', input, '--stop-ticks', '2', '--target-ticks', '3', '--long-threshold', '0.1', '--short-threshold', '-0.1',
    '--min-confidence', '0.5', '--latency-us', '500', '--slippage-ticks', '1', '--commission', '2.25'];

  test('every strategy, the Globex day as the window: trades name their strategy; the breakdown adds up to the totals', async () => {
    const { doc, rows } = await backtest([...args, '--strategies', 'all', '--trading-hours', '18:00-17:00']);
    expect(doc.settings.strategies).toEqual({ enabled: ['trend', 'range', 'defensive'], tradingHours: '18:00-17:00' });
    expect(rows.length).toBeGreaterThan(0);
    expect(doc.metrics.trades).toBe(rows.length);
    const byId: Record<string, number> = {};
    for (const r of rows) {
      expect(['trend', 'range', 'defensive']).toContain(r.strategy_id);
      // The reason is one of that strategy's entry rules (docs/signals.md), and the side is the strategy's.
      expect(r.strategy_reason!.startsWith(`${r.strategy_id}-`)).toBe(true);
      byId[r.strategy_id!] = (byId[r.strategy_id!] ?? 0) + 1;
    }
    expect(Object.fromEntries(Object.entries(doc.metricsByStrategy).map(([id, m]) => [id, m.trades]))).toEqual(byId);
    expectAddsUp(doc);
  });

  test('the default window 09:00-16:00 New York holds none of an 18:00-19:00 file: no trade', async () => {
    const { doc, rows } = await backtest([...args, '--strategies', 'all']);
    expect(doc.settings.strategies.tradingHours).toBe('09:00-16:00');
    expect(rows).toEqual([]);
    expect(doc.metricsByStrategy).toEqual({});
  });

  test('strategies off (the default): every trade is the signal\'s, the one group is the totals', async () => {
    const { doc, rows } = await backtest(args);
    expect(doc.settings.strategies).toEqual({ enabled: [], tradingHours: 'off' });
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.strategy_id).toBe('signal');
      expect(r.signal_direction).toBe(r.side);
    }
    expect(Object.keys(doc.metricsByStrategy)).toEqual(['signal']);
    expectAddsUp(doc);
  });
});
