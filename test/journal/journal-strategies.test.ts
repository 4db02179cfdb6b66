// The journal's strategy columns: `mia backtest --strategies --journal` on the real ESH4 trades (Databento,
// ../shared/data) writes each decision's, order's, fill's and trade's strategy, and the trades grouped by it give
// the backtest's per-strategy breakdown; a journal written before the columns existed gains them when opened.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { pino } from 'pino';
import { afterAll, describe, expect, test } from 'vitest';
import { fillRow } from '../../src/journal/journal-rows.js';
import { JournalWriter } from '../../src/journal/journal-writer.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';
import { mia, rows } from './journal-harness.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'mia-journal-strat-'));
  dirs.push(d);
  return d;
}

describe.skipIf(!HAVE_DATA)('journal strategy columns on the ESH4 trades (Databento)', () => {
  test('trades grouped by strategy_id are the backtest\'s metricsByStrategy; orders and fills name the trade\'s strategy', async () => {
    const dir = await tempDir();
    const journal = join(dir, 'j.duckdb');
    const run = await mia(['backtest', '--input', dataFile('cme-esh4-mbo/esh4_20231225_trades.csv'), '--out', join(dir, 'bt'), '--no-progress',
      '--journal', journal, '--strategies', 'all', '--trading-hours', '18:00-17:00',
      '--stop-ticks', '2', '--target-ticks', '3', '--long-threshold', '0.1', '--short-threshold', '-0.1', '--min-confidence', '0.5']);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(await readFile(join(dir, 'bt', 'metrics.json'), 'utf8')) as { metricsByStrategy: Record<string, { trades: number; netProfit: number }> };
    const grouped = await rows(journal, 'SELECT strategy_id, count(*)::INTEGER AS trades, round(sum(pnl_usd), 2) AS net FROM trades GROUP BY ALL ORDER BY strategy_id');
    expect(grouped.length).toBeGreaterThan(0);
    expect(grouped).toEqual(Object.entries(doc.metricsByStrategy).map(([id, m]) => ({ strategy_id: id, trades: m.trades, net: m.netProfit })));
    // Every decision names its strategy; none is `signal` (strategies are on).
    expect(await rows(journal, "SELECT count(*)::INTEGER AS n FROM decisions WHERE strategy_id IS NULL OR strategy_id = 'signal'")).toEqual([{ n: 0 }]);
    // A bracket's orders carry the trade id/strategy tag, and strategy_id is the tag's strategy.
    expect(await rows(journal, "SELECT count(*)::INTEGER AS n FROM orders WHERE tag <> 'liquidate' AND strategy_id IS DISTINCT FROM split_part(tag, '/', 2)"))
      .toEqual([{ n: 0 }]);
    const tradeStrategy = await rows(journal, `SELECT count(*)::INTEGER AS n FROM fills f JOIN trades t ON split_part(f.tag, '/', 1) = t.trade_id::VARCHAR
      WHERE f.strategy_id IS DISTINCT FROM t.strategy_id`);
    expect(tradeStrategy).toEqual([{ n: 0 }]);
  }, 60_000);
});

describe('journal schema additions', () => {
  test('a journal without the strategy columns gains them at open; its old rows read NULL there', async () => {
    const path = join(await tempDir(), 'old.duckdb');
    const log = pino({ level: 'silent' });
    const session = { command: 'backtest' as const, startedMs: Date.UTC(2023, 11, 25, 23), config: '{}', version: 'test', modelHashes: [], pid: 1, snapshotMs: 0 };
    const fill = { orderId: 1, symbol: 'ES', side: 'buy' as const, qty: 1, price: 4800, tsNs: 1_703_545_200_000_000_000n, commissionUsd: 0 };
    // An older engine's journal: fills without strategy_id, one row in it.
    const first = await JournalWriter.open(path, session, {}, log);
    await first.close(null);
    const db = await DuckDBInstance.create(path);
    const conn = await db.connect();
    await conn.run('ALTER TABLE fills DROP COLUMN strategy_id');
    await conn.run("INSERT INTO fills VALUES (1, 1, make_timestamp_ns(1703545200000000000), 'ES', 'buy', 1, 4800, 0, 1, '1')");
    conn.closeSync();
    db.closeSync();

    const w = await JournalWriter.open(path, session, {}, log);
    w.addDurable('fills', fillRow({ ...fill, orderId: 2 }, 1, '2/trend'));
    await w.close(null);
    expect(await rows(path, 'SELECT order_id::INTEGER AS id, tag, strategy_id FROM fills ORDER BY order_id'))
      .toEqual([{ id: 1, tag: '1', strategy_id: null }, { id: 2, tag: '2/trend', strategy_id: 'trend' }]);
  });
});
