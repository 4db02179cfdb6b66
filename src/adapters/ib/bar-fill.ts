import { Side } from '../../model/side.js';
import type { IbTrade } from './tape-merge.js';

/** Seconds in one bar of the backfill's fallback (IB `1 min`). */
export const BAR_SEC = 60;

/** A 1-minute TRADES bar as IB reports it (`formatDate` 2: the start as epoch seconds). */
export interface IbBar {
  /** Bar start, epoch seconds. */
  sec: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Contracts traded in the bar. */
  volume: number;
}

/** Bar start at or after `sec` (the first whole bar that cannot hold a trade already taken). */
export function nextBarStart(sec: number): number {
  return Math.ceil(sec / BAR_SEC) * BAR_SEC;
}

/**
 * Trades standing in for the bars that lie wholly inside [fromSec, toSec): a bar is a summary, so its trades
 * cannot be recovered; each becomes up to four trades along the usual OHLC path (up bar O→L→H→C, down bar
 * O→H→L→C; equal neighbours merged) at the bar's start, +20 s, +40 s and +59 s, its volume split evenly with
 * the remainder on the close. What this keeps exact for every timeframe of a minute or more: open, high, low,
 * close and volume. What it cannot: the footprint, delta (sides come from the tick rule), VWAP within the bar
 * and the trade count. Bars without volume (or with bad prices) give no trades. Partial bars at either end
 * are left out: their trades overlap what the tape already has or what the live stream brings.
 */
export function barTrades(bars: readonly IbBar[], fromSec: number, toSec: number, receivedUs: number): IbTrade[] {
  const out: IbTrade[] = [];
  for (const b of bars) {
    if (b.sec < fromSec || b.sec + BAR_SEC > toSec) continue;
    const volume = Math.floor(b.volume);
    if (!(volume >= 1) || ![b.open, b.high, b.low, b.close].every((p) => p > 0 && Number.isFinite(p))) continue;
    const path = b.close >= b.open ? [b.open, b.low, b.high, b.close] : [b.open, b.high, b.low, b.close];
    const at = [0, 20, 40, 59];
    let points = path.map((price, k) => ({ price, dt: at[k]! })).filter((p, k, all) => k === 0 || p.price !== all[k - 1]!.price);
    // Fewer contracts than points: keep the open side of the path and always the close.
    if (points.length > volume) points = [...points.slice(0, volume - 1), points[points.length - 1]!];
    const each = Math.floor(volume / points.length);
    for (let k = 0; k < points.length; k++) {
      const size = k === points.length - 1 ? volume - each * (points.length - 1) : each;
      out.push({ sec: b.sec + points[k]!.dt, price: points[k]!.price, size, side: Side.None, receivedUs });
    }
  }
  return out;
}
