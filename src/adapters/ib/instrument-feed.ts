import type { Contract } from '@stoqey/ib';
import type { Logger } from 'pino';
import { nowUs } from '../../common/clock.js';
import { SideClassifier } from '../../data/side-classifier.js';
import { Side } from '../../model/side.js';
import { BAR_SEC, barTrades, nextBarStart, type IbBar } from './bar-fill.js';
import { DepthBook } from './depth-book.js';
import type { IbConnection } from './ib-connection.js';
import { IbCode } from './ib-errors.js';
import type { IbSettings } from './ib-settings.js';
import { lastSecond, overlap, type IbTrade } from './tape-merge.js';
import { TradeQueue } from './trade-queue.js';

/** The request ids of an instrument's live subscriptions on the current connection. */
export interface SubscriptionIds {
  last: number;
  bidAsk: number;
  depth: number;
}

/** Where the request ids of a feed are routed (the source keeps one map for all feeds). */
export type RouteKind = 'last' | 'bidAsk' | 'depth' | 'historical';

/** IB's UTC date-time form for historical requests: `yyyyMMdd-HH:mm:ss`. */
export function ibUtc(sec: number): string {
  const d = new Date(Math.floor(sec) * 1000).toISOString();
  return `${d.slice(0, 4)}${d.slice(5, 7)}${d.slice(8, 10)}-${d.slice(11, 19)}`;
}

/** A trade IB may send: positive finite price, positive whole size, a time after the epoch. */
function validTrade(sec: number, price: number, size: number): boolean {
  return price > 0 && Number.isFinite(price) && size > 0 && Number.isInteger(size) && sec > 0;
}

/**
 * One instrument of the IB source: its live subscriptions (tick-by-tick AllLast and BidAsk, market depth),
 * the side of each trade inferred on arrival against the prevailing BidAsk quote, the L2 book, and the gap
 * machine. A gap (start-up, reconnect, 1101/1102) holds the live trades while historical ticks fill the
 * time since the last trade handed over; the seams on both sides are de-duplicated by sequence overlap
 * (tape-merge.ts), so the tape gets every trade exactly once unless the gap is declared lost. Where IB has
 * no historical ticks (162 other than a pacing violation, or every attempt failed) the gap is filled from
 * 1-minute bars instead (bar-fill.ts): approximate trades, so the Gap flag stays for `barFillFlagSec` after.
 */
export class InstrumentFeed {
  readonly symbol: string;
  readonly contract: Contract;
  readonly queue = new TradeQueue();
  readonly book: DepthBook;
  ids: SubscriptionIds | undefined;
  /** Last BidAsk quote and whether the engine has seen it. */
  readonly quote = { bid: Number.NaN, ask: Number.NaN, bidSize: 0, askSize: 0, sec: 0, fresh: false };
  private readonly live = new SideClassifier();
  private readonly tickOnly = new SideClassifier();
  private readonly conn: IbConnection;
  private readonly s: IbSettings;
  private readonly log: Logger;
  private readonly route: (reqId: number, kind: RouteKind | undefined) => void;
  private subscribed = false;
  private gap: 'none' | 'backfilling' | 'settling' | 'bars' = 'none';
  private hold: IbTrade[] = [];
  private acc: IbTrade[] = [];
  private seamBefore: IbTrade[] = [];
  private gapFromSec = 0;
  private pages = 0;
  private attempts = 0;
  private histReqId = -1;
  private histTimer: NodeJS.Timeout | undefined;
  private settleTimer: NodeJS.Timeout | undefined;
  private bars: IbBar[] = [];
  private barsFromSec = 0;
  private barFlagUntilSec = 0;
  /** Until when (wall clock, `nowSec`) a lost gap or stand-in bars keep the Gap flag. */
  private flagUntilSec = 0;
  private readonly c = {
    trades: 0, rejected: 0, outOfOrder: 0, seamDuplicates: 0, backfilled: 0, gaps: 0, gapsBackfilled: 0, gapsLost: 0,
    resubscriptions: 0, quotes: 0, gapsBarFilled: 0, barTrades: 0,
  };

  constructor(symbol: string, contract: Contract, conn: IbConnection, s: IbSettings, log: Logger, route: (reqId: number, kind: RouteKind | undefined) => void) {
    this.symbol = symbol;
    this.contract = contract;
    this.conn = conn;
    this.s = s;
    this.log = log;
    this.route = route;
    this.book = new DepthBook(s.depthRows);
  }

  /**
   * True while snapshots must carry the Gap flag: a backfill is running, a lost gap is recent, or bars stood in
   * for trades less than `barFillFlagSec` ago and the timeframes still hold them. Read per snapshot: one clock read.
   */
  get gapOpen(): boolean {
    return this.gap !== 'none' || this.s.nowSec() < this.flagUntilSec;
  }

  /** Requests the live streams with fresh ids (a new connection, or 1101). */
  subscribe(): void {
    const c = this.contract;
    const old = this.ids;
    if (old) {
      // Same connection (1101): retire the old ids so a stream IB still sends cannot be taken twice.
      for (const id of [old.last, old.bidAsk, old.depth]) this.route(id, undefined);
      this.conn.send((api) => api.cancelTickByTickData(old.last));
      this.conn.send((api) => api.cancelTickByTickData(old.bidAsk));
      this.conn.send((api) => api.cancelMktDepth(old.depth, false));
    }
    const ids = { last: this.conn.nextReqId(), bidAsk: this.conn.nextReqId(), depth: this.conn.nextReqId() };
    if (this.subscribed) this.c.resubscriptions++;
    this.subscribed = true;
    this.ids = ids;
    this.route(ids.last, 'last');
    this.route(ids.bidAsk, 'bidAsk');
    this.route(ids.depth, 'depth');
    this.book.clear();
    this.conn.send((api) => api.reqTickByTickData(ids.last, c, 'AllLast' as never, 0, false));
    this.conn.send((api) => api.reqTickByTickData(ids.bidAsk, c, 'BidAsk' as never, 0, false));
    this.conn.send((api) => api.reqMktDepth(ids.depth, c, this.s.depthRows, false, []));
  }

  /** Opens a gap from the last trade handed over (or from `fallbackSec` when none was) and backfills it. */
  startGap(fallbackSec: number): void {
    this.stopTimers();
    this.c.gaps++;
    this.gap = 'backfilling';
    this.hold = [];
    this.acc = [];
    this.bars = [];
    this.seamBefore = this.queue.lastSec >= 0 ? this.queue.seam() : [];
    this.gapFromSec = this.queue.lastSec >= 0 ? this.queue.lastSec : Math.floor(fallbackSec);
    this.pages = 0;
    this.attempts = 0;
    this.log.info({ symbol: this.symbol, from: ibUtc(this.gapFromSec) }, 'Backfill started');
    this.requestPage(this.gapFromSec);
  }

  /** The connection died: pending requests are void (the next connection opens a new gap). */
  disconnected(): void {
    this.stopTimers();
    this.histReqId = -1;
    this.ids = undefined;
  }

  /** A tick-by-tick AllLast trade. */
  onLast(time: string, price: number, size: number): void {
    const sec = Number(time);
    if (!validTrade(sec, price, size)) {
      this.c.rejected++;
      return;
    }
    const side = this.live.classify(price);
    if (this.gap !== 'none') {
      this.hold.push({ sec, price, size, side, receivedUs: nowUs() });
      if (this.gap === 'settling' && sec > this.accLastSec()) this.finish(false);
      return;
    }
    if (sec < this.queue.lastSec) {
      this.c.outOfOrder++;
      return;
    }
    this.c.trades++;
    this.queue.push(sec, price, size, side, nowUs());
  }

  /** A tick-by-tick BidAsk quote: the reference for the sides of the next trades. */
  onBidAsk(time: number | string, bid: number, ask: number, bidSize: number, askSize: number): void {
    if (!Number.isFinite(bid) || !Number.isFinite(ask) || !(bid > 0) || !(ask > 0)) {
      this.c.rejected++;
      return;
    }
    this.c.quotes++;
    this.live.onQuote(bid, ask);
    const q = this.quote;
    q.bid = bid;
    q.ask = ask;
    q.bidSize = Number.isFinite(bidSize) ? bidSize : 0;
    q.askSize = Number.isFinite(askSize) ? askSize : 0;
    q.sec = Number(time) || q.sec;
    q.fresh = true;
  }

  /** A page of historical trades for request `reqId`. */
  onHistorical(reqId: number, ticks: ReadonlyArray<{ time?: number; price?: number; size?: number }>): void {
    if (reqId !== this.histReqId || this.gap !== 'backfilling') return;
    this.stopTimers();
    this.histReqId = -1;
    this.route(reqId, undefined);
    this.pages++;
    const receivedUs = nowUs();
    const page: IbTrade[] = [];
    for (const t of ticks) {
      const sec = Number(t.time);
      const price = Number(t.price);
      const size = Number(t.size);
      if (!validTrade(sec, price, size)) this.c.rejected++;
      else page.push({ sec, price, size, side: Side.None, receivedUs });
    }
    const prev = this.acc.length ? lastSecond(this.acc) : this.seamBefore;
    const dup = overlap(prev, page);
    this.c.seamDuplicates += dup;
    for (let k = dup; k < page.length; k++) this.acc.push(page[k]!);
    const lastSec = page.length ? page[page.length - 1]!.sec : this.gapFromSec;
    const full = ticks.length >= this.s.backfillPageTicks;
    const liveFirst = this.hold.length ? this.hold[0]!.sec : Number.POSITIVE_INFINITY;
    if (full && lastSec < liveFirst) {
      if (this.pages >= this.s.backfillMaxPages) this.finish(true);
      // IB never splits a second across pages: the next page starts at the next second.
      else this.requestPage(lastSec + 1);
      return;
    }
    this.gap = 'settling';
    if (this.hold.length && this.hold[this.hold.length - 1]!.sec > this.accLastSec()) this.finish(false);
    else this.settleTimer = setTimeout(() => this.finish(false), this.s.settleMs);
  }

  /** One bar of the bars request `reqId`, or its end (@stoqey/ib marks it with a date `finished…`). */
  onBar(reqId: number, date: string, open: number, high: number, low: number, close: number, volume: number): void {
    if (reqId !== this.histReqId || this.gap !== 'bars') return;
    if (!String(date).startsWith('finished')) {
      this.bars.push({ sec: Number(date), open, high, low, close, volume: Number(volume) });
      return;
    }
    this.stopTimers();
    this.histReqId = -1;
    this.route(reqId, undefined);
    // Whole bars only, up to the live stream (held trades) or the bar in progress.
    const nowSec = Math.floor(this.s.nowSec());
    const toSec = this.hold.length ? Math.min(this.hold[0]!.sec, nowSec) : nowSec;
    const trades = barTrades(this.bars, this.barsFromSec, toSec, nowUs());
    for (const t of trades) this.acc.push(t);
    this.c.barTrades += trades.length;
    this.bars = [];
    this.finish(false, Math.max(this.barsFromSec, Math.floor(toSec / BAR_SEC) * BAR_SEC));
  }

  /** An error for request `reqId`; returns true when it was this feed's historical query. */
  onHistoricalError(reqId: number, code: number, text: string): boolean {
    if (reqId !== this.histReqId) return false;
    this.stopTimers();
    this.histReqId = -1;
    this.route(reqId, undefined);
    const why = `${code} ${text}`;
    if (this.gap === 'bars') this.retryBars(why);
    // 162 is also IB's pacing violation: that one is worth a retry; any other 162 means no ticks to be had.
    else if (code === IbCode.HISTORICAL_ERROR && !/pacing/i.test(text)) this.startBars(why);
    else this.retryPage(why);
    return true;
  }

  /** Counters and state for /health. */
  health(): Record<string, unknown> {
    return {
      symbol: this.symbol, localSymbol: this.contract.localSymbol, conId: this.contract.conId, subscriptions: this.ids ?? null,
      gap: this.gap, gapFlag: this.gapOpen, ...this.c,
      barFlagUntil: this.barFlagUntilSec ? new Date(this.barFlagUntilSec * 1000).toISOString() : null, waiting: this.queue.length,
      quote: Number.isFinite(this.quote.bid) ? { bid: this.quote.bid, ask: this.quote.ask, bidSize: this.quote.bidSize, askSize: this.quote.askSize } : null,
      book: this.book.summary(),
    };
  }

  /** Stops timers (the source closes). */
  close(): void {
    this.stopTimers();
  }

  private accLastSec(): number {
    return this.acc.length ? this.acc[this.acc.length - 1]!.sec : this.gapFromSec;
  }

  private requestPage(fromSec: number): void {
    const reqId = this.conn.nextReqId();
    this.histReqId = reqId;
    this.route(reqId, 'historical');
    const c = this.contract;
    const n = this.s.backfillPageTicks;
    this.conn.send((api) => api.reqHistoricalTicks(reqId, c, ibUtc(fromSec), '', n, 'TRADES' as never, false, true), true);
    this.histTimer = setTimeout(() => {
      this.histReqId = -1;
      this.route(reqId, undefined);
      this.retryPage('timeout');
    }, this.s.historicalTimeoutMs);
  }

  private retryPage(why: string): void {
    if (this.gap !== 'backfilling') return;
    if (++this.attempts > this.s.historicalRetries) {
      this.startBars(why);
      return;
    }
    const from = this.acc.length ? this.accLastSec() + 1 : this.gapFromSec;
    this.requestPage(from);
  }

  private startBars(why: string): void {
    this.gap = 'bars';
    this.attempts = 0;
    this.log.warn({ symbol: this.symbol, why }, 'Historical ticks unavailable, backfilling with 1-minute bars');
    this.requestBars();
  }

  private requestBars(): void {
    this.bars = [];
    // From the first whole minute that cannot hold a trade already taken.
    this.barsFromSec = nextBarStart((this.acc.length ? this.accLastSec() : this.gapFromSec) + 1);
    const durationSec = Math.max(BAR_SEC, Math.ceil(this.s.nowSec() - this.barsFromSec));
    const reqId = this.conn.nextReqId();
    this.histReqId = reqId;
    this.route(reqId, 'historical');
    const c = this.contract;
    // End '' is "now" on IB's clock; formatDate 2 dates the bars in epoch seconds.
    this.conn.send((api) => api.reqHistoricalData(reqId, c, '', `${durationSec} S`, '1 min' as never, 'TRADES' as never, 0, 2, false), true);
    this.histTimer = setTimeout(() => {
      this.histReqId = -1;
      this.route(reqId, undefined);
      this.retryBars('timeout');
    }, this.s.historicalTimeoutMs);
  }

  private retryBars(why: string): void {
    if (this.gap !== 'bars') return;
    if (++this.attempts > this.s.historicalRetries) {
      this.log.warn({ symbol: this.symbol, why, attempts: this.attempts }, 'Historical ticks and bars unavailable, gap left unfilled');
      this.finish(true);
      return;
    }
    this.requestBars();
  }

  /** Hands the history and the held live trades over; `barsUntilSec` when bars filled the gap up to then. */
  private finish(lost: boolean, barsUntilSec = 0): void {
    if (this.gap === 'none') return;
    this.stopTimers();
    this.histReqId = -1;
    // Historical trades carry no side and their quotes are gone: the tick rule, continued from the tape.
    this.tickOnly.reset();
    const seam = this.seamBefore;
    if (seam.length) this.tickOnly.observe(seam[seam.length - 1]!.price, Side.None);
    const dup = overlap(this.acc, this.hold);
    this.c.seamDuplicates += dup;
    let pushed = 0;
    let held = 0;
    for (const t of this.acc) {
      if (t.sec < this.queue.lastSec) {
        this.c.outOfOrder++;
        continue;
      }
      this.queue.push(t.sec, t.price, t.size, this.tickOnly.classify(t.price), t.receivedUs);
      pushed++;
    }
    for (let k = dup; k < this.hold.length; k++) {
      const t = this.hold[k]!;
      if (t.sec < this.queue.lastSec) {
        this.c.outOfOrder++;
        continue;
      }
      this.queue.push(t.sec, t.price, t.size, t.side, t.receivedUs);
      held++;
    }
    this.c.backfilled += pushed;
    this.c.trades += pushed + held;
    if (lost) {
      this.c.gapsLost++;
      this.flagUntilSec = Math.max(this.flagUntilSec, this.s.nowSec() + this.s.lostGapFlagMs / 1000);
    } else if (barsUntilSec) {
      this.c.gapsBarFilled++;
      this.barFlagUntilSec = Math.max(this.barFlagUntilSec, barsUntilSec + this.s.barFillFlagSec);
      this.flagUntilSec = Math.max(this.flagUntilSec, this.barFlagUntilSec);
    } else this.c.gapsBackfilled++;
    this.log.info({ symbol: this.symbol, backfilled: pushed, held: this.hold.length, seamDuplicates: dup, pages: this.pages, lost, byBars: barsUntilSec > 0 }, 'Backfill completed');
    this.gap = 'none';
    this.hold = [];
    this.acc = [];
    this.seamBefore = [];
  }

  private stopTimers(): void {
    if (this.histTimer) clearTimeout(this.histTimer);
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.histTimer = this.settleTimer = undefined;
  }
}
