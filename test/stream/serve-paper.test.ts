// `mia serve --trading paper` on the simulated broker, end to end on the real ES trades (Databento, through
// MIA_DATA_DIR): a real server process replaying the file through SignalTrader → SimBroker, positions and
// P&L on the risk topic, and the final P&L equal to `mia backtest` over the same file with the same settings
// (snapshots at bar closes only and inline kernels, as a backtest: the same decisions on the same trades); each
// order, fill and the result at shutdown logged as one structured line (read as data, by field, never by text).
import { afterEach, describe, expect, test } from 'vitest';
import { runBacktest } from '../../src/backtest/backtest-runner.js';
import { DEFAULT_BATTLE_NAVALE_CONFIG } from '../../src/signals/battle-navale.js';
import type { RiskMessage, StatusMessage } from '../../src/protocol/messages.js';
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

  /** The backtest of the same file and settings: the reference for the session's trades. */
  const backtest = (): ReturnType<typeof runBacktest> => {
    const bn = DEFAULT_BATTLE_NAVALE_CONFIG;
    return runBacktest({
      input: file, startingBalance: 25_000, winProbability: 0.5,
      risk: { stop: { kind: 'ticks', ticks: 2 }, target: { kind: 'ticks', ticks: 3 } },
      signals: { battleNavale: { ...bn, longThreshold: 0.1, shortThreshold: -0.1, minConfidence: 0.5 } },
    });
  };

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

    const bt = await backtest();
    expect(bt.symbol).toBe('ES');
    expect(bt.trades.length).toBeGreaterThan(2);
    expect(last.balance - 25_000).toBeCloseTo(bt.metrics.netProfit, 6);
  }, 60_000);

  test('each order sent, each fill and the result at shutdown are one JSON log line each, equal to the backtest\'s trades', async () => {
    const s = await serve([
      '--source', 'replay', '--input', file, '--speed', 'max', '--wait-subscribers', '1',
      '--trading', 'paper', '--kernels', 'inline', '--interval-ms', '1e12', '--stale-ms', '1e12', ...settings,
    ]);
    running.push(s);
    const c = await connect(s.port, 'binary', ['risk', 'status']);
    await until(() => c.messages.some((m) => m.type === 'status' && (m as StatusMessage).sourceState === 'finished'));
    const health = await (await fetch(`http://127.0.0.1:${s.port}/health`)).json() as { decisions: { trading: { entries: number } } };
    s.proc.kill('SIGTERM');
    await c.closed;
    expect(await s.exited).toBe(0);

    // The paper lines, told apart by their fields: an order has a stop, a fill a position, the result round trips.
    const paper = s.stderr().trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.trading === 'paper');
    const orders = paper.filter((l) => 'stop' in l) as Array<{ symbol: string; side: string; qty: number; entry: number; stop: number; target: number; level: number }>;
    const fills = paper.filter((l) => 'position' in l && 'price' in l) as Array<{ symbol: string; side: string; qty: number; price: number; position: number; level: number }>;
    const results = paper.filter((l) => 'roundTrips' in l) as Array<{ pnlUsd: Record<string, number>; totalUsd: number; roundTrips: number; wins: number; level: number }>;
    expect([...orders, ...fills, ...results].every((l) => l.level === 30)).toBe(true); // info

    expect(orders.length).toBe(health.decisions.trading.entries);
    for (const o of orders) {
      expect(o.symbol).toBe('ES');
      const dir = o.side === 'buy' ? 1 : -1;
      // 2-tick stop and 3-tick target around the entry reference (ES tick 0.25).
      expect([(o.entry - o.stop) * dir, (o.target - o.entry) * dir]).toEqual([0.5, 0.75]);
      expect(Number.isInteger(o.qty) && o.qty > 0).toBe(true);
    }

    // Fills pair up as round trips: an entry to ±qty, an exit back to 0, at the backtest's entry and exit prices.
    const bt = await backtest();
    const trips = [...bt.trades].sort((a, b) => a.tradeId - b.tradeId).map((t) => t.trip);
    expect(fills.length).toBe(2 * trips.length);
    trips.forEach((t, i) => {
      const [entry, exit] = [fills[2 * i]!, fills[2 * i + 1]!];
      const dir = t.side === 'long' ? 1 : -1;
      expect(entry).toMatchObject({ symbol: 'ES', side: dir > 0 ? 'buy' : 'sell', qty: t.qty, price: t.entryPrice, position: dir * t.qty });
      expect(exit).toMatchObject({ symbol: 'ES', side: dir > 0 ? 'sell' : 'buy', qty: t.qty, price: t.exitPrice, position: 0 });
    });
    // Each position a fill left is one the risk topic showed.
    const riskPositions = new Set(c.messages.filter((m): m is RiskMessage => m.type === 'risk').map((r) => r.positions[0]!.qty));
    for (const f of fills) expect(riskPositions.has(f.position)).toBe(true);

    // One result line at shutdown: the realised P&L is the final balance on the risk topic less the starting 25,000.
    expect(results).toHaveLength(1);
    const last = c.messages.filter((m): m is RiskMessage => m.type === 'risk').at(-1)!;
    const net = Math.round((last.balance - 25_000) * 100) / 100;
    expect(results[0]).toMatchObject({ pnlUsd: { ES: net }, totalUsd: net, roundTrips: trips.length, wins: bt.metrics.wins });
  }, 60_000);
});
