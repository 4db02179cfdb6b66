// A row's price. row × tick in binary floating point prints 105899.40000000001 for row 1058994 at tick 0.1;
// with the tick as an integer ratio num / den (den a power of ten), (row × num) is an exact integer and one
// division rounds it to the nearest double of the decimal price: the same number that parsing "105899.4" gives.
import * as L from './layout';

/** The price of absolute row `row` of the symbol whose state block is at st. */
@inline export function rowPrice(st: usize, row: i32): f64 {
  return <f64>row * load<f64>(st, L.S_TICK_NUM) / load<f64>(st, L.S_TICK_DEN);
}
