import type { BarFeatures, FootprintLevel } from '../model/bar-features.js';
import * as L from './layout.js';
import { TWO32 } from '../model/time.js';

/**
 * An int64 in memory as a number: the same double as Number(getBigInt64) for every value (the high half times
 * 2^32 is exact, and the one addition rounds to nearest, ties to even, as Number(bigint) does), without
 * allocating a BigInt: seven a bar and two a footprint row before.
 */
function int64(v: DataView, at: number): number {
  return v.getInt32(at + 4, true) * TWO32 + v.getUint32(at, true);
}

/**
 * Decodes a Bar struct at `at` into {@link BarFeatures}, converting raw sizes to units. This is the edge
 * where int64 becomes bigint/number: once per bar, never per trade.
 */
export function decodeBar(v: DataView, at: number, sizeUnit: number): BarFeatures {
  const vol = int64(v, at + L.BAR_VOLUME);
  const buy = int64(v, at + L.BAR_BUY_VOLUME);
  const sell = int64(v, at + L.BAR_SELL_VOLUME);
  return {
    tsNs: v.getBigInt64(at + L.BAR_TS_OPEN, true),
    timeframeSec: v.getUint32(at + L.BAR_TIMEFRAME_SEC, true),
    open: v.getFloat64(at + L.BAR_OPEN, true),
    high: v.getFloat64(at + L.BAR_HIGH, true),
    low: v.getFloat64(at + L.BAR_LOW, true),
    close: v.getFloat64(at + L.BAR_CLOSE, true),
    volume: vol / sizeUnit,
    trades: v.getUint32(at + L.BAR_TRADES, true),
    buyVolume: buy / sizeUnit,
    sellVolume: sell / sizeUnit,
    delta: (buy - sell) / sizeUnit,
    cumDelta: int64(v, at + L.BAR_CUM_DELTA) / sizeUnit,
    cumDeltaHigh: int64(v, at + L.BAR_CUM_DELTA_HIGH) / sizeUnit,
    cumDeltaLow: int64(v, at + L.BAR_CUM_DELTA_LOW) / sizeUnit,
    barVwap: v.getFloat64(at + L.BAR_VWAP, true),
    vwap: v.getFloat64(at + L.BAR_SESSION_VWAP, true),
    vwapSigma: v.getFloat64(at + L.BAR_SESSION_SIGMA, true),
    poc: v.getFloat64(at + L.BAR_POC, true),
    vah: v.getFloat64(at + L.BAR_VAH, true),
    val: v.getFloat64(at + L.BAR_VAL, true),
    vaCoverage: int64(v, at + L.BAR_VA_VOLUME) / vol,
    inferredShare: int64(v, at + L.BAR_INFERRED_VOLUME) / vol,
    buyImbalances: v.getUint16(at + L.BAR_BUY_IMBALANCES, true),
    sellImbalances: v.getUint16(at + L.BAR_SELL_IMBALANCES, true),
    stackedBuy: v.getUint16(at + L.BAR_STACKED_BUY, true),
    stackedSell: v.getUint16(at + L.BAR_STACKED_SELL, true),
    hvn: [],
    lvn: [],
  };
}

/** Reads a closed-bar ring entry's volume nodes into the bar. */
export function decodeNodes(v: DataView, entry: number, bar: BarFeatures): void {
  for (let i = 0, n = v.getInt32(entry + L.RING_N_HVN, true); i < n; i++) bar.hvn.push(v.getFloat64(entry + L.RING_HVN + i * 8, true));
  for (let i = 0, n = v.getInt32(entry + L.RING_N_LVN, true); i < n; i++) bar.lvn.push(v.getFloat64(entry + L.RING_LVN + i * 8, true));
}

/** Decodes one FootprintLevel struct. */
export function decodeLevel(v: DataView, at: number, sizeUnit: number): FootprintLevel {
  return {
    price: v.getFloat64(at + L.LEVEL_PRICE, true),
    bid: int64(v, at + L.LEVEL_BID) / sizeUnit,
    ask: int64(v, at + L.LEVEL_ASK) / sizeUnit,
    bidTrades: v.getUint32(at + L.LEVEL_BID_TRADES, true),
    askTrades: v.getUint32(at + L.LEVEL_ASK_TRADES, true),
  };
}
