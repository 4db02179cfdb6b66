/**
 * A tick size as an integer ratio `num / den`, `den` a power of ten (0.1 = 1/10, 0.25 = 25/100). A row's
 * price `row × num / den` is then one exact integer product and one correctly rounded division: the double
 * nearest to the decimal price, the number `Number("105899.4")` gives. `row × 0.1` would print
 * 105899.40000000001.
 */
export interface TickRatio {
  /** Integer numerator. */
  readonly num: number;
  /** Power of ten. */
  readonly den: number;
}

/** The tick as num / den with the fewest decimals (up to 12) that give it back; a tick with more keeps den 1. */
export function tickRatio(tickSize: number): TickRatio {
  for (let den = 1; den <= 1e12; den *= 10) {
    const num = Math.round(tickSize * den);
    if (num > 0 && Math.abs(num / den - tickSize) <= tickSize * 1e-12) return { num, den };
  }
  return { num: tickSize, den: 1 };
}

/** The price of absolute row `row` (row = round-half-even(price / tick)). */
export function rowPrice(row: number, tick: TickRatio): number {
  return (row * tick.num) / tick.den;
}
