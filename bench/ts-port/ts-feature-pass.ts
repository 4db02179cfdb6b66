// The kernels' streaming algorithm written in plain TypeScript over typed arrays, reading the same tape.
// It exists so the benchmark compares WASM with the best plain-TS version of the same work, not with the
// slow obviously-correct reference in src/kernels/reference. bench/full-pass.bench.ts checks its totals
// against the WASM kernels before timing anything.
import * as L from '../../src/kernels/layout.js';

const ROW = 5; // bid, ask, volume, bid trades, ask trades per grid row
const NS = 1_000_000_000n;

/** One timeframe's open bar. */
class BarState {
  tfNs: bigint;
  endHi = 0;
  endLo = 0;
  open = false;
  tsOpen = 0n;
  first = 0;
  high = 0;
  low = 0;
  close = 0;
  vol = 0;
  buy = 0;
  sell = 0;
  cum = 0;
  cumHi = 0;
  cumLo = 0;
  pv = 0;
  trades = 0;
  lo = 0;
  hi = 0;
  readonly grid: Float64Array;
  constructor(tfSec: number, rows: number) {
    this.tfNs = BigInt(tfSec) * NS;
    this.grid = new Float64Array(rows * ROW);
  }
}

/** Totals the pass produces, to prove it did the work. */
export interface TsPassTotals {
  bars: number;
  volume: number;
  pocSum: number;
}

/** Runs the full feature pass over `count` trades of the tape at `tape` in `memory`. */
export function tsFeaturePass(memory: WebAssembly.Memory, tape: number, count: number, tfSec: readonly number[], tick: number, rows: number): TsPassTotals {
  const u32 = new Uint32Array(memory.buffer);
  const f64 = new Float64Array(memory.buffer);
  const u8 = new Uint8Array(memory.buffer);
  const bars = tfSec.map((s) => new BarState(s, rows));
  const base = bars[0]!;
  const session = new Float64Array(rows);
  let gridBase = 0;
  let cum = 0;
  let sVol = 0;
  let sPV = 0;
  let sP2V = 0;
  let anchor = 0;
  let totals: TsPassTotals = { bars: 0, volume: 0, pocSum: 0 };
  const closeBar = (b: BarState): void => {
    // profile + imbalances, as the kernel does at each close
    const g = b.grid;
    let total = 0;
    let poc = b.lo;
    let best = -1;
    for (let r = b.lo; r <= b.hi; r++) {
      const v = g[(r - gridBase) * ROW + 2]!;
      total += v;
      if (v > best) { best = v; poc = r; }
    }
    let a = poc, z = poc, acc = best;
    while (acc < 0.7 * total && (a > b.lo || z < b.hi)) {
      const up = (z + 1 <= b.hi ? g[(z + 1 - gridBase) * ROW + 2]! : 0) + (z + 2 <= b.hi ? g[(z + 2 - gridBase) * ROW + 2]! : 0);
      const dn = (a - 1 >= b.lo ? g[(a - 1 - gridBase) * ROW + 2]! : 0) + (a - 2 >= b.lo ? g[(a - 2 - gridBase) * ROW + 2]! : 0);
      if (z < b.hi && (a <= b.lo || up >= dn)) { acc += up; z = Math.min(z + 2, b.hi); } else { acc += dn; a = Math.max(a - 2, b.lo); }
    }
    let imb = 0;
    for (let r = b.lo; r < b.hi; r++) {
      const bid = g[(r - gridBase) * ROW]!;
      const ask = g[(r + 1 - gridBase) * ROW + 1]!;
      if (ask >= 3 * bid && ask >= 30) imb++;
      if (bid >= 3 * ask && bid >= 30) imb++;
    }
    totals.bars++;
    totals.volume += b.vol;
    totals.pocSum += poc * tick + (a + z + imb) * 0;
    g.fill(0, (b.lo - gridBase) * ROW, (b.hi - gridBase + 1) * ROW);
    b.open = false;
  };
  const fold = (d: BarState, s: BarState): void => {
    if (!d.open) {
      d.open = true;
      d.tsOpen = (s.tsOpen / d.tfNs) * d.tfNs;
      const end = d.tsOpen + d.tfNs;
      d.endHi = Number(end >> 32n);
      d.endLo = Number(end & 0xffffffffn);
      d.first = s.first; d.high = s.high; d.low = s.low; d.cumHi = s.cumHi; d.cumLo = s.cumLo; d.lo = s.lo; d.hi = s.hi;
      d.vol = d.buy = d.sell = d.pv = d.trades = 0;
    } else {
      d.high = Math.max(d.high, s.high); d.low = Math.min(d.low, s.low);
      d.cumHi = Math.max(d.cumHi, s.cumHi); d.cumLo = Math.min(d.cumLo, s.cumLo);
      d.lo = Math.min(d.lo, s.lo); d.hi = Math.max(d.hi, s.hi);
    }
    d.close = s.close; d.cum = s.cum; d.vol += s.vol; d.buy += s.buy; d.sell += s.sell; d.pv += s.pv; d.trades += s.trades;
    const dg = d.grid, sg = s.grid;
    for (let i = (s.lo - gridBase) * ROW, e = (s.hi - gridBase + 1) * ROW; i < e; i++) dg[i]! += sg[i]!;
  };
  for (let i = 0; i < count; i++) {
    const at = tape + i * L.TRADE_BYTES;
    const lo32 = u32[at >>> 2]!;
    const hi32 = u32[(at >>> 2) + 1]!;
    const price = f64[(at + L.TRADE_PRICE) >>> 3]!;
    if (!base.open || hi32 > base.endHi || (hi32 === base.endHi && lo32 >= base.endLo)) {
      const ts = (BigInt(hi32) << 32n) | BigInt(lo32);
      if (base.open) {
        for (let k = 1; k < bars.length; k++) fold(bars[k]!, base);
        closeBar(base);
        for (let k = 1; k < bars.length; k++) {
          const b = bars[k]!;
          if (b.open && (hi32 > b.endHi || (hi32 === b.endHi && lo32 >= b.endLo))) closeBar(b);
        }
      }
      if (i === 0) {
        gridBase = Math.round(price / tick) - (rows >> 1);
        anchor = price;
      }
      base.open = true;
      base.tsOpen = (ts / base.tfNs) * base.tfNs;
      const end = base.tsOpen + base.tfNs;
      base.endHi = Number(end >> 32n);
      base.endLo = Number(end & 0xffffffffn);
      base.first = base.high = base.low = price;
      base.vol = base.buy = base.sell = base.pv = base.trades = 0;
      base.cumHi = -Infinity; base.cumLo = Infinity;
      base.lo = 0x7fffffff; base.hi = -0x80000000;
    }
    const size = u32[(at + L.TRADE_SIZE) >>> 2]!;
    const side = u8[at + L.TRADE_SIDE]!;
    const row = Math.round(price / tick);
    const g = (row - gridBase) * ROW;
    const grid = base.grid;
    grid[g + 2]! += size;
    if (side === 1) { grid[g + 1]! += size; grid[g + 4]!++; base.buy += size; cum += size; }
    else if (side === 2) { grid[g]! += size; grid[g + 3]!++; base.sell += size; cum -= size; }
    session[row - gridBase]! += size;
    if (price > base.high) base.high = price;
    if (price < base.low) base.low = price;
    base.close = price;
    base.vol += size;
    base.cum = cum;
    if (cum > base.cumHi) base.cumHi = cum;
    if (cum < base.cumLo) base.cumLo = cum;
    base.pv += price * size;
    base.trades++;
    if (row < base.lo) base.lo = row;
    if (row > base.hi) base.hi = row;
    const dp = price - anchor;
    sPV += dp * size;
    sP2V += dp * dp * size;
    sVol += size;
  }
  if (base.open) {
    for (let k = 1; k < bars.length; k++) fold(bars[k]!, base);
    closeBar(base);
  }
  for (let k = 1; k < bars.length; k++) if (bars[k]!.open) closeBar(bars[k]!);
  totals.pocSum += (sPV + sP2V + sVol) * 0;
  return totals;
}
