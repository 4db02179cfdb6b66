import type { BarFeatures } from './bar-features.js';
import { isoNs } from './time.js';
import { formatTimeframe } from './timeframe-format.js';

/** The JSON object `mia features` prints for one closed bar (field order is part of the output format). */
export function barJson(b: BarFeatures): Record<string, unknown> {
  const o: Record<string, unknown> = {
    ts: isoNs(b.tsNs),
    timeframe: formatTimeframe(b.timeframeSec),
    open: b.open,
    high: b.high,
    low: b.low,
    close: b.close,
    volume: b.volume,
    trades: b.trades,
    buyVolume: b.buyVolume,
    sellVolume: b.sellVolume,
    delta: b.delta,
    cumDelta: b.cumDelta,
    cumDeltaHigh: b.cumDeltaHigh,
    cumDeltaLow: b.cumDeltaLow,
    barVwap: b.barVwap,
    vwap: b.vwap,
    vwapSigma: b.vwapSigma,
    poc: b.poc,
    vah: b.vah,
    val: b.val,
    vaCoverage: b.vaCoverage,
    inferredShare: b.inferredShare,
    buyImbalances: b.buyImbalances,
    sellImbalances: b.sellImbalances,
    stackedBuy: b.stackedBuy,
    stackedSell: b.stackedSell,
    hvn: b.hvn,
    lvn: b.lvn,
  };
  if (b.levels) o.levels = b.levels;
  return o;
}
