import * as L from '../kernels/layout.js';
import { SignalInputError, type BarInput, type FrameInput, type LevelInput, type SessionInput, type SnapshotInput } from '../model/signal-input.js';
import { isoNs, nsToFractionalMs, nsToMs, TWO32 } from '../model/time.js';
import { formatTimeframe } from '../model/timeframe-format.js';
import type { QuoteState, TimeframeMemory } from './engine-events.js';

const names = new Map<number, string>();
function timeframeName(sec: number): string {
  let s = names.get(sec);
  if (s === undefined) names.set(sec, (s = formatTimeframe(sec)));
  return s;
}

/** Where one snapshot sits in shared memory and what the feed knows of it. */
export interface SnapshotPlace {
  symbol: string;
  tsNs: bigint;
  tickSize: number;
  sizeDecimals: number;
  region: number;
  timeframes: readonly TimeframeMemory[];
  quote: QuoteState | undefined;
}

/**
 * Reads what the signals use straight from the kernels' output in shared memory: the snapshot region (bars in
 * progress, session profile), the last closed Bar struct of each timeframe, and closed-bar ring entries with
 * their footprint rows. No frame is built or parsed on the decision path. The numbers are those the stream's
 * frames carry (test/engine/signal-input-reader.test.ts holds the two equal on a real replay).
 */
export class SignalInputReader {
  private readonly view: DataView;

  constructor(memory: WebAssembly.Memory) {
    this.view = new DataView(memory.buffer);
  }

  /** The signals' input of a snapshot; SignalInputError for a closed bar with a non-finite price. */
  snapshot(p: SnapshotPlace): SnapshotInput {
    const v = this.view;
    const unit = 10 ** p.sizeDecimals;
    const sp = p.region + L.SNAP_SESSION;
    const total = i64(v, sp + L.SP_TOTAL);
    // The stream leaves the session fields out before the session's first trade: they read as 0 there.
    const vwap = total > 0 ? v.getFloat64(sp + L.SP_VWAP, true) : 0;
    const sigma = total > 0 ? v.getFloat64(sp + L.SP_SIGMA, true) : 0;
    const nHvn = v.getInt32(sp + L.SP_N_HVN, true);
    const hvn = new Array<number>(nHvn);
    for (let k = 0; k < nHvn; k++) hvn[k] = v.getFloat64(sp + L.SP_HVN + 8 * k, true);
    const session: SessionInput = total > 0
      ? {
        poc: v.getFloat64(sp + L.SP_POC, true), vah: v.getFloat64(sp + L.SP_VAH, true), val: v.getFloat64(sp + L.SP_VAL, true), vwap,
        vwapUpper1: vwap + sigma, vwapLower1: vwap - sigma, vwapUpper2: vwap + 2 * sigma, vwapLower2: vwap - 2 * sigma, hvn,
      }
      : { poc: 0, vah: 0, val: 0, vwap: 0, vwapUpper1: 0, vwapLower1: 0, vwapUpper2: 0, vwapLower2: 0, hvn };
    const frames = new Array<FrameInput>(p.timeframes.length);
    for (let i = 0; i < p.timeframes.length; i++) {
      const tf = p.timeframes[i]!;
      const at = p.region + L.SNAP_BARS + tf.block * L.BAR_BYTES;
      const open = (v.getUint32(at + L.BAR_TS_OPEN, true) | v.getUint32(at + L.BAR_TS_OPEN + 4, true)) !== 0;
      const close = open ? v.getFloat64(at + L.BAR_CLOSE, true) : Number.NaN;
      const last = tf.lastClosed;
      frames[i] = {
        timeframe: timeframeName(tf.sec),
        close: Number.isFinite(close) ? close : null,
        lastClosed: last ? (tf.lastClosedInput ??= barInput(new DataView(last.buffer, last.byteOffset, last.byteLength), 0, unit, undefined)) : null,
        // Every timeframe shows the one session profile.
        session,
      };
    }
    const q = p.quote;
    return {
      symbol: p.symbol,
      tsNs: p.tsNs,
      tsMs: nsToMs(p.tsNs),
      tickSize: p.tickSize,
      quote: q ? { bid: q.bid, ask: q.ask, bidSize: q.bidSize / unit, askSize: q.askSize / unit } : null,
      frames,
    };
  }

  /**
   * The signals' input of the closed bar in ring entry `entry`, with its footprint rows (`footprint` of the feed)
   * unless `withLevels` is false.
   */
  bar(entry: number, sizeDecimals: number, footprintBase: number, footprintCap: number, withLevels = true): BarInput {
    const v = this.view;
    const unit = 10 ** sizeDecimals;
    const rows = withLevels ? v.getInt32(entry + L.RING_FP_ROWS, true) : 0;
    let levels: LevelInput[] | undefined;
    if (rows > 0) {
      const start = i64(v, entry + L.RING_FP_START) % footprintCap;
      levels = new Array<LevelInput>(rows);
      for (let i = 0; i < rows; i++) {
        const at = footprintBase + ((start + i) % footprintCap) * L.LEVEL_BYTES;
        levels[i] = {
          price: v.getFloat64(at + L.LEVEL_PRICE, true), bid: i64(v, at + L.LEVEL_BID) / unit, ask: i64(v, at + L.LEVEL_ASK) / unit,
          bidTrades: v.getUint32(at + L.LEVEL_BID_TRADES, true), askTrades: v.getUint32(at + L.LEVEL_ASK_TRADES, true),
        };
      }
    }
    return barInput(v, entry, unit, levels);
  }
}

/** A non-negative int64 below 2^53 at `at`, as a number. */
function i64(v: DataView, at: number): number {
  return v.getUint32(at + 4, true) * TWO32 + v.getUint32(at, true);
}

function finite(x: number, what: string, v: DataView, at: number): number {
  if (Number.isFinite(x)) return x;
  const ts = isoNs(v.getBigInt64(at + L.BAR_TS_OPEN, true));
  throw new SignalInputError(`bar ${timeframeName(v.getUint32(at + L.BAR_TIMEFRAME_SEC, true))} ${ts}: field "${what}" is not a finite number`);
}

/** The fields of a Bar struct at `at` the signals use. */
function barInput(v: DataView, at: number, unit: number, levels: readonly LevelInput[] | undefined): BarInput {
  const tsNs = v.getBigInt64(at + L.BAR_TS_OPEN, true);
  const buy = Number(v.getBigInt64(at + L.BAR_BUY_VOLUME, true));
  const sell = Number(v.getBigInt64(at + L.BAR_SELL_VOLUME, true));
  return {
    tsMs: nsToFractionalMs(tsNs),
    timeframe: timeframeName(v.getUint32(at + L.BAR_TIMEFRAME_SEC, true)),
    open: finite(v.getFloat64(at + L.BAR_OPEN, true), 'open', v, at),
    high: finite(v.getFloat64(at + L.BAR_HIGH, true), 'high', v, at),
    low: finite(v.getFloat64(at + L.BAR_LOW, true), 'low', v, at),
    close: finite(v.getFloat64(at + L.BAR_CLOSE, true), 'close', v, at),
    volume: Number(v.getBigInt64(at + L.BAR_VOLUME, true)) / unit,
    trades: v.getUint32(at + L.BAR_TRADES, true),
    buyVolume: buy / unit,
    sellVolume: sell / unit,
    delta: (buy - sell) / unit,
    stackedBuy: v.getUint16(at + L.BAR_STACKED_BUY, true),
    stackedSell: v.getUint16(at + L.BAR_STACKED_SELL, true),
    levels,
  };
}
