import { EventName, SecType, type Contract, type ContractDetails, type IBApi } from '@stoqey/ib';
import type { Logger } from 'pino';
import type { InstrumentInfo, MarketSource, TradeSink } from '../../engine/market-source.js';
import { QualityFlag } from '../../protocol/generated/mia/quality-flag.js';
import { contractSpec } from '../../model/contract-specs.js';
import { ContextPrices, type ContextPrice, type IbIndexSymbol } from './context-prices.js';
import { frontMonth } from './front-month.js';
import { IbConnection } from './ib-connection.js';
import { ibError, IbCode, IbErrorCode } from './ib-errors.js';
import { resolveIbSettings, type IbSettings } from './ib-settings.js';
import { InstrumentFeed, type RouteKind } from './instrument-feed.js';
import type { IbFutureSymbol } from './ib-symbols.js';

/** Settings of {@link IbSource}: the symbols plus any {@link IbSettings} to override. */
export interface IbSourceOptions extends Partial<IbSettings> {
  symbols: readonly IbFutureSymbol[];
  /** Cash indices followed for context prices (default SPX and NDX; none: `[]`). */
  context?: readonly IbIndexSymbol[];
}

interface Resolution {
  reqId: number;
  symbol: IbFutureSymbol;
  details: ContractDetails[];
  contract?: Contract;
}

/**
 * Interactive Brokers as a live market source: ES/NQ front months resolved by the roll rule, tick-by-tick
 * trades with sides inferred against the BidAsk stream, an L2 book per instrument, and a connection that
 * never runs blind: a lost socket or IB connectivity flags every snapshot Disconnected, every reconnect
 * resubscribes with fresh request ids and backfills the gap (snapshots flagged Gap until it is filled).
 *
 * Sides: IB's AllLast carries no aggressor, so `hasSides` is false (snapshots say SidesInferred). The adapter
 * classifies each trade itself when it arrives, against the BidAsk quote prevailing at that moment (the
 * engine only sees quotes at poll time, too late for the quote rule); trades it cannot classify (no quote,
 * no tick history) arrive as Side.None and the engine's tape writer applies the tick rule. Backfilled
 * trades use the tick rule (their quotes are not requested).
 */
export class IbSource implements MarketSource {
  readonly kind = 'ib';
  readonly eager = false;
  readonly instruments: readonly InstrumentInfo[];
  /** The connection (the order route sends through it). */
  readonly connection: IbConnection;
  private readonly s: IbSettings;
  private readonly log: Logger;
  private readonly symbols: readonly IbFutureSymbol[];
  private readonly context: ContextPrices;
  private readonly routes = new Map<number, { feed: InstrumentFeed; kind: RouteKind }>();
  private readonly binders: Array<(api: IBApi) => void> = [];
  private readonly upListeners: Array<(nextOrderId: number) => void> = [];
  private feeds: InstrumentFeed[] = [];
  private resolving: Resolution[] = [];
  private resolved: ((feeds: InstrumentFeed[]) => void) | undefined;
  private failed: ((e: Error) => void) | undefined;
  private subscribedOnce = false;
  private api: IBApi | undefined;
  private nextOrderId = 0;
  private tradingHealth: () => Record<string, unknown> = () => ({ mode: 'off' });
  private readonly ready: Promise<InstrumentFeed[]>;

  private constructor(o: IbSourceOptions, log: Logger) {
    const { symbols, context, ...rest } = o;
    this.s = resolveIbSettings(rest);
    this.symbols = symbols;
    this.log = log;
    // ES and NQ both have a specification.
    this.instruments = symbols.map((symbol) => ({ symbol, tickSize: contractSpec(symbol)!.tickSize, sizeDecimals: 0, hasSides: false, sidesInferred: true }));
    this.ready = new Promise((resolve, reject) => {
      this.resolved = resolve;
      this.failed = reject;
    });
    this.connection = new IbConnection(this.s, {
      bind: (api) => this.bind(api),
      up: (api, nextOrderId, first) => this.onUp(api, nextOrderId, first),
      orderId: (id) => {
        this.nextOrderId = id;
        for (const l of this.upListeners) l(id);
      },
      down: (reason) => this.onDown(reason),
      dataDown: () => undefined,
      dataUp: (code, resubscribe) => this.onDataUp(code, resubscribe),
      reqError: (reqId, code, text) => this.onReqError(reqId, code, text),
    }, log);
    this.context = new ContextPrices(context ?? ['SPX', 'NDX'], this.connection, this.s, log);
  }

  /**
   * Connects, resolves the front months and starts the subscriptions and the start-up backfill. Rejects
   * with MIA_ERR_IB_CONNECT when no connection came up within `startTimeoutMs`, MIA_ERR_IB_CONTRACT when a
   * symbol has no front-month listing.
   */
  static async open(o: IbSourceOptions, log: Logger, abort?: AbortSignal): Promise<IbSource> {
    const src = new IbSource(o, log);
    src.connection.start();
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(ibError(IbErrorCode.IB_CONNECT,
        `no IB connection at ${src.s.host}:${src.s.port} within ${src.s.startTimeoutMs} ms (is TWS/IB Gateway running with the API enabled?)`,
        { host: src.s.host, port: src.s.port })), src.s.startTimeoutMs);
      // A shutdown during the start (SIGTERM while the gateway is unreachable) closes the attempt at once.
      onAbort = () => reject(abort?.reason instanceof Error ? abort.reason : new Error('aborted'));
      if (abort?.aborted) onAbort();
      else abort?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([src.ready, timeout]);
    } catch (e) {
      await src.close();
      throw e;
    } finally {
      clearTimeout(timer);
      if (onAbort) abort?.removeEventListener('abort', onAbort);
    }
    return src;
  }

  /** Attaches listeners to every IB client the connection creates (the order route uses it). */
  addBinder(bind: (api: IBApi) => void): void {
    this.binders.push(bind);
    if (this.api) bind(this.api);
  }

  /** Where `health().trading` comes from: the order route registers itself (without one, trading is off). */
  setTradingHealth(report: () => object): void {
    this.tradingHealth = () => ({ ...report() });
  }

  /** Called with the next valid order id on each connection (at once when connected now). */
  onConnected(listener: (nextOrderId: number) => void): void {
    this.upListeners.push(listener);
    if (this.connection.connected && this.nextOrderId > 0) listener(this.nextOrderId);
  }

  /** The resolved contract of a symbol. */
  contractOf(symbol: string): Contract | undefined {
    return this.feeds.find((f) => f.symbol === symbol)?.contract;
  }

  /** The latest context price of a cash index (SPX, NDX), if one arrived. */
  contextPrice(symbol: IbIndexSymbol): ContextPrice | undefined {
    return this.context.price(symbol);
  }

  poll(sink: TradeSink): boolean {
    for (let i = 0; i < this.feeds.length; i++) {
      const f = this.feeds[i]!;
      const q = f.quote;
      if (q.fresh) {
        q.fresh = false;
        sink.quote(i, BigInt(q.sec) * 1_000_000_000n, q.bid, q.ask, q.bidSize, q.askSize);
      }
      f.queue.offer(sink, i);
    }
    return true;
  }

  qualityFlags(i: number): number {
    const f = this.feeds[i];
    return (this.connection.dataUp ? 0 : QualityFlag.Disconnected) | (!f || f.gapOpen ? QualityFlag.Gap : 0);
  }

  connected(): boolean {
    return this.connection.dataUp;
  }

  health(): Record<string, unknown> {
    return {
      connection: this.connection.health(), dataUp: this.connection.dataUp, instruments: this.feeds.map((f) => f.health()),
      context: this.context.health(), trading: this.tradingHealth(),
    };
  }

  async close(): Promise<void> {
    for (const f of this.feeds) f.close();
    this.connection.close();
  }

  private bind(api: IBApi): void {
    this.api = api;
    const at = (reqId: number, kind: RouteKind): InstrumentFeed | undefined => {
      const r = this.routes.get(reqId);
      return r && r.kind === kind ? r.feed : undefined;
    };
    api.on(EventName.tickByTickAllLast, (reqId: number, _type: number, time: string, price: number, size: number) => at(reqId, 'last')?.onLast(time, price, size));
    api.on(EventName.tickByTickBidAsk, (reqId: number, time: number, bid: number, ask: number, bidSize: number, askSize: number) =>
      at(reqId, 'bidAsk')?.onBidAsk(time, bid, ask, bidSize, askSize));
    api.on(EventName.updateMktDepth, (reqId: number, position: number, operation: number, side: number, price: number, size: number) =>
      at(reqId, 'depth')?.book.apply(position, operation, side, price, size));
    api.on(EventName.updateMktDepthL2, (reqId: number, position: number, _mm: string, operation: number, side: number, price: number, size: number) =>
      at(reqId, 'depth')?.book.apply(position, operation, side, price, size));
    api.on(EventName.historicalTicksLast, (reqId: number, ticks: Array<{ time?: number; price?: number; size?: number }>) =>
      at(reqId, 'historical')?.onHistorical(reqId, ticks));
    api.on(EventName.historicalData, (reqId: number, date: string, open: number, high: number, low: number, close: number, volume: number) =>
      at(reqId, 'historical')?.onBar(reqId, date, open, high, low, close, volume));
    api.on(EventName.contractDetails, (reqId: number, d: ContractDetails) => this.resolving.find((r) => r.reqId === reqId)?.details.push(d));
    api.on(EventName.contractDetailsEnd, (reqId: number) => this.onContractsEnd(reqId));
    this.context.bind(api);
    for (const b of this.binders) b(api);
  }

  private onUp(_api: IBApi, nextOrderId: number, _first: boolean): void {
    this.nextOrderId = nextOrderId;
    for (const l of this.upListeners) l(nextOrderId);
    if (!this.feeds.length) {
      this.resolveContracts();
      return;
    }
    this.restore();
  }

  private onDown(reason: string): void {
    this.routes.clear();
    this.resolving = [];
    for (const f of this.feeds) f.disconnected();
    this.context.disconnected();
    this.log.warn({ reason, symbols: this.symbols }, 'IB market data disconnected, snapshots flagged');
  }

  private onDataUp(code: number, resubscribe: boolean): void {
    if (!this.feeds.length) return;
    if (resubscribe) {
      this.restore();
      return;
    }
    // Subscriptions kept (1102, farm back): the outage is still a gap in the tape.
    for (const f of this.feeds) f.startGap(this.s.nowSec() - this.s.backfillSec);
    this.log.info({ code }, 'IB market data restored, backfilling the outage');
  }

  /** Every subscription again with fresh ids, then the gap since the last trade. */
  private restore(): void {
    for (const f of this.feeds) {
      f.subscribe();
      f.startGap(this.s.nowSec() - this.s.backfillSec);
    }
    this.context.restore();
    this.log.info({ subscriptions: this.feeds.map((f) => ({ symbol: f.symbol, ...f.ids })), restored: this.subscribedOnce }, this.subscribedOnce ? 'IB subscriptions restored' : 'IB subscriptions started');
    this.subscribedOnce = true;
  }

  private resolveContracts(): void {
    this.resolving = this.symbols.map((symbol) => ({ reqId: this.connection.nextReqId(), symbol, details: [] }));
    for (const r of this.resolving) {
      const query: Contract = { symbol: r.symbol, secType: SecType.FUT, exchange: 'CME', currency: 'USD' };
      this.connection.send((api) => api.reqContractDetails(r.reqId, query));
    }
  }

  private onContractsEnd(reqId: number): void {
    const r = this.resolving.find((x) => x.reqId === reqId);
    if (!r) return;
    r.details.sort((a, b) => (a.contract.lastTradeDateOrContractMonth ?? '').localeCompare(b.contract.lastTradeDateOrContractMonth ?? ''));
    const front = frontMonth(new Date(this.s.nowSec() * 1000));
    const d = r.details.find((x) => (x.contractMonth ?? x.contract.lastTradeDateOrContractMonth ?? '').startsWith(front.contractMonth));
    if (!d?.contract.conId) {
      this.failed?.(ibError(IbErrorCode.IB_CONTRACT, `${r.symbol}: no ${front.contractMonth} contract among ${r.details.length} listed`, { symbol: r.symbol, contractMonth: front.contractMonth }));
      return;
    }
    r.contract = { conId: d.contract.conId, exchange: 'CME', localSymbol: d.contract.localSymbol, symbol: r.symbol, secType: SecType.FUT, currency: 'USD' };
    const all = this.resolving.map((x) => x.contract);
    if (all.some((c) => !c)) return;
    this.feeds = this.resolving.map((x, i) => new InstrumentFeed(x.symbol, all[i]!, this.connection, this.s, this.log, (id, kind) => {
      if (kind) this.routes.set(id, { feed: this.feeds[i]!, kind });
      else this.routes.delete(id);
    }));
    this.resolving = [];
    this.log.info({ contracts: this.feeds.map((f) => ({ symbol: f.symbol, localSymbol: f.contract.localSymbol, conId: f.contract.conId })), roll: front.rollDate.toISOString().slice(0, 10) }, 'IB contracts resolved');
    this.restore();
    this.resolved?.(this.feeds);
  }

  private onReqError(reqId: number, code: number, text: string): void {
    const r = this.routes.get(reqId);
    if (r?.kind === 'historical' && r.feed.onHistoricalError(reqId, code, text)) return;
    if (this.context.onReqError(reqId, code, text)) return;
    const res = this.resolving.find((x) => x.reqId === reqId);
    if (res && code === IbCode.NO_SECURITY_DEFINITION) {
      this.failed?.(ibError(IbErrorCode.IB_CONTRACT, `${res.symbol}: ${text}`, { symbol: res.symbol, code }));
      return;
    }
    this.log.warn({ reqId, code, text, symbol: r?.feed.symbol, kind: r?.kind }, 'IB request error');
  }
}
