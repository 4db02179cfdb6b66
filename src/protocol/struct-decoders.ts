import type { BarFeatures, FootprintLevel } from '../model/bar-features.js';
import type { Bar } from './generated/mia/bar.js';
import { FootprintLevel as FootprintLevelStruct } from './generated/mia/footprint-level.js';

/**
 * Decodes a frame's Bar struct through the generated accessors (the schema is the protocol's only layout:
 * clients never need the kernels' memory map), raw int64 sizes turned into units. Volume nodes are left empty:
 * a closed-bar frame carries them beside the struct.
 */
export function decodeBarStruct(b: Bar, sizeUnit: number): BarFeatures {
  const vol = Number(b.volume());
  const buy = Number(b.buyVolume());
  const sell = Number(b.sellVolume());
  return {
    tsNs: b.tsOpen(),
    timeframeSec: b.timeframeSec(),
    open: b.open(),
    high: b.high(),
    low: b.low(),
    close: b.close(),
    volume: vol / sizeUnit,
    trades: b.trades(),
    buyVolume: buy / sizeUnit,
    sellVolume: sell / sizeUnit,
    delta: (buy - sell) / sizeUnit,
    cumDelta: Number(b.cumDelta()) / sizeUnit,
    cumDeltaHigh: Number(b.cumDeltaHigh()) / sizeUnit,
    cumDeltaLow: Number(b.cumDeltaLow()) / sizeUnit,
    barVwap: b.vwap(),
    vwap: b.sessionVwap(),
    vwapSigma: b.sessionSigma(),
    poc: b.poc(),
    vah: b.vah(),
    val: b.val(),
    vaCoverage: Number(b.vaVolume()) / vol,
    inferredShare: Number(b.inferredVolume()) / vol,
    buyImbalances: b.buyImbalances(),
    sellImbalances: b.sellImbalances(),
    stackedBuy: b.stackedBuy(),
    stackedSell: b.stackedSell(),
    hvn: [],
    lvn: [],
  };
}

/** Decodes `n` FootprintLevel structs of a vector whose element i the accessor `at(i, into)` gives. */
export function decodeLevels(n: number, at: (i: number, into: FootprintLevelStruct) => FootprintLevelStruct | null, sizeUnit: number): FootprintLevel[] {
  const s = new FootprintLevelStruct();
  const out = new Array<FootprintLevel>(n);
  for (let i = 0; i < n; i++) {
    const l = at(i, s)!;
    out[i] = { price: l.price(), bid: Number(l.bid()) / sizeUnit, ask: Number(l.ask()) / sizeUnit, bidTrades: l.bidTrades(), askTrades: l.askTrades() };
  }
  return out;
}
