/** A trade as IB reports it: whole-second time, price, size (contracts), and the side inferred on arrival. */
export interface IbTrade {
  sec: number;
  price: number;
  size: number;
  side: number;
  /** Arrival time (nowUs clock); historical trades carry the time their page arrived. */
  receivedUs: number;
}

function same(a: IbTrade, b: IbTrade): boolean {
  return a.sec === b.sec && a.price === b.price && a.size === b.size;
}

/**
 * How many leading trades of `next` repeat the end of `prev`: the largest m such that the last m trades of
 * `prev` equal the first m of `next` (same second, price, size). IB stamps trades to the second and gives
 * no trade id, so the seam between two views of one tape (what was already taken and a historical page; a
 * historical page and the live stream resumed during the backfill) is found by sequence overlap. Only
 * trades of `prev` at or after the first second of `next` can overlap. Identical trades at the seam are
 * indistinguishable; the longest overlap is taken.
 */
export function overlap(prev: readonly IbTrade[], next: readonly IbTrade[]): number {
  if (!prev.length || !next.length) return 0;
  const firstSec = next[0]!.sec;
  let start = prev.length;
  while (start > 0 && prev[start - 1]!.sec >= firstSec) start--;
  for (let m = Math.min(prev.length - start, next.length); m > 0; m--) {
    const from = prev.length - m;
    let ok = true;
    for (let k = 0; k < m && ok; k++) ok = same(prev[from + k]!, next[k]!);
    if (ok) return m;
  }
  return 0;
}

/** The trades of `trades` in its last second (the seam a later view of the tape may repeat). */
export function lastSecond(trades: readonly IbTrade[]): IbTrade[] {
  if (!trades.length) return [];
  const sec = trades[trades.length - 1]!.sec;
  let i = trades.length;
  while (i > 0 && trades[i - 1]!.sec === sec) i--;
  return trades.slice(i);
}
