// For a backtest's journal the report's numbers are metrics.json's: `mia backtest`'s trades on the real ESH4
// hour (Databento, ../shared/data), journaled as issue 13's contract lays them out (net profit as pnl_usd, the
// first decision and the last trade of the run as decisions), read back by `mia report`'s reader.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runBacktest, type BacktestResult } from '../../src/backtest/backtest-runner.js';
import { DEFAULT_BATTLE_NAVALE_CONFIG } from '../../src/signals/battle-navale.js';
import type { TradeRecord } from '../../src/execution/signal-trader.js';
import { readJournal } from '../../src/report/journal-reader.js';
import { buildReport } from '../../src/report/mentor-report.js';
import type { ReportTrade } from '../../src/report/report-input.js';
import { datePeriod } from '../../src/report/report-period.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';
import { writeJournal } from './journal-fixture.js';

let dir: string;
let result: BacktestResult;
let journal: string;

/** A backtest trade as the journal's trades row (stop and target are not in TradeRecord: the entry price stands in). */
function journalTrade(t: TradeRecord): ReportTrade {
  const d = t.decision;
  const tf = d.regime.timeframes;
  return {
    sessionId: 1, tradeId: t.tradeId, symbol: t.trip.symbol, side: t.trip.side, qty: t.trip.qty, entryNs: t.trip.entryNs, entryPrice: t.trip.entryPrice,
    exitNs: t.trip.exitNs, exitPrice: t.trip.exitPrice, exitReason: t.exitReason, pnlUsd: t.trip.netUsd, stopPrice: t.trip.entryPrice,
    targetPrice: t.trip.entryPrice, tickSize: 0.25, score: d.score, confidence: d.confidence, mlMean: t.ml?.mean ?? null, confluenceScore: null,
    directions: { d1m: tf['1m'], d5m: tf['5m'], d15m: tf['15m'], d1h: tf['1h'], d4h: tf['4h'] },
    regime: { pTrendUp: d.regime.market?.trendUp ?? null, pTrendDown: d.regime.market?.trendDown ?? null, pRange: d.regime.market?.range ?? null,
      pVolLow: d.regime.volatility?.low ?? null, pVolNormal: d.regime.volatility?.normal ?? null, pVolHigh: d.regime.volatility?.high ?? null },
  };
}

beforeAll(async () => {
  if (!HAVE_DATA) return;
  dir = await mkdtemp(join(tmpdir(), 'mia-report-bt-'));
  const bn = DEFAULT_BATTLE_NAVALE_CONFIG;
  // The backtest test's settings for this quiet holiday hour: brackets of 2 and 3 ticks and lower thresholds, so trades happen.
  result = await runBacktest({
    input: dataFile('cme-esh4-mbo/esh4_20231225_trades.csv'), startingBalance: 25_000, winProbability: 0.5,
    risk: { stop: { kind: 'ticks', ticks: 2 }, target: { kind: 'ticks', ticks: 3 } },
    broker: { latencyNs: 500_000, slippageTicks: 1, commissionPerContract: 2.25 },
    signals: { battleNavale: { ...bn, longThreshold: 0.1, shortThreshold: -0.1, minConfidence: 0.5 } },
  });
  journal = join(dir, 'journal.duckdb');
  await writeJournal(journal, {
    sessions: [{ sessionId: 1, command: 'backtest', startedNs: result.firstNs!, stoppedNs: result.lastNs, config: '{"balance": 25000}', version: '0.1.0',
      modelHashes: [], cleanStop: true }],
    trades: result.trades.map(journalTrade),
    decisions: [{ sessionId: 1, symbol: result.symbol, tsNs: result.firstNs!, direction: 'flat' }, { sessionId: 1, symbol: result.symbol, tsNs: result.lastNs!, direction: 'flat' }],
    bars: null,
  });
}, 120_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!HAVE_DATA)('the report of a backtest\'s journal (ESH4, trade date 2023-12-26)', () => {
  test('equals the backtest\'s metrics, every field', async () => {
    expect(result.metrics.trades).toBeGreaterThan(2);
    const r = buildReport(await readJournal(journal, datePeriod('2023-12-26')!));
    expect(r.balanceSource).toBe('session');
    expect(r.performance.overall).toEqual(result.metrics);
  });

  test('2023-12-25 (Christmas, the calendar date the file is named after) holds none of them: its evening session is 12-26\'s', async () => {
    const r = buildReport(await readJournal(journal, datePeriod('2023-12-25')!));
    expect(r.performance.overall.trades).toBe(0);
    expect(r.markdown).toContain('Trade dates with trades in this journal: 2023-12-26.');
  });
});
