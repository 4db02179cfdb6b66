import type { BarFeatures, FeatureConfig, FootprintLevel } from '../../model/bar-features.js';
import { diagonalImbalances } from '../../model/imbalance.js';
import { nextSessionStartNs, sessionStartNs } from '../../model/session.js';
import { TradeFlag } from '../../model/side.js';
import { pointOfControl, valueArea } from '../../model/value-area.js';

/**
 * The obviously-correct feature pass: docs/features.md computed directly from a list of trades, one
 * timeframe at a time, with Maps and plain numbers. It is the oracle the WASM kernels are property-tested
 * against, so it shares no code with them (asm/) beyond the pure definitions in src/model.
 */

/** A trade as the reference reads it. */
export interface ReferenceTrade {
  tsNs: bigint;
  price: number;
  /** Raw size (integer units of 10^-sizeDecimals). */
  size: number;
  side: 0 | 1 | 2;
  /** TradeFlag bits (INFERRED). */
  flags?: number;
}

/** Round half to even, as pandas .round() and WebAssembly f64.nearest do. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

interface Row {
  bid: number;
  ask: number;
  vol: number;
  bidTrades: number;
  askTrades: number;
}

/** Tracks the session of each trade, asking the calendar only when a trade leaves the current one. */
class SessionTracker {
  start = -1n;
  next = -1n;
  private readonly anchor: FeatureConfig['session'];
  constructor(anchor: FeatureConfig['session']) {
    this.anchor = anchor;
  }
  /** True when `ts` starts a new session. */
  enter(ts: bigint): boolean {
    if (ts >= this.start && ts < this.next) return false;
    this.start = sessionStartNs(ts, this.anchor);
    this.next = nextSessionStartNs(ts, this.anchor);
    return true;
  }
}

/** Every closed bar of one timeframe, per docs/features.md. */
export function computeBarFeatures(
  trades: readonly ReferenceTrade[],
  config: FeatureConfig & NodeConfig & { timeframeSec: number; withLevels?: boolean },
): BarFeatures[] {
  const unit = 10 ** config.sizeDecimals;
  const tf = BigInt(config.timeframeSec) * 1_000_000_000n;
  const sessions = new SessionTracker(config.session);
  const out: BarFeatures[] = [];
  let cum = 0;
  let sVol = 0;
  let sPV = 0;
  let sP2V = 0;
  let anchor = 0;
  let bar: { key: bigint; t: ReferenceTrade[]; cums: number[]; rows: Map<number, Row>; vwap: number; sigma: number } | undefined;

  const close = (): void => {
    if (!bar) return;
    const t = bar.t;
    let vol = 0, buy = 0, sell = 0, pv = 0, inferred = 0, hi = -Infinity, lo = Infinity;
    for (const x of t) {
      vol += x.size;
      if (x.side === 1) buy += x.size;
      if (x.side === 2) sell += x.size;
      pv += x.price * x.size;
      if ((x.flags ?? 0) & TradeFlag.INFERRED) inferred += x.size;
      hi = Math.max(hi, x.price);
      lo = Math.min(lo, x.price);
    }
    const keys = [...bar.rows.keys()];
    const minRow = keys.reduce((a, k) => Math.min(a, k), Infinity);
    const maxRow = keys.reduce((a, k) => Math.max(a, k), -Infinity);
    const dense = (f: keyof Row): number[] =>
      Array.from({ length: maxRow - minRow + 1 }, (_, i) => bar!.rows.get(minRow + i)?.[f] ?? 0);
    const vols = dense('vol');
    const poc = pointOfControl(vols);
    const va = valueArea(vols, poc, config.valueAreaShare, config.valueAreaMethod);
    const nodes = volumeNodes(vols, minRow, config, 4);
    const imb = diagonalImbalances(dense('bid'), dense('ask'), config.imbalanceRatio, config.imbalanceMinVolume * unit, config.stackedLevels);
    const f: BarFeatures = {
      tsNs: bar.key,
      timeframeSec: config.timeframeSec,
      open: t[0]!.price,
      high: hi,
      low: lo,
      close: t.at(-1)!.price,
      volume: vol / unit,
      trades: t.length,
      buyVolume: buy / unit,
      sellVolume: sell / unit,
      delta: (buy - sell) / unit,
      cumDelta: bar.cums.at(-1)! / unit,
      cumDeltaHigh: bar.cums.reduce((a, c) => Math.max(a, c), -Infinity) / unit,
      cumDeltaLow: bar.cums.reduce((a, c) => Math.min(a, c), Infinity) / unit,
      barVwap: pv / vol,
      vwap: bar.vwap,
      vwapSigma: bar.sigma,
      poc: price(minRow + poc, config.tickSize),
      vah: price(minRow + va.hi, config.tickSize),
      val: price(minRow + va.lo, config.tickSize),
      vaCoverage: va.volume / va.total,
      inferredShare: inferred / vol,
      buyImbalances: imb.buyCount,
      sellImbalances: imb.sellCount,
      stackedBuy: imb.stackedBuy,
      stackedSell: imb.stackedSell,
      hvn: nodes.hvn,
      lvn: nodes.lvn,
    };
    if (config.withLevels) {
      f.levels = [...bar.rows.entries()].sort((a, b) => a[0] - b[0]).map(([r, v]): FootprintLevel => ({
        price: price(r, config.tickSize), bid: v.bid / unit, ask: v.ask / unit, bidTrades: v.bidTrades, askTrades: v.askTrades,
      }));
    }
    out.push(f);
  };

  for (const x of trades) {
    const key = (x.tsNs / tf) * tf;
    if (bar && key !== bar.key) {
      close();
      bar = undefined;
    }
    if (sessions.enter(x.tsNs)) {
      cum = sVol = sPV = sP2V = 0;
      anchor = x.price; // deviations from the session's first price keep Σ s·d² well conditioned
    }
    bar ??= { key, t: [], cums: [], rows: new Map(), vwap: 0, sigma: 0 };
    if (x.side === 1) cum += x.size;
    if (x.side === 2) cum -= x.size;
    const d = x.price - anchor;
    sVol += x.size;
    sPV += d * x.size;
    sP2V += d * d * x.size;
    const mean = sPV / sVol;
    bar.vwap = anchor + mean;
    bar.sigma = Math.sqrt(Math.max(0, sP2V / sVol - mean * mean));
    bar.t.push(x);
    bar.cums.push(cum);
    const r = roundHalfEven(x.price / config.tickSize);
    const row = bar.rows.get(r) ?? { bid: 0, ask: 0, vol: 0, bidTrades: 0, askTrades: 0 };
    row.vol += x.size;
    if (x.side === 1) {
      row.ask += x.size;
      row.askTrades++;
    } else if (x.side === 2) {
      row.bid += x.size;
      row.bidTrades++;
    }
    bar.rows.set(r, row);
  }
  close();
  return out;
}

/** HVN/LVN parameters (docs/features.md); defaults k = 1, minimum share 0.10. */
export interface NodeConfig {
  hvnHalfWidth?: number;
  hvnMinShare?: number;
}

/**
 * A row's price as the decimal it is: row × tick written with the tick's decimals (0.1 → 1 decimal), so
 * row 1058994 at tick 0.1 is 105899.4, not the binary product 105899.40000000001 (docs/features.md).
 */
function price(row: number, tickSize: number): number {
  const [mantissa, exponent] = String(tickSize).split('e');
  const decimals = Math.max(0, (mantissa!.split('.')[1]?.length ?? 0) - Number(exponent ?? 0));
  return Number((row * tickSize).toFixed(Math.min(decimals, 20)));
}

/**
 * High and low volume nodes of a dense profile (docs/features.md "HVN/LVN"), at most `maxNodes` of each, low
 * to high. The kernels keep 4 per closed bar and 16 for the session profile.
 */
function volumeNodes(vols: number[], minRow: number, config: NodeConfig & { tickSize: number }, maxNodes: number): { hvn: number[]; lvn: number[] } {
  const k = config.hvnHalfWidth ?? 1;
  const smooth = vols.map((_, i) => {
    const a = Math.max(0, i - k);
    const b = Math.min(vols.length - 1, i + k);
    let s = 0;
    for (let j = a; j <= b; j++) s += vols[j]!;
    return s / (b - a + 1);
  });
  const peak = smooth.reduce((a, v) => Math.max(a, v), 0);
  const hvn: number[] = [];
  const lvn: number[] = [];
  for (let i = 1; i + 1 < smooth.length; i++) {
    const [p, c, n] = [smooth[i - 1]!, smooth[i]!, smooth[i + 1]!];
    if (c > p && c >= n && c >= (config.hvnMinShare ?? 0.1) * peak && hvn.length < maxNodes) hvn.push(price(minRow + i, config.tickSize));
    if (c < p && c <= n && lvn.length < maxNodes) lvn.push(price(minRow + i, config.tickSize));
  }
  return { hvn, lvn };
}

/** Session profile of the last session in `trades`: POC, value area, coverage, HVN and LVN prices. */
export function computeSessionProfile(
  trades: readonly ReferenceTrade[],
  config: FeatureConfig & NodeConfig,
): { poc: number; vah: number; val: number; vaCoverage: number; total: number; hvn: number[]; lvn: number[] } {
  const sessions = new SessionTracker(config.session);
  let rows = new Map<number, number>();
  for (const x of trades) {
    if (sessions.enter(x.tsNs)) rows = new Map();
    const r = roundHalfEven(x.price / config.tickSize);
    rows.set(r, (rows.get(r) ?? 0) + x.size);
  }
  const keys = [...rows.keys()];
  const minRow = keys.reduce((a, k) => Math.min(a, k), Infinity);
  const maxRow = keys.reduce((a, k) => Math.max(a, k), -Infinity);
  const vols = Array.from({ length: maxRow - minRow + 1 }, (_, i) => rows.get(minRow + i) ?? 0);
  const poc = pointOfControl(vols);
  const va = valueArea(vols, poc, config.valueAreaShare, config.valueAreaMethod);
  const { hvn, lvn } = volumeNodes(vols, minRow, config, 16);
  return {
    poc: price(minRow + poc, config.tickSize), vah: price(minRow + va.hi, config.tickSize), val: price(minRow + va.lo, config.tickSize),
    vaCoverage: va.volume / va.total, total: va.total, hvn, lvn,
  };
}

/**
 * Side inference by the tick rule (docs/features.md "Side inference") for trades without quotes: up-tick
 * buys, down-tick sells, zero-tick repeats the last inferred direction; the first trade stays None.
 */
export function classifyByTickRule(trades: readonly ReferenceTrade[]): ReferenceTrade[] {
  let last = Number.NaN;
  let dir: 0 | 1 | 2 = 0;
  return trades.map((x) => {
    if (x.side !== 0) {
      last = x.price;
      dir = x.side;
      return x;
    }
    const side: 0 | 1 | 2 = x.price > last ? 1 : x.price < last ? 2 : dir;
    last = x.price;
    if (side !== 0) dir = side;
    return { ...x, side, flags: side !== 0 ? TradeFlag.INFERRED : 0 };
  });
}
