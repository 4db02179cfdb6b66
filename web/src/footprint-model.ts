import { diagonalImbalances } from '../../src/model/imbalance.js';
import type { FootprintRow } from './bar-book.js';

/** Diagonal-imbalance settings: a multiplier, a minimum volume in units, a stacked run length. */
export interface ImbalanceSettings {
  ratio: number;
  minVolume: number;
  stackedLevels: number;
}

/**
 * One bar's footprint laid out for drawing: dense rows from the lowest traded price up by one tick (rows inside
 * the range without trades are 0), each row's diagonal-imbalance marks, whether it sits in a stacked run, the
 * bar's POC row, and the cell texts, made once per bar so that painting allocates nothing.
 */
export interface FootprintCells {
  /** Price of row 0 and the row step. */
  lowPrice: number;
  tick: number;
  bid: Float64Array;
  ask: Float64Array;
  /** 1 where ask[p] ≥ ratio × bid[p−1] (buy imbalance, marked on the ask) / bid[p] ≥ ratio × ask[p+1] (sell, on the bid). */
  buy: Uint8Array;
  sell: Uint8Array;
  /** 1 where the row belongs to a run of at least `stackedLevels` buy (sell) imbalances. */
  stackedBuy: Uint8Array;
  stackedSell: Uint8Array;
  /** Row of the bar's POC, −1 when it is not on the grid. */
  pocRow: number;
  /** Largest single cell (bid or ask) of the bar: the shading's scale. */
  maxCell: number;
  bidText: string[];
  askText: string[];
  /** The rows as the frame carried them: what `__mia.footprint(time)` reports as drawn. */
  rows: readonly FootprintRow[];
}

/** Volumes as a footprint cell shows them: whole units, thousands shortened past five digits. */
export function cellText(v: number): string {
  if (v >= 100_000) return `${Math.round(v / 1000)}k`;
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

function markRuns(flags: readonly boolean[], levels: number, into: Uint8Array): void {
  let start = 0;
  for (let i = 0; i <= flags.length; i++) {
    if (i < flags.length && flags[i]) continue;
    if (i - start >= levels) into.fill(1, start, i);
    start = i + 1;
  }
}

/**
 * Lays out `rows` (a bar's footprint, any order) on the tick grid and finds its diagonal imbalances with the
 * model's definition (src/model/imbalance.ts, docs/features.md). Undefined for a bar without rows.
 */
export function footprintCells(rows: readonly FootprintRow[] | undefined, tick: number, poc: number, s: ImbalanceSettings): FootprintCells | undefined {
  if (!rows || rows.length === 0 || !(tick > 0)) return undefined;
  let low = Infinity;
  let high = -Infinity;
  for (const r of rows) {
    if (r.price < low) low = r.price;
    if (r.price > high) high = r.price;
  }
  const n = Math.round((high - low) / tick) + 1;
  const bid = new Float64Array(n);
  const ask = new Float64Array(n);
  let maxCell = 0;
  for (const r of rows) {
    const i = Math.round((r.price - low) / tick);
    bid[i]! += r.bid;
    ask[i]! += r.ask;
    maxCell = Math.max(maxCell, bid[i]!, ask[i]!);
  }
  const imb = diagonalImbalances(bid, ask, s.ratio, s.minVolume, s.stackedLevels);
  const stackedBuy = new Uint8Array(n);
  const stackedSell = new Uint8Array(n);
  markRuns(imb.buyRows, s.stackedLevels, stackedBuy);
  markRuns(imb.sellRows, s.stackedLevels, stackedSell);
  const pocRow = Number.isFinite(poc) ? Math.round((poc - low) / tick) : -1;
  return {
    lowPrice: low,
    tick,
    bid,
    ask,
    buy: Uint8Array.from(imb.buyRows, Number),
    sell: Uint8Array.from(imb.sellRows, Number),
    stackedBuy,
    stackedSell,
    pocRow: pocRow >= 0 && pocRow < n ? pocRow : -1,
    maxCell,
    bidText: Array.from(bid, cellText),
    askText: Array.from(ask, cellText),
    rows: [...rows].sort((a, b) => a.price - b.price),
  };
}
