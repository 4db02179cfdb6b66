// `mia serve --trading paper` on the simulated broker, end to end on the real ES trades (Databento, through
// MIA_DATA_DIR): a real server process replaying the file through SignalTrader → SimBroker, positions and
// P&L on the risk topic, and the final P&L equal to `mia backtest` over the same file with the same settings
// (snapshots at bar closes only and inline kernels, as a backtest: the same decisions on the same trades).
import { afterEach, describe, expect, test } from 'vitest';
import { runBacktest } from '../../src/backtest/backtest-runner.js';
import { DEFAULT_BATTLE_NAVALE_CONFIG } from '../../src/signals/battle-navale.js';
import type { RiskMessage, StatusMessage } from '../../src/stream/messages.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';
import { connect, serve, until, type Served } from './serve-harness.js';

const file = dataFile('cme-esh4-mbo/esh4_20231225_trades.csv');
const running: Served[] = [];

afterEach(async () => {
  for (const s of running.splice(0)) {
    if (s.proc.exitCode === null) s.proc.kill('SIGKILL');
    await s.exited;
  }
});

describe.skipIf(!HAVE_DATA)('mia serve --trading paper on the ESH4 trades (Databento)', () => {
  // A quiet holiday hour: brackets of 2 and 3 ticks and lower signal thresholds (test/backtest), so trades happen.
  const settings = ['--stop-ticks', '2', '--target-ticks', '3', '--long-threshold', '0.1', '--short-threshold', '-0.1', '--min-confidence', '0.5'];

  // The CSV has no symbol column: serve, paper trading and the backtest all know it as ES (from esh4_… in its name).
  test('risk frames show positions and realized P&L under ES; the final P&L equals mia backtest on the same file', async () => {
    const s = await serve([
      '--source', 'replay', '--input', file, '--speed', 'max', '--wait-subscribers', '1', '--exit-on-end',
      '--trading', 'paper', '--kernels', 'inline', '--interval-ms', '1e12', '--stale-ms', '1e12', ...settings,
    ]);
    running.push(s);
    const c = await connect(s.port, 'binary', ['risk', 'status']);
    await until(() => c.messages.some((m) => m.type === 'status' && (m as StatusMessage).sourceState === 'finished'));
    await c.closed;
    expect(await s.exited).toBe(0);

    const risk = c.messages.filter((m): m is RiskMessage => m.type === 'risk');
    expect(risk.length).toBeGreaterThan(0);
    expect(risk.every((r) => r.ordersEnabled)).toBe(true);
    expect(risk.some((r) => r.positions.some((p) => p.symbol === 'ES' && p.qty !== 0))).toBe(true);
    expect(risk.some((r) => r.balance !== 25_000)).toBe(true);
    const last = risk.at(-1)!;
    expect(last.positions).toEqual([{ symbol: 'ES', qty: 0 }]);

    const bn = DEFAULT_BATTLE_NAVALE_CONFIG;
    const bt = await runBacktest({
      input: file, startingBalance: 25_000, winProbability: 0.5,
      risk: { stop: { kind: 'ticks', ticks: 2 }, target: { kind: 'ticks', ticks: 3 } },
      signals: { battleNavale: { ...bn, longThreshold: 0.1, shortThreshold: -0.1, minConfidence: 0.5 } },
    });
    expect(bt.symbol).toBe('ES');
    expect(bt.trades.length).toBeGreaterThan(2);
    expect(last.balance - 25_000).toBeCloseTo(bt.metrics.netProfit, 6);
  }, 60_000);
});
