import type { BarFeatures, FootprintLevel } from '../model/bar-features.js';
import * as L from './layout.js';

/**
 * Decodes a Bar struct at `at` into {@link BarFeatures}, converting raw sizes to units. This is the edge
 * where int64 becomes bigint/number: once per bar, never per trade.
 */
export function decodeBar(v: DataView, at: number, sizeUnit: number): BarFeatures {
  const vol = Number(v.getBigInt64(at + L.BAR_VOLUME, true));
  const buy = Number(v.getBigInt64(at + L.BAR_BUY_VOLUME, true));
  const sell = Number(v.getBigInt64(at + L.BAR_SELL_VOLUME, true));
  const u = (off: number): number => Number(v.getBigInt64(at + off, true)) / sizeUnit;
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
    cumDelta: u(L.BAR_CUM_DELTA),
    cumDeltaHigh: u(L.BAR_CUM_DELTA_HIGH),
    cumDeltaLow: u(L.BAR_CUM_DELTA_LOW),
    barVwap: v.getFloat64(at + L.BAR_VWAP, true),
    vwap: v.getFloat64(at + L.BAR_SESSION_VWAP, true),
    vwapSigma: v.getFloat64(at + L.BAR_SESSION_SIGMA, true),
    poc: v.getFloat64(at + L.BAR_POC, true),
    vah: v.getFloat64(at + L.BAR_VAH, true),
    val: v.getFloat64(at + L.BAR_VAL, true),
    vaCoverage: Number(v.getBigInt64(at + L.BAR_VA_VOLUME, true)) / vol,
    inferredShare: Number(v.getBigInt64(at + L.BAR_INFERRED_VOLUME, true)) / vol,
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
    bid: Number(v.getBigInt64(at + L.LEVEL_BID, true)) / sizeUnit,
    ask: Number(v.getBigInt64(at + L.LEVEL_ASK, true)) / sizeUnit,
    bidTrades: v.getUint32(at + L.LEVEL_BID_TRADES, true),
    askTrades: v.getUint32(at + L.LEVEL_ASK_TRADES, true),
  };
}
