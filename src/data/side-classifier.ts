import { Side, type SideCode } from '../model/side.js';

/**
 * Infers the aggressor of trades whose feed does not report it (Interactive Brokers `AllLast`, side-less
 * CSVs), per docs/features.md: the quote rule against the prevailing L1 quote (at or above the ask buys,
 * at or below the bid sells, inside goes to the nearer side), the tick rule at the mid or without a quote.
 * O(1) and allocation-free per trade.
 */
export class SideClassifier {
  private bid = Number.NaN;
  private ask = Number.NaN;
  private lastPrice = Number.NaN;
  private lastDir: SideCode = Side.None;

  /** Records the prevailing L1 quote. */
  onQuote(bid: number, ask: number): void {
    this.bid = bid;
    this.ask = ask;
  }

  /** Forgets quote and tick history (a new session or a data gap). */
  reset(): void {
    this.bid = this.ask = this.lastPrice = Number.NaN;
    this.lastDir = Side.None;
  }

  /** Feeds a trade whose side is known, so the tick rule has the right history. */
  observe(price: number, side: SideCode): void {
    this.lastPrice = price;
    if (side !== Side.None) this.lastDir = side;
  }

  /** Infers the side of a trade at `price` and records it; None when nothing is known yet. */
  classify(price: number): SideCode {
    let side: SideCode = Side.None;
    if (this.bid < this.ask) {
      if (price >= this.ask) side = Side.Buy;
      else if (price <= this.bid) side = Side.Sell;
      else {
        const mid = (this.bid + this.ask) / 2;
        if (price > mid) side = Side.Buy;
        else if (price < mid) side = Side.Sell;
      }
    }
    if (side === Side.None) side = this.tickRule(price);
    this.lastPrice = price;
    if (side !== Side.None) this.lastDir = side;
    return side;
  }

  private tickRule(price: number): SideCode {
    if (price > this.lastPrice) return Side.Buy;
    if (price < this.lastPrice) return Side.Sell;
    return this.lastDir; // zero tick (or no history: None)
  }
}
