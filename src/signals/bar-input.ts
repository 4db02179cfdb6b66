import { ErrorCode, MiaError } from '../common/errors.js';
import type { BarJson } from '../protocol/messages.js';

/** Thrown for a stream message the signal engine cannot read (bad data fails loudly): MIA_ERR_BAD_SIGNAL_INPUT. */
export class SignalInputError extends MiaError {
  constructor(message: string) {
    super(ErrorCode.BAD_SIGNAL_INPUT, message);
    this.name = 'SignalInputError';
  }
}

/** One footprint row as the signals read it (bid = sell-aggressor volume, ask = buy-aggressor volume). */
export interface LevelInput {
  price: number;
  bid: number;
  ask: number;
  bidTrades: number;
  askTrades: number;
}

/** The fields of a closed bar the signals use, read once from the decoded BarJson. */
export interface BarInput {
  /** Bar open time, ms since the epoch. */
  tsMs: number;
  timeframe: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  trades: number;
  buyVolume: number;
  sellVolume: number;
  delta: number;
  stackedBuy: number;
  stackedSell: number;
  /** Footprint rows when the message carries them (bar topics do). */
  levels: readonly LevelInput[] | undefined;
}

function field(b: BarJson, name: string): number {
  const v = b[name];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new SignalInputError(`bar ${b.timeframe} ${b.ts}: field "${name}" is not a finite number`);
  }
  return v;
}

/** Milliseconds since the epoch of an ISO-8601 UTC time that may carry up to nine fractional digits. */
export function isoToMs(iso: string): number {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(iso);
  if (!m) throw new SignalInputError(`not an ISO-8601 UTC time: "${iso}"`);
  const ms = Date.parse(`${m[1]}Z`);
  const frac = m[2] ?? '';
  return ms + (frac ? Number(frac.padEnd(9, '0')) / 1e6 : 0);
}

/** Reads a decoded bar; throws SignalInputError when a field the signals need is absent or not finite. */
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
