import { ErrorCode, MiaError } from '../common/errors.js';
import type { UnixNanos } from './time.js';

/** Thrown for a bar or snapshot the signal engine cannot read (bad data fails loudly): MIA_ERR_BAD_SIGNAL_INPUT. */
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

/** The fields of a closed bar the signals use. */
export interface BarInput {
  /** Bar open time, ms since the epoch (fractional when the open has sub-ms digits). */
  tsMs: number;
  /** Timeframe name: `1m`, `5m`, … */
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
  /** Footprint rows when the bar carries them (closed bars of the engine do, unless footprints are off). */
  levels: readonly LevelInput[] | undefined;
}

/** The session levels the signals read (0 before the session's first trade, as the stream shows them). */
export interface SessionInput {
  poc: number;
  vah: number;
  val: number;
  vwap: number;
  vwapUpper1: number;
  vwapLower1: number;
  vwapUpper2: number;
  vwapLower2: number;
  hvn: ArrayLike<number>;
}

/** One timeframe of a snapshot as the signals read it. */
export interface FrameInput {
  timeframe: string;
  /** Close of the bar in progress; null between a close and the next trade. */
  close: number | null;
  /** The most recent closed bar; null before the first close. */
  lastClosed: BarInput | null;
  session: SessionInput;
}

/**
 * A snapshot as the signals read it: numbers, no footprint of the bar in progress. The engine reads it from the
 * kernels' output in shared memory (src/engine/signal-input-reader.ts); a decoded stream message gives the same
 * (src/protocol/signal-input.ts).
 */
export interface SnapshotInput {
  symbol: string;
  /** Time of the last trade included. */
  tsNs: UnixNanos;
  /** The same, ms since the epoch (floored): the calendar's resolution. */
  tsMs: number;
  tickSize: number;
  quote: { bid: number; ask: number; bidSize: number; askSize: number } | null;
  frames: readonly FrameInput[];
}
