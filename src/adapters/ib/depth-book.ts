/** IB market-depth operations (updateMktDepth `operation`). */
export const DepthOp = { Insert: 0, Update: 1, Delete: 2 } as const;
/** IB market-depth sides (updateMktDepth `side`). */
export const DepthSide = { Ask: 0, Bid: 1 } as const;

/** Top of the book and its imbalance, for /health and snapshots. */
export interface BookSummary {
  bid: number | undefined;
  ask: number | undefined;
  bidLevels: number;
  askLevels: number;
  /** (Σ bid size − Σ ask size) / (Σ bid size + Σ ask size) over the levels held; undefined when empty. */
  imbalance: number | undefined;
  updates: number;
  /** Updates whose position or operation did not fit the book (counted, ignored). */
  rejected: number;
}

/**
 * An L2 book kept from IB `updateMktDepth` messages: rows addressed by position (0 = best), inserted,
 * updated or deleted in place, as IB's depth protocol defines them. Sizes in contracts. Preallocated
 * typed arrays: an update shifts at most `rows` entries and allocates nothing.
 */
export class DepthBook {
  private readonly rows: number;
  private readonly px: [Float64Array, Float64Array];
  private readonly sz: [Float64Array, Float64Array];
  private readonly n = [0, 0];
  private updates = 0;
  private rejected = 0;

  constructor(rows: number) {
    this.rows = rows;
    this.px = [new Float64Array(rows), new Float64Array(rows)];
    this.sz = [new Float64Array(rows), new Float64Array(rows)];
  }

  /** Applies one depth update; returns false (and counts it) when it does not fit the book. */
  apply(position: number, operation: number, side: number, price: number, size: number): boolean {
    const s: 0 | 1 = side === DepthSide.Bid ? 1 : 0;
    const ok = (side === DepthSide.Bid || side === DepthSide.Ask) && Number.isInteger(position) && position >= 0 && position < this.rows
      && (operation === DepthOp.Delete || (Number.isFinite(price) && Number.isFinite(size) && size >= 0));
    if (!ok) {
      this.rejected++;
      return false;
    }
    const px = this.px[s];
    const sz = this.sz[s];
    const n = this.n[s]!;
    if (operation === DepthOp.Insert) {
      if (position > n) return this.reject();
      const last = Math.min(n, this.rows - 1);
      px.copyWithin(position + 1, position, last);
      sz.copyWithin(position + 1, position, last);
      px[position] = price;
      sz[position] = size;
      this.n[s] = Math.min(n + 1, this.rows);
    } else if (operation === DepthOp.Update) {
      if (position > n) return this.reject();
      px[position] = price;
      sz[position] = size;
      if (position === n) this.n[s] = n + 1;
    } else if (operation === DepthOp.Delete) {
      if (position >= n) return this.reject();
      px.copyWithin(position, position + 1, n);
      sz.copyWithin(position, position + 1, n);
      this.n[s] = n - 1;
    } else return this.reject();
    this.updates++;
    return true;
  }

  /** Empties the book (a resubscription sends it again from scratch). */
  clear(): void {
    this.n[0] = this.n[1] = 0;
  }

  /** Price and size of row `position` of a side, or undefined. */
  level(side: number, position: number): { price: number; size: number } | undefined {
    const s = side === DepthSide.Bid ? 1 : 0;
    if (position >= this.n[s]!) return undefined;
    return { price: this.px[s]![position]!, size: this.sz[s]![position]! };
  }

  /** Top of book and imbalance over the held levels. */
  summary(): BookSummary {
    let bidSum = 0;
    let askSum = 0;
    for (let i = 0; i < this.n[1]!; i++) bidSum += this.sz[1]![i]!;
    for (let i = 0; i < this.n[0]!; i++) askSum += this.sz[0]![i]!;
    const total = bidSum + askSum;
    return {
      bid: this.n[1]! > 0 ? this.px[1]![0] : undefined,
      ask: this.n[0]! > 0 ? this.px[0]![0] : undefined,
      bidLevels: this.n[1]!, askLevels: this.n[0]!,
      imbalance: total > 0 ? (bidSum - askSum) / total : undefined,
      updates: this.updates, rejected: this.rejected,
    };
  }

  private reject(): false {
    this.rejected++;
    return false;
  }
}
