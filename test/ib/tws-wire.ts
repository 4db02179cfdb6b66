/**
 * The TWS API wire format, server side, as @stoqey/ib 1.6 speaks it (its `core/io/socket.js`, `decoder.js`
 * and `encoder.js` are the reference for every field order below): after the client's `API\0` + length +
 * `v100..193` greeting, every message in both directions is a 4-byte big-endian length followed by fields
 * each terminated by NUL. Field orders are those of server version {@link SERVER_VERSION}.
 */

/** Server version the test server announces (within the client's v100..193 range). */
export const SERVER_VERSION = 176;

/** Incoming (server → client) message ids. */
export const IN = {
  TICK_PRICE: 1, ORDER_STATUS: 3, ERR_MSG: 4, OPEN_ORDER: 5, NEXT_VALID_ID: 9, CONTRACT_DATA: 10, EXECUTION_DATA: 11,
  MARKET_DEPTH: 12, MANAGED_ACCTS: 15, HISTORICAL_DATA: 17, CURRENT_TIME: 49, CONTRACT_DATA_END: 52, EXECUTION_DATA_END: 55,
  HISTORICAL_TICKS_LAST: 98, TICK_BY_TICK: 99,
} as const;

/** Outgoing (client → server) message ids the test server understands. */
export const OUT = {
  REQ_MKT_DATA: 1, CANCEL_MKT_DATA: 2, PLACE_ORDER: 3, CANCEL_ORDER: 4, REQ_IDS: 8, REQ_CONTRACT_DATA: 9, REQ_MKT_DEPTH: 10, CANCEL_MKT_DEPTH: 11,
  REQ_HISTORICAL_DATA: 20, CANCEL_HISTORICAL_DATA: 25,
  REQ_MANAGED_ACCTS: 17, REQ_CURRENT_TIME: 49, START_API: 71, REQ_HISTORICAL_TICKS: 96, REQ_TICK_BY_TICK_DATA: 97,
  CANCEL_TICK_BY_TICK_DATA: 98,
} as const;

/** One field value as written on the wire. */
export type Field = string | number | boolean | undefined;

/** Encodes one length-prefixed message of NUL-terminated fields. */
export function frame(fields: readonly Field[]): Buffer {
  const body = Buffer.from(fields.map((f) => (f === undefined ? '' : typeof f === 'boolean' ? (f ? '1' : '0') : String(f)) + '\0').join(''), 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

/**
 * Splits a client's byte stream into messages: first the `API\0` greeting (returned as `['API', 'v100..193']`),
 * then length-prefixed messages as field lists. Keeps partial data between calls.
 */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  private greeted = false;

  /** Appends bytes and returns the complete messages they finish. */
  push(data: Buffer): string[][] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, data]) : data;
    const out: string[][] = [];
    if (!this.greeted) {
      if (this.buf.length < 8) return out;
      if (this.buf.subarray(0, 4).toString('latin1') !== 'API\0') throw new Error('bad greeting');
      const n = this.buf.readUInt32BE(4);
      if (this.buf.length < 8 + n) return out;
      out.push(['API', this.buf.subarray(8, 8 + n).toString('utf8')]);
      this.buf = this.buf.subarray(8 + n);
      this.greeted = true;
    }
    while (this.buf.length >= 4) {
      const n = this.buf.readUInt32BE(0);
      if (this.buf.length < 4 + n) break;
      const fields = this.buf.subarray(4, 4 + n).toString('utf8').split('\0');
      if (fields[fields.length - 1] === '') fields.pop();
      out.push(fields);
      this.buf = this.buf.subarray(4 + n);
    }
    return out;
  }
}

/** A contract the server knows: a future (FUT) or a cash index (IND, no expiry, no multiplier). */
export interface ContractSpec {
  conId: number;
  symbol: string;
  secType: string;
  /** YYYYMMDD last trade date ('' for an index). */
  lastTradeDate: string;
  /** YYYYMM contract month ('' for an index). */
  contractMonth: string;
  exchange: string;
  currency: string;
  localSymbol: string;
  multiplier: number | '';
  minTick: number;
}

/** CONTRACT_DATA (10) at server version 176 (no version field since SIZE_RULES). */
export function contractData(reqId: number, c: ContractSpec): Field[] {
  return [
    IN.CONTRACT_DATA, reqId, c.symbol, c.secType, c.lastTradeDate, 0, '', c.exchange, c.currency, c.localSymbol,
    c.symbol, c.symbol, c.conId, c.minTick, c.multiplier, 'LMT,MKT,STP', c.exchange, 1, 0,
    `E-mini ${c.symbol}`, '', c.contractMonth, '', '', '', 'US/Central', '', '', '', '', 0, 2, c.symbol, 'IND', '67', c.lastTradeDate, '',
    '1', '1', '1',
  ];
}

/** ERR_MSG (4), version 2, with the (empty) advanced-order-reject JSON of server versions ≥ 166. */
export function errorMessage(id: number, code: number, text: string, advancedJson = ''): Field[] {
  return [IN.ERR_MSG, 2, id, code, text, advancedJson];
}

/** A server-side order, enough for openOrder/orderStatus/execDetails. */
export interface ServerOrder {
  orderId: number;
  parentId: number;
  clientId: number;
  permId: number;
  conId: number;
  symbol: string;
  localSymbol: string;
  action: string;
  quantity: number;
  orderType: string;
  lmtPrice: number | undefined;
  auxPrice: number | undefined;
  tif: string;
  ocaGroup: string;
  account: string;
  transmit: boolean;
  status: string;
  filled: number;
  avgFillPrice: number;
}

/** ORDER_STATUS (3) at server versions ≥ MARKET_CAP_PRICE (no version field). */
export function orderStatus(o: ServerOrder, lastFillPrice = 0): Field[] {
  return [IN.ORDER_STATUS, o.orderId, o.status, o.filled, o.quantity - o.filled, o.avgFillPrice, o.permId, o.parentId,
    lastFillPrice, o.clientId, '', 0];
}

/** OPEN_ORDER (5) at server version 176: the field sequence of @stoqey/ib's OrderDecoder. */
export function openOrder(o: ServerOrder): Field[] {
  const u = '';
  return [
    IN.OPEN_ORDER, o.orderId,
    o.conId, o.symbol, 'FUT', '', 0, '', '50', 'CME', 'USD', o.localSymbol, o.symbol,
    o.action, o.quantity, o.orderType, o.lmtPrice ?? u, o.auxPrice ?? u, o.tif, o.ocaGroup, o.account, 'O', 0, '',
    o.clientId, o.permId, 0, 0, 0, '', '',
    '', '', '', '', // FA group, method, percentage, profile
    '', '', '', u, '', // model code, GTD, rule80A, percent offset, settling firm
    0, '', -1, 0, // short sale slot, designated location, exempt code, auction strategy
    u, u, u, u, u, // starting price, stock ref price, delta, stock range lower/upper
    u, 0, 0, 0, u, 3, 0, 0, u, // display size, block, sweep, AON, min qty, OCA type, eTrade, firm quote, NBBO cap
    o.parentId, 0, // parent id, trigger method
    u, 0, '', u, 0, 0, // volatility, type, delta-neutral order type (empty), aux, continuous update, ref price type
    u, u, u, u, // trail stop price, trailing percent, basis points, type
    '', 0, 0, 0, // combo legs description, combo legs, order combo legs, smart combo params
    u, u, u, // scale init/subs level size, price increment (empty: no extended scale fields)
    '', 0, '', '', 0, 0, '', // hedge type, opt out smart, clearing account/intent, not held, delta neutral, algo
    0, 0, o.status, // solicited, what-if, status
    u, u, u, u, u, u, // margin before / change (WHAT_IF_EXT_FIELDS)
    u, u, u, u, u, u, '', '', // margin after, commission min/max, currency, warning
    0, 0, // randomize size, price
    0, // conditions
    '', u, u, u, u, u, u, 0, // adjusted order params
    '', '', '', // soft dollar tier
    u, 0, 0, 0, 0, 0, u, 0, // cash qty, no auto price hedge, OMS container, discretionary up to limit, price mgmt, duration, post to ATS, auto cancel parent
    u, u, u, u, u, // min trade qty, min compete size, compete offset, mid offsets
  ];
}

/** EXECUTION_DATA (11) at server version 176 (version = server version, no field). */
export function execDetails(reqId: number, o: ServerOrder, execId: string, timeText: string, qty: number, price: number): Field[] {
  return [
    IN.EXECUTION_DATA, reqId, o.orderId,
    o.conId, o.symbol, 'FUT', '', 0, '', 50, 'CME', 'USD', o.localSymbol, o.symbol,
    execId, timeText, o.account, 'CME', o.action === 'BUY' ? 'BOT' : 'SLD', qty, price, o.permId, o.clientId, 0,
    o.filled, o.avgFillPrice, '', '', undefined, '', 0,
  ];
}
