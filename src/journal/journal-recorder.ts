import type { EventBus, RiskStateEvent } from '../engine/engine-events.js';
import type { RiskVerdict } from '../execution/decision-verdicts.js';
import type { ExecutionEvent, TradingVenue } from '../execution/execution-venue.js';
import type { TradeRecord } from '../execution/signal-trader.js';
import type { UnixNanos } from '../model/time.js';
import type { SignalDecision } from '../signals/signal-engine.js';
import type { JournalSink } from './journal-writer.js';
import { alertRow, barRow, decisionRow, fillRow, orderRow, riskKind, riskRow, snapshotRow, tradeRow, type AlertRow } from './journal-rows.js';

/** What the recorder journals. */
export interface JournalRecorderOptions {
  /** One snapshot row per symbol per this many ms of market time (`--journal-snapshot-ms`); 0: none. */
  snapshotMs: number;
  /** Timeframe of the bars journaled, seconds (1m). */
  barSec?: number;
}

/**
 * Taps the engine's typed events into journal rows: every decision, closed 1m bars with their footprint,
 * snapshots sampled every `snapshotMs` of market time (a replay journals the same rows at any speed), and with
 * trading every order event, fill, closed round trip and risk state change. It only copies into rows: the
 * writer (JournalSink) does the I/O elsewhere. Orders, fills, trades and risk events are durable rows, and a
 * risk state is handed on to the `risk` topic (`pass`, the StreamPublisher's risk gate) only once they are
 * committed; so a report on `risk` is never ahead of the journal.
 */
export class JournalRecorder {
  private readonly sink: JournalSink;
  private readonly snapshotNs: bigint;
  private readonly barSec: number;
  private readonly lastSnapshotNs = new Map<string, bigint>();
  private readonly tickSizes = new Map<string, number>();
  private readonly positions = new Map<string, number>();
  /** The risk verdict of each decision a trade may open from (its bracket's stop and target). */
  private readonly verdicts = new WeakMap<SignalDecision, RiskVerdict>();
  private trades: (() => readonly TradeRecord[]) | undefined;
  private tradesJournaled = 0;
  private lastRisk: RiskStateEvent | undefined;
  /** Newest market time seen: the time of risk events, which carry none. */
  private marketNs: UnixNanos = 0n;
  /** Bars and snapshots not journaled because their input was bad (the decision pipeline logs each with its code). */
  readonly counters = { rowsSkipped: 0 };

  constructor(sink: JournalSink, o: JournalRecorderOptions) {
    this.sink = sink;
    this.snapshotNs = BigInt(Math.round(o.snapshotMs * 1e6));
    this.barSec = o.barSec ?? 60;
  }

  /**
   * Subscribes to decisions, bars and snapshots; `riskGated`: the risk state comes through `pass` (the stream
   * publisher's gate), else it is taken from the bus here (a backtest publishes nothing).
   */
  attach(bus: EventBus, riskGated: boolean): this {
    bus.on('decision', (e) => {
      this.verdicts.set(e.decision, e.risk);
      if (e.decision.tsNs > this.marketNs) this.marketNs = e.decision.tsNs;
      this.sink.add('decisions', decisionRow(e));
    });
    bus.on('bar', (e) => {
      if (e.warm || e.timeframeSec !== this.barSec) return;
      const bar = readOrSkip(() => e.input(), this.counters);
      if (bar) this.sink.add('bars', barRow(e.symbol, bar));
    });
    bus.on('snapshot', (e) => {
      if (e.warm) return;
      this.tickSizes.set(e.symbol, e.tickSize);
      if (e.tsNs > this.marketNs) this.marketNs = e.tsNs;
      if (this.snapshotNs <= 0n) return;
      const last = this.lastSnapshotNs.get(e.symbol);
      if (last !== undefined && e.tsNs - last < this.snapshotNs) return;
      this.lastSnapshotNs.set(e.symbol, e.tsNs);
      const input = readOrSkip(() => e.input(), this.counters);
      if (input) this.sink.add('snapshots', snapshotRow(e.sequence, e.quality, e.tradesTotal, input));
    });
    if (!riskGated) bus.on('risk', (r) => this.recordRisk(r));
    return this;
  }

  /**
   * Journals the venue's order events and fills, and the trader's round trips as they close. Register after
   * the trader (the decision pipeline's constructor), so a fill's round trip is in `trades()` when it arrives.
   */
  trade(venue: TradingVenue, trades: () => readonly TradeRecord[]): this {
    this.trades = trades;
    venue.onEvent((e) => this.onExecution(e));
    return this;
  }

  /** The risk gate of the stream publisher: journals the state, then publishes it once that is committed. */
  pass(r: RiskStateEvent, publish: (r: RiskStateEvent) => void): void {
    this.recordRisk(r);
    this.sink.whenDurable(() => publish(r));
  }

  /** The alerts hook: one alert raised, repeated or resolved (rows of the alerts table). */
  alert(a: AlertRow): void {
    this.sink.addDurable('alerts', alertRow(a));
  }

  private recordRisk(r: RiskStateEvent): void {
    const kind = riskKind(this.lastRisk, r);
    if (kind === 'same') return;
    this.lastRisk = { ...r, positions: r.positions.map((p) => ({ ...p })) };
    // Risk states carry no time: the newest market time seen, or the wall clock before the first event.
    const ts = this.marketNs > 0n ? this.marketNs : BigInt(Date.now()) * 1_000_000n;
    this.sink.addDurable('risk_events', riskRow(ts, kind, r));
  }

  private onExecution(e: ExecutionEvent): void {
    this.sink.addDurable('orders', orderRow(e));
    if (e.kind !== 'filled') return;
    const f = e.fill;
    if (f.tsNs > this.marketNs) this.marketNs = f.tsNs;
    const position = (this.positions.get(f.symbol) ?? 0) + (f.side === 'buy' ? f.qty : -f.qty);
    this.positions.set(f.symbol, position);
    this.sink.addDurable('fills', fillRow(f, position, e.order.tag));
    const trades = this.trades?.() ?? [];
    for (; this.tradesJournaled < trades.length; this.tradesJournaled++) {
      const t = trades[this.tradesJournaled]!;
      this.sink.addDurable('trades', tradeRow(t, this.verdicts.get(t.decision), this.tickSizes.get(t.trip.symbol) ?? null));
    }
  }
}

/**
 * What the signals read of an event, or undefined for bad input (a non-finite bar: SignalInputError), which the
 * decision pipeline counts and logs with its code; the journal skips the row rather than stop the engine.
 */
function readOrSkip<T>(read: () => T, skipped: { rowsSkipped: number }): T | undefined {
  try {
    return read();
  } catch {
    skipped.rowsSkipped++;
    return undefined;
  }
}
