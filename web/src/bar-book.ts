import { isoToNs } from '../../src/model/time.js';
import type { BarJson } from '../../src/protocol/messages.js';

/** One footprint row as bar frames carry it (bid = sell-aggressor volume, ask = buy-aggressor volume). */
export interface FootprintRow {
  price: number;
  bid: number;
  ask: number;
  bidTrades: number;
  askTrades: number;
}

/** A bar as the charts need it: open time in UTC seconds and the fields drawn. */
export interface BarPoint {
  /** Bar open, seconds since the epoch (UTC): the charts' time. */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  delta: number;
  cumDelta: number;
  /** Session VWAP and its σ after the bar's last trade. */
  vwap: number;
  vwapSigma: number;
  /** The bar's own point of control. */
  poc: number;
  stackedBuy: number;
  stackedSell: number;
  /** Footprint rows, low to high; undefined when the frame had none. */
  levels: readonly FootprintRow[] | undefined;
  /** False for the bar in progress (from a snapshot) and for a bar whose close has not arrived yet. */
  closed: boolean;
}

let lastIso = '';
let lastSec = 0;

/** UTC seconds of a bar's ISO open time (the last answer is remembered: a snapshot repeats its bar's). */
export function barTime(iso: string): number {
  if (iso === lastIso) return lastSec;
  const ns = isoToNs(iso);
  if (ns === undefined) throw new Error(`bar time "${iso}" is not ISO-8601 UTC`);
  lastIso = iso;
  lastSec = Number(ns / 1_000_000_000n);
  return lastSec;
}

const num = (b: BarJson, k: string): number => (typeof b[k] === 'number' ? (b[k] as number) : NaN);

/** A decoded bar (a bar frame's, a snapshot frame's, or one of GET /bars) as a chart point. */
export function toBarPoint(b: BarJson, closed: boolean, levels?: readonly FootprintRow[]): BarPoint {
  return {
    time: barTime(b.ts),
    open: num(b, 'open'),
    high: num(b, 'high'),
    low: num(b, 'low'),
    close: num(b, 'close'),
    volume: num(b, 'volume'),
    delta: num(b, 'delta'),
    cumDelta: num(b, 'cumDelta'),
    vwap: num(b, 'vwap'),
    vwapSigma: num(b, 'vwapSigma'),
    poc: num(b, 'poc'),
    stackedBuy: num(b, 'stackedBuy'),
    stackedSell: num(b, 'stackedSell'),
    levels: levels ?? (Array.isArray(b.levels) ? (b.levels as FootprintRow[]) : undefined),
    closed,
  };
}

/**
 * Whether `cur` opens a new session after `prev`: within a session cumDelta(cur) = cumDelta(prev) + delta(cur)
 * exactly (integer units; a small tolerance covers fractional sizes), and it restarts at a session start.
 */
export function startsSession(prev: BarPoint, cur: BarPoint): boolean {
  return Math.abs(prev.cumDelta + cur.delta - cur.cumDelta) > 1e-6 * Math.max(1, Math.abs(cur.cumDelta));
}

/** What a change to the book asks of the charts. */
export type BookChange =
  | { kind: 'none' }
  /** Redraw everything from `bars` (history loaded, an insert in the middle, a trim). */
  | { kind: 'reset' }
  /** Update or append one point; `historical` when a later point is already drawn. */
  | { kind: 'upsert'; point: BarPoint; historical: boolean };

const NONE: BookChange = { kind: 'none' };
const RESET: BookChange = { kind: 'reset' };

/**
 * The bars of one chart: history (GET /bars) merged with the live stream by open time, so the seam has no gap
 * and no duplicate. Closed bars that arrive before the history are held and merged into it (a subscriber
 * subscribes before it asks, so together they cover every bar). The bar in progress is the last point; when a
 * snapshot starts a newer bar before the close of the previous one arrived, that one stays as a provisional bar
 * until its close replaces it. Bounded: past `capacity + slack` bars the oldest go, in one reset.
 */
export class BarBook {
  private readonly capacity: number;
  private readonly slack: number;
  /** Sorted by time, at most one per time; the last may be the bar in progress (closed false). */
  readonly bars: BarPoint[] = [];
  private early: BarPoint[] = [];
  /** GET /bars has answered for the current selection. */
  loaded = false;

  constructor(capacity: number, slack: number) {
    this.capacity = capacity;
    this.slack = slack;
  }

  /** Forgets everything (a new selection, or a reload after reconnecting). */
  clear(): void {
    this.bars.length = 0;
    this.early = [];
    this.loaded = false;
  }

  /** The history answered: merged with what the stream sent meanwhile (the stream's bar wins at equal times). */
  loadHistory(history: readonly BarPoint[]): BookChange {
    const byTime = new Map<number, BarPoint>();
    for (const b of history) byTime.set(b.time, b);
    for (const b of this.bars) if (!b.closed && !byTime.has(b.time)) byTime.set(b.time, b);
    for (const b of this.early) byTime.set(b.time, b);
    const merged = [...byTime.values()].sort((a, b) => a.time - b.time);
    this.bars.length = 0;
    for (const b of merged.slice(-this.capacity)) this.bars.push(b);
    this.early = [];
    this.loaded = true;
    return RESET;
  }

  /** A closed bar from the stream. */
  addClosed(p: BarPoint): BookChange {
    if (!this.loaded) {
      this.early.push(p);
      return NONE;
    }
    return this.put(p);
  }

  /** The bar in progress of the latest snapshot (ignored when its close has already arrived). */
  setLive(p: BarPoint): BookChange {
    const last = this.bars[this.bars.length - 1];
    if (last && (last.time > p.time || (last.time === p.time && last.closed))) return NONE;
    if (!this.loaded) {
      // Kept until the history arrives: it merges as the last point.
      if (last && last.time === p.time) this.bars[this.bars.length - 1] = p;
      else this.bars.push(p);
      return NONE;
    }
    return this.put(p);
  }

  /** Index of the bar open at `time`, or -1. */
  indexOf(time: number): number {
    let lo = 0;
    let hi = this.bars.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const t = this.bars[mid]!.time;
      if (t === time) return mid;
      if (t < time) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private put(p: BarPoint): BookChange {
    const n = this.bars.length;
    const last = this.bars[n - 1];
    if (!last || p.time > last.time) {
      this.bars.push(p);
      if (this.bars.length > this.capacity + this.slack) {
        this.bars.splice(0, this.bars.length - this.capacity);
        return RESET;
      }
      return { kind: 'upsert', point: p, historical: false };
    }
    const i = this.indexOf(p.time);
    if (i < 0) {
      // A bar older than the last drawn and never seen: insert it and redraw (rare: a late close).
      const at = this.bars.findIndex((b) => b.time > p.time);
      this.bars.splice(at, 0, p);
      return RESET;
    }
    this.bars[i] = p;
    return { kind: 'upsert', point: p, historical: i < n - 1 };
  }
}
