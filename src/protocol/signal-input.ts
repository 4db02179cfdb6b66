import { SignalInputError, type BarInput, type LevelInput, type SnapshotInput } from '../model/signal-input.js';
import { isoToNs, nsToFractionalMs, nsToMs } from '../model/time.js';
import type { BarJson, SnapshotMessage } from './messages.js';

/** Milliseconds since the epoch of a message's ISO-8601 UTC time (up to nine fractional digits kept). */
export function isoToMs(iso: string): number {
  const ns = isoToNs(iso);
  if (ns === undefined) throw new SignalInputError(`not an ISO-8601 UTC time: "${iso}"`);
  return nsToFractionalMs(ns);
}

function field(b: BarJson, name: string): number {
  const v = b[name];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new SignalInputError(`bar ${b.timeframe} ${b.ts}: field "${name}" is not a finite number`);
  }
  return v;
}

/** The signals' input of a decoded bar (a client's, a test's); SignalInputError when a field is absent or not finite. */
export function readBar(b: BarJson): BarInput {
  const levels = Array.isArray(b.levels) ? (b.levels as LevelInput[]) : undefined;
  return {
    tsMs: isoToMs(b.ts),
    timeframe: b.timeframe,
    open: field(b, 'open'),
    high: field(b, 'high'),
    low: field(b, 'low'),
    close: field(b, 'close'),
    volume: field(b, 'volume'),
    trades: field(b, 'trades'),
    buyVolume: field(b, 'buyVolume'),
    sellVolume: field(b, 'sellVolume'),
    delta: field(b, 'delta'),
    stackedBuy: field(b, 'stackedBuy'),
    stackedSell: field(b, 'stackedSell'),
    levels,
  };
}

/** The signals' input of a decoded snapshot; SignalInputError for a field the signals cannot read. */
export function snapshotInputOf(m: SnapshotMessage): SnapshotInput {
  const tsNs = /^\d+$/.test(m.tsNs) ? BigInt(m.tsNs) : isoToNs(m.ts);
  if (tsNs === undefined) throw new SignalInputError(`snapshot ${m.symbol}: no time ("${m.ts}")`);
  return {
    symbol: m.symbol,
    tsNs,
    tsMs: nsToMs(tsNs),
    tickSize: m.tickSize,
    quote: m.quote ? { bid: m.quote.bid, ask: m.quote.ask, bidSize: m.quote.bidSize, askSize: m.quote.askSize } : null,
    frames: m.frames.map((f) => {
      const c = f.bar?.close;
      const { poc, vah, val, vwap, vwapUpper1, vwapLower1, vwapUpper2, vwapLower2, hvn } = f.session;
      return {
        timeframe: f.timeframe,
        close: typeof c === 'number' && Number.isFinite(c) ? c : null,
        lastClosed: f.lastClosed ? readBar(f.lastClosed) : null,
        session: { poc, vah, val, vwap, vwapUpper1, vwapLower1, vwapUpper2, vwapLower2, hvn },
      };
    }),
  };
}
