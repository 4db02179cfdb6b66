import type { SessionJson, SnapshotMessage } from '../protocol/messages.js';
import { isoToMs, readBar, type BarInput } from './bar-input.js';

/** The session levels the signals read (a SessionJson has them; a frame reader fills them in place). */
export type SessionInput = Pick<SessionJson, 'poc' | 'vah' | 'val' | 'vwap' | 'vwapUpper1' | 'vwapLower1' | 'vwapUpper2' | 'vwapLower2'> & {
  hvn: ArrayLike<number>;
};

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
 * A snapshot as the signals read it: numbers, no footprint of the bar in progress. Produced from a decoded
 * SnapshotMessage (snapshotInputOf) or straight from a binary frame (src/stream/snapshot-input-reader.ts),
 * which skips building the JSON shape a subscriber gets.
 */
export interface SnapshotInput {
  symbol: string;
  /** Time of the last trade included, ISO-8601 UTC as in the frame, and as ms since the epoch (floored). */
  ts: string;
  tsMs: number;
  tickSize: number;
  quote: { bid: number; ask: number; bidSize: number; askSize: number } | null;
  frames: readonly FrameInput[];
}

/** The signal input of a decoded snapshot; throws SignalInputError for a field the signals cannot read. */
export function snapshotInputOf(m: SnapshotMessage): SnapshotInput {
  return {
    symbol: m.symbol,
    ts: m.ts,
    tsMs: /^\d+$/.test(m.tsNs) ? Number(BigInt(m.tsNs) / 1_000_000n) : Math.floor(isoToMs(m.ts)),
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
