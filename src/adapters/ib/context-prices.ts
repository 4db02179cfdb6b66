import { EventName, SecType, type Contract, type ContractDetails, type IBApi } from '@stoqey/ib';
import type { Logger } from 'pino';
import type { IbConnection } from './ib-connection.js';
import { IbCode } from './ib-errors.js';
import type { IbSettings } from './ib-settings.js';

/** Cash indices the adapter follows for context: S&P 500 (CBOE) and Nasdaq-100 (NASDAQ). */
export type IbIndexSymbol = 'SPX' | 'NDX';

/** Where IB lists each index (secType IND). */
export const INDEX_EXCHANGE: Record<IbIndexSymbol, string> = { SPX: 'CBOE', NDX: 'NASDAQ' };

/** The latest price of a context index and when it arrived (the adapter's clock: IB stamps no time). */
export interface ContextPrice {
  price: number;
  /** Arrival time, ISO 8601 UTC. */
  ts: string;
}

// TWS tick types carrying an index value: LAST, and DELAYED_LAST when the account has delayed data only.
const LAST = 4;
const DELAYED_LAST = 68;

interface IndexState {
  symbol: IbIndexSymbol;
  contract: Contract | undefined;
  resolveId: number;
  reqId: number;
  latest: ContextPrice | undefined;
  updates: number;
  rejected: number;
  error: string | undefined;
}

/**
 * SPX and NDX as context prices: resolved with `reqContractDetails` (IND) and followed with `reqMktData`
 * last prices. Tick-by-tick data exists only for indices listed on CME (TWS API, "Tick-by-Tick Data"), so
 * these two come through the ordinary market-data stream. Indices have no traded volume: nothing here
 * reaches the tape or the order-flow kernels. Like every other subscription they are requested again with
 * fresh ids after a reconnect or 1101; a missing listing or permission leaves that index without a price
 * and never stops the futures.
 */
export class ContextPrices {
  private readonly conn: IbConnection;
  private readonly s: IbSettings;
  private readonly log: Logger;
  private readonly states: IndexState[];

  constructor(symbols: readonly IbIndexSymbol[], conn: IbConnection, s: IbSettings, log: Logger) {
    this.conn = conn;
    this.s = s;
    this.log = log;
    this.states = symbols.map((symbol) => ({ symbol, contract: undefined, resolveId: -1, reqId: -1, latest: undefined, updates: 0, rejected: 0, error: undefined }));
  }

  /** The latest price of `symbol`, if one arrived. */
  price(symbol: IbIndexSymbol): ContextPrice | undefined {
    return this.states.find((x) => x.symbol === symbol)?.latest;
  }

  /** Listeners on a fresh IB client. */
  bind(api: IBApi): void {
    api.on(EventName.contractDetails, (reqId: number, d: ContractDetails) => {
      const st = this.states.find((x) => x.resolveId === reqId);
      if (st && !st.contract && d.contract.conId) {
        st.contract = { conId: d.contract.conId, symbol: st.symbol, secType: SecType.IND, exchange: INDEX_EXCHANGE[st.symbol], currency: 'USD' };
      }
    });
    api.on(EventName.contractDetailsEnd, (reqId: number) => {
      const st = this.states.find((x) => x.resolveId === reqId);
      if (!st) return;
      st.resolveId = -1;
      if (!st.contract) {
        st.error = 'no IND listing';
        this.log.warn({ index: st.symbol, exchange: INDEX_EXCHANGE[st.symbol] }, 'Context index not listed, no context price');
        return;
      }
      this.log.info({ index: st.symbol, conId: st.contract.conId, exchange: st.contract.exchange }, 'Context index resolved');
      this.subscribe(st);
    });
    api.on(EventName.tickPrice, (reqId: number, tickType: number, price: number) => {
      if (tickType !== LAST && tickType !== DELAYED_LAST) return;
      const st = this.states.find((x) => x.reqId === reqId);
      if (!st) return;
      if (!(price > 0) || !Number.isFinite(price)) {
        st.rejected++;
        return;
      }
      st.updates++;
      st.latest = { price, ts: new Date(this.s.nowSec() * 1000).toISOString() };
    });
  }

  /** (Re)subscribes every index with fresh ids, resolving those not resolved yet; same-socket ids are cancelled first. */
  restore(): void {
    for (const st of this.states) {
      if (st.resolveId >= 0) continue;
      if (st.contract) this.subscribe(st);
      else this.resolve(st);
    }
  }

  /** The connection died: its ids are void. */
  disconnected(): void {
    for (const st of this.states) {
      st.reqId = -1;
      st.resolveId = -1;
    }
  }

  /** An IB error on request `reqId`; true when it was one of these indices' requests. */
  onReqError(reqId: number, code: number, text: string): boolean {
    const st = this.states.find((x) => x.reqId === reqId || x.resolveId === reqId);
    if (!st) return false;
    if (st.resolveId === reqId) st.resolveId = -1;
    st.error = `${code} ${text}`;
    const level = code === IbCode.NO_SECURITY_DEFINITION ? 'Context index not listed, no context price' : 'Context index request error';
    this.log.warn({ index: st.symbol, reqId, code, text }, level);
    return true;
  }

  /** Latest prices and subscription state for /health, by index. */
  health(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const st of this.states) {
      out[st.symbol] = {
        price: st.latest?.price ?? null, ts: st.latest?.ts ?? null, conId: st.contract?.conId ?? null,
        reqId: st.reqId >= 0 ? st.reqId : null, updates: st.updates, rejected: st.rejected, error: st.error ?? null,
      };
    }
    return out;
  }

  private resolve(st: IndexState): void {
    st.resolveId = this.conn.nextReqId();
    const id = st.resolveId;
    const query: Contract = { symbol: st.symbol, secType: SecType.IND, exchange: INDEX_EXCHANGE[st.symbol], currency: 'USD' };
    this.conn.send((api) => api.reqContractDetails(id, query));
  }

  private subscribe(st: IndexState): void {
    const old = st.reqId;
    // Same connection (1101): cancel the old stream so a late tick on it cannot count twice.
    if (old >= 0) this.conn.send((api) => api.cancelMktData(old));
    st.reqId = this.conn.nextReqId();
    const id = st.reqId;
    const c = st.contract!;
    st.error = undefined;
    this.conn.send((api) => api.reqMktData(id, c, '', false, false));
  }
}
