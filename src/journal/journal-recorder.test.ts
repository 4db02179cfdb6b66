// The recorder on hand-built events and a stub sink: what each table keeps of an event, and the risk gate: a
// risk state is journaled as a durable row and published only once the sink says it is committed, after the
// fills of the same turn.
import { describe, expect, test } from 'vitest';
import { EventBus, type DecisionEvent, type RiskStateEvent } from '../engine/engine-events.js';
import { ML_OFF, type RiskVerdict } from '../execution/decision-verdicts.js';
import type { ExecutionEvent, OrderView, TradingVenue } from '../execution/execution-venue.js';
import type { TradeRecord } from '../execution/signal-trader.js';
import type { SignalDecision } from '../signals/signal-engine.js';
import { JournalRecorder } from './journal-recorder.js';
import { columnIndex, COLUMNS, type Cell, type RowTable } from './journal-schema.js';
import type { JournalSink } from './journal-writer.js';

/** Records rows; `whenDurable` callbacks wait for `commit()`. */
class StubSink implements JournalSink {
  readonly rows: Array<{ table: RowTable; row: Cell[]; durable: boolean }> = [];
  private waiting: Array<() => void> = [];
  add(table: RowTable, row: Cell[]): void {
    this.rows.push({ table, row, durable: false });
  }
  addDurable(table: RowTable, row: Cell[]): void {
    this.rows.push({ table, row, durable: true });
  }
  whenDurable(f: () => void): void {
    this.waiting.push(f);
  }
  commit(): void {
    for (const f of this.waiting.splice(0)) f();
  }
  /** The rows of a table as objects by column name. */
  of(table: RowTable): Array<Record<string, Cell>> {
    const names = COLUMNS[table].map((c) => c.name);
    return this.rows.filter((r) => r.table === table).map((r) => Object.fromEntries(names.map((n, i) => [n, r.row[i]!])));
  }
}

const decision: SignalDecision = {
  symbol: 'ES', tsNs: 1_703_545_200_000_000_000n, score: 0.4, confidence: 0.8, direction: 'long',
  features: {
    confluence_score: 0.5, momentum_flow: 0.1, trend_alignment: 1, volume_profile: -0.2, support_resistance: 0.3,
    market_regime_score: null, volatility_regime: 0.6, time_factor: 0.9,
  },
  regime: { market: null, volatility: { low: 0.2, normal: 0.5, high: 0.3 }, timeframes: { '1m': 1, '5m': -1, '15m': 0, '1h': null, '4h': null } },
  smartMoney: { largeFlow: 0.25, stacked: null, absorption: 0, book: null, score: 0.1 },
  expiry: { phase: 'normal', factor: 1, daysToExpiry: 10 }, price: 4790, tradeDate: 19716,
} as SignalDecision;
const verdict: RiskVerdict = { evaluated: true, approved: true, reason: null, qty: 2, stopPrice: 4788, targetPrice: 4792.5, entryPrice: 4790, alert: 'INFO' };
const risk = (balance: number, qty: number): RiskStateEvent => ({
  alert: 'INFO', halted: false, balance, dailyPnl: balance - 25_000, consecutiveLosses: 0, positions: [{ symbol: 'ES', qty }],
  lastRefusal: null, lastRefusalSymbol: null, ordersEnabled: true,
  limits: { dailyLoss: 500, maxConsecutiveLosses: 5, maxPosition: 2, minBalance: 1000 },
});

/** A venue that only relays the events a test emits. */
function stubVenue(): TradingVenue & { emit(e: ExecutionEvent): void } {
  const listeners: Array<(e: ExecutionEvent) => void> = [];
  return {
    onEvent: (l) => void listeners.push(l), emit: (e) => listeners.forEach((l) => l(e)),
    submit: () => 0, submitBracket: () => ({ entry: 0, stop: 0, target: 0 }), cancel: () => false, order: () => undefined,
    last: () => undefined, liquidate: () => undefined,
  };
}

const order = (id: number, side: 'buy' | 'sell'): OrderView => ({
  id, symbol: 'ES', side, qty: 2, type: 'market', limitPrice: undefined, stopPrice: undefined, status: 'filled', submittedNs: 0n,
  parentId: undefined, ocoId: undefined, tag: '1',
});

describe('JournalRecorder', () => {
  test('a decision row holds the features, timeframe directions, regime and smart money by column name', () => {
    const sink = new StubSink();
    const bus = new EventBus();
    new JournalRecorder(sink, { snapshotMs: 1000 }).attach(bus, true);
    const e: DecisionEvent = { decision, sequence: 7n, ml: ML_OFF, risk: verdict };
    bus.emit('decision', e);
    const [row] = sink.of('decisions');
    expect(row).toMatchObject({
      symbol: 'ES', sequence: 7n, ts: decision.tsNs, direction: 'long', score: 0.4, confluence_score: 0.5, market_regime_score: null,
      time_factor: 0.9, d_1m: 1, d_5m: -1, d_15m: 0, d_1h: null, p_trend_up: null, p_vol_low: 0.2, p_vol_high: 0.3, sm_large_flow: 0.25,
      sm_stacked: null, ml_state: 'off', ml_scores: [], ml_mean: null, risk_approved: true, risk_qty: 2, stop_price: 4788, alert: 'INFO',
    });
    expect(sink.rows[0]!.row).toHaveLength(COLUMNS.decisions.length);
    expect(columnIndex('decisions').symbol).toBe(0);
  });

  test('a risk state is journaled, then published only once committed, after the fill and round trip of its turn', () => {
    const sink = new StubSink();
    const bus = new EventBus();
    const venue = stubVenue();
    const trades: TradeRecord[] = [];
    const rec = new JournalRecorder(sink, { snapshotMs: 1000 }).attach(bus, true).trade(venue, () => trades);
    bus.emit('decision', { decision, sequence: 1n, ml: ML_OFF, risk: verdict });
    const published: RiskStateEvent[] = [];
    rec.pass(risk(25_000, 0), (r) => published.push(r));
    expect(published).toEqual([]);
    sink.commit();
    expect(published).toHaveLength(1);

    // The entry fills: the venue's listeners see the fill after the pipeline has published the new position.
    rec.pass(risk(25_000, 2), (r) => published.push(r));
    venue.emit({ kind: 'filled', order: order(1, 'buy'), fill: { orderId: 1, symbol: 'ES', side: 'buy', qty: 2, price: 4790.25, tsNs: decision.tsNs + 1n, commissionUsd: 0 } });
    // The exit closes the round trip.
    trades.push({
      tradeId: 1, exitReason: 'target', decision, decisionNs: decision.tsNs, ml: null,
      trip: { symbol: 'ES', side: 'long', qty: 2, entryNs: decision.tsNs + 1n, entryPrice: 4790.25, exitNs: decision.tsNs + 9n, exitPrice: 4792.5, grossUsd: 225, commissionUsd: 0, netUsd: 225 },
    });
    venue.emit({ kind: 'filled', order: order(2, 'sell'), fill: { orderId: 2, symbol: 'ES', side: 'sell', qty: 2, price: 4792.5, tsNs: decision.tsNs + 9n, commissionUsd: 0 } });
    rec.pass(risk(25_225, 0), (r) => published.push(r));
    rec.pass(risk(25_225, 0), (r) => published.push(r));
    expect(published).toHaveLength(1);
    sink.commit();
    expect(published.map((r) => [r.balance, r.positions[0]!.qty])).toEqual([[25_000, 0], [25_000, 2], [25_225, 0], [25_225, 0]]);

    expect(sink.of('fills').map((f) => [f.order_id, f.side, f.position])).toEqual([[1, 'buy', 2], [2, 'sell', 0]]);
    expect(sink.of('orders').map((o) => [o.order_id, o.event])).toEqual([[1, 'filled'], [2, 'filled']]);
    expect(sink.of('trades')).toEqual([expect.objectContaining({
      trade_id: 1, side: 'long', qty: 2, pnl_usd: 225, exit_reason: 'target', stop_price: 4788, target_price: 4792.5, d_5m: -1, p_vol_normal: 0.5, confluence_score: 0.5,
    })]);
    // One risk event per change (the repeated state is not journaled again), every one durable.
    expect(sink.of('risk_events').map((r) => [r.kind, r.balance])).toEqual([['start', 25_000], ['position', 25_000], ['position', 25_225]]);
    expect(sink.rows.filter((r) => r.table !== 'decisions').every((r) => r.durable)).toBe(true);
  });

  test('alerts go through the hook as durable rows', () => {
    const sink = new StubSink();
    new JournalRecorder(sink, { snapshotMs: 0 }).alert({ tsMs: 1_703_545_200_000, rule: 'feed-stale', state: 'raised', severity: 'warning', message: 'ES stale', value: 6.2, symbol: 'ES' });
    expect(sink.of('alerts')).toEqual([{ ts: 1_703_545_200_000, rule: 'feed-stale', state: 'raised', severity: 'warning', message: 'ES stale', value: 6.2, symbol: 'ES' }]);
  });
});
