import { createServer, type Server, type Socket } from 'node:net';
import { TwsHistory, type TapeTrade } from './tws-history.js';
import { TwsOrderDesk } from './tws-order-desk.js';
import {
  contractData, errorMessage, frame, FrameReader, IN, OUT, SERVER_VERSION, type ContractSpec, type Field,
} from './tws-wire.js';

/** One request the server received, for tests asserting resubscription with fresh ids and pacing. */
export interface RecordedRequest {
  /** Server-side connection number (1, 2, … in accept order). */
  conn: number;
  clientId: number;
  msgId: number;
  /** Request id (ticker id, order id) when the message has one. */
  reqId: number | undefined;
  conId: number | undefined;
  /** `AllLast`, `BidAsk` for tick-by-tick requests; `mktData` for reqMktData. */
  tickType?: string;
  fields: string[];
}

export type { TapeTrade } from './tws-history.js';

type SubKind = 'AllLast' | 'BidAsk' | 'depth' | 'mktData';

interface Conn {
  id: number;
  socket: Socket;
  reader: FrameReader;
  clientId: number;
  started: boolean;
  subs: Map<number, { kind: SubKind; conId: number }>;
}

/** Settings of the test server. */
export interface TwsServerOptions {
  contracts: ContractSpec[];
  /** First order id handed out with nextValidId. */
  nextOrderId?: number;
  accounts?: string;
  /** Server clock (epoch seconds) for trades without an explicit time. */
  startSec?: number;
}

/**
 * A scriptable TWS / IB Gateway stand-in speaking the real wire protocol over loopback, so the real
 * @stoqey/ib client can be driven through the scenarios users meet: restarts, client-id clashes, status
 * codes, malformed messages, order life cycles. Every request is recorded with its request id.
 */
export class TwsServer {
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** Client ids answered with 326 "client id already in use" and a closed socket. */
  readonly rejectClientIds = new Set<number>();
  /** The order desk (placeOrder, cancelOrder, fills). */
  readonly orders: TwsOrderDesk;
  /** Historical ticks and bars (scripted failures, held replies). */
  readonly history: TwsHistory;
  /** When false, trades go on the tape but reach no subscriber (IB lost its own connectivity: 1100). */
  streaming = true;
  /** When true the server answers nothing but still reads (a hung gateway: heartbeats go unanswered). */
  silent = false;
  /** Server clock in epoch seconds; trades are stamped with it. */
  nowSec: number;
  private readonly contracts: ContractSpec[];
  private readonly tapes = new Map<number, TapeTrade[]>();
  private readonly conns = new Set<Conn>();
  private readonly accounts: string;
  private server: Server | undefined;
  private listenPort = 0;
  private connSeq = 0;

  constructor(o: TwsServerOptions) {
    this.contracts = o.contracts;
    this.accounts = o.accounts ?? 'DU1234567';
    this.nowSec = o.startSec ?? 1_709_562_600; // 2024-03-04 14:30 UTC, a cash open
    this.orders = new TwsOrderDesk(o.nextOrderId ?? 1, (clientId, fields) => this.sendToClient(clientId, fields), () => this.nowSec);
    this.history = new TwsHistory((conId) => this.tape(conId), () => this.nowSec);
    for (const c of o.contracts) this.tapes.set(c.conId, []);
  }

  /** The bound port. */
  get port(): number {
    return this.listenPort;
  }

  /** Client ids of the connections that completed the API start. */
  get clients(): number[] {
    return [...this.conns].filter((c) => c.started).map((c) => c.clientId);
  }

  /** Starts listening (port 0: any free port); resolves with the port. */
  async listen(port = 0): Promise<number> {
    const server = createServer((s) => this.onSocket(s));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    const a = server.address();
    this.listenPort = typeof a === 'object' && a ? a.port : port;
    return this.listenPort;
  }

  /** Drops every client socket (a gateway crash or restart). */
  dropAll(): void {
    for (const c of this.conns) c.socket.destroy();
    this.conns.clear();
  }

  /** Stops accepting connections (connection refused) until {@link accept}; drops current clients too. */
  async refuse(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    this.dropAll();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Accepts connections again on the same port. */
  async accept(): Promise<void> {
    if (!this.server) await this.listen(this.listenPort);
  }

  /** Closes everything. */
  async close(): Promise<void> {
    await this.refuse();
  }

  /** The tape of a contract so far (everything traded, delivered or not). */
  tape(conId: number): readonly TapeTrade[] {
    return this.tapes.get(conId) ?? [];
  }

  /** Active subscriptions over all connections. */
  subscriptions(): Array<{ conn: number; reqId: number; kind: SubKind; conId: number }> {
    const out: Array<{ conn: number; reqId: number; kind: SubKind; conId: number }> = [];
    for (const c of this.conns) for (const [reqId, s] of c.subs) out.push({ conn: c.id, reqId, ...s });
    return out;
  }

  /** A trade: appended to the tape and streamed to the AllLast subscribers of the contract. */
  trade(conId: number, price: number, size: number, timeSec = this.nowSec): void {
    this.tapes.get(conId)?.push({ timeSec, price, size });
    this.stream(conId, 'AllLast', (reqId) => [IN.TICK_BY_TICK, reqId, 2, timeSec, price, size, 0, 'CME', '']);
  }

  /** A BidAsk tick to the BidAsk subscribers of the contract. */
  quote(conId: number, bid: number, ask: number, bidSize = 10, askSize = 10, timeSec = this.nowSec): void {
    this.stream(conId, 'BidAsk', (reqId) => [IN.TICK_BY_TICK, reqId, 3, timeSec, bid, ask, bidSize, askSize, 0]);
  }

  /** A market-depth row update (operation 0 insert, 1 update, 2 delete; side 0 ask, 1 bid). */
  depth(conId: number, position: number, operation: number, side: number, price: number, size: number): void {
    this.stream(conId, 'depth', (reqId) => [IN.MARKET_DEPTH, 1, reqId, position, operation, side, price, size]);
  }

  /**
   * A cash index value to the reqMktData subscribers of the contract: TICK_PRICE (version 6) with tick type 4
   * (LAST), no size and no attributes, as TWS sends index values.
   */
  indexPrice(conId: number, price: number): void {
    this.stream(conId, 'mktData', (reqId) => [IN.TICK_PRICE, 6, reqId, 4, price, '', 0]);
  }

  /** An error or status message to every started client (id -1 for connection-wide codes). */
  sendError(id: number, code: number, text: string): void {
    for (const c of this.conns) if (c.started) this.write(c, errorMessage(id, code, text));
  }

  /** Raw bytes to every started client (malformed-message scenarios). */
  injectRaw(bytes: Buffer): void {
    for (const c of this.conns) if (c.started) c.socket.write(bytes);
  }

  /**
   * A gateway sending garbage mid-session, to every started client: `random` is `n` seeded pseudo-random bytes;
   * `badlength` a length prefix @stoqey/ib reads as negative (0xfffffffc) and `n` bytes after it, the input that
   * made its decoder spin for ever; `unterminated` a well-sized message whose last field lacks its NUL.
   */
  garbage(kind: GarbageKind, n = 64, seed = 1): void {
    this.injectRaw(garbageBytes(kind, n, seed));
  }

  /** A framed message with arbitrary fields to every started client. */
  inject(fields: Field[]): void {
    this.injectRaw(frame(fields));
  }

  /** Answers the next `n` historical-tick requests with error 162 (by default: no tick data for the query). */
  failHistorical(n: number, text = 'HMDS query returned no data'): void {
    this.history.failTicks(n, text);
  }

  /** Answers the next `n` 1-minute bar requests with error 162. */
  failBars(n: number): void {
    this.history.failBars(n);
  }

  /** Holds historical replies (ticks and bars) until {@link releaseHistorical} (a slow HMDS farm). */
  holdHistorical(): void {
    this.history.holdReplies();
  }

  /** Sends the held historical replies and stops holding. */
  releaseHistorical(): void {
    this.history.release();
  }

  /** Forgets every market-data subscription without telling the clients (what 1101 announces). */
  loseSubscriptions(): void {
    for (const c of this.conns) c.subs.clear();
  }

  private stream(conId: number, kind: SubKind, build: (reqId: number) => Field[]): void {
    if (!this.streaming) return;
    for (const c of this.conns) {
      for (const [reqId, s] of c.subs) if (s.kind === kind && s.conId === conId) this.write(c, build(reqId));
    }
  }

  private write(c: Conn, fields: Field[]): void {
    if (!c.socket.destroyed) c.socket.write(frame(fields));
  }

  private sendToClient(clientId: number, fields: Field[]): void {
    for (const c of this.conns) if (c.started && c.clientId === clientId) this.write(c, fields);
  }

  private onSocket(socket: Socket): void {
    const c: Conn = { id: ++this.connSeq, socket, reader: new FrameReader(), clientId: -1, started: false, subs: new Map() };
    this.conns.add(c);
    socket.setNoDelay(true);
    socket.on('data', (d) => {
      let msgs: string[][];
      try {
        msgs = c.reader.push(d);
      } catch {
        socket.destroy();
        return;
      }
      for (const m of msgs) this.onMessage(c, m);
    });
    socket.on('close', () => this.conns.delete(c));
    socket.on('error', () => this.conns.delete(c));
  }

  private onMessage(c: Conn, f: string[]): void {
    if (f[0] === 'API') {
      const t = new Date(this.nowSec * 1000).toISOString().replace(/[-:]/g, '').replace('T', ' ').slice(0, 15);
      this.write(c, [SERVER_VERSION, `${t} UTC`]);
      return;
    }
    const msgId = Number(f[0]);
    const rec = (reqId: number | undefined, conId?: number, tickType?: string): void => {
      this.requests.push({ conn: c.id, clientId: c.clientId, msgId, reqId, conId, fields: f, ...(tickType ? { tickType } : {}) });
    };
    switch (msgId) {
      case OUT.START_API: {
        c.clientId = Number(f[2]);
        rec(undefined);
        const clash = [...this.conns].some((o) => o !== c && o.started && o.clientId === c.clientId);
        if (clash || this.rejectClientIds.has(c.clientId)) {
          this.write(c, errorMessage(-1, 326, 'Unable to connect as the client id is already in use. Retry with a unique client id.'));
          setImmediate(() => c.socket.destroy());
          return;
        }
        c.started = true;
        this.write(c, [IN.MANAGED_ACCTS, 1, this.accounts]);
        this.write(c, [IN.NEXT_VALID_ID, 1, this.orders.nextId]);
        this.write(c, errorMessage(-1, 2104, 'Market data farm connection is OK:usfarm'));
        this.write(c, errorMessage(-1, 2106, 'HMDS data farm connection is OK:ushmds'));
        this.write(c, errorMessage(-1, 2158, 'Sec-def data farm connection is OK:secdefnj'));
        return;
      }
      case OUT.REQ_CONTRACT_DATA: {
        const reqId = Number(f[2]);
        rec(reqId);
        const [symbol, secType, exchange] = [f[4], f[5], f[10]];
        for (const s of this.contracts) {
          if (s.symbol === symbol && s.secType === secType && (!exchange || exchange === s.exchange)) this.write(c, contractData(reqId, s));
        }
        this.write(c, [IN.CONTRACT_DATA_END, 1, reqId]);
        return;
      }
      case OUT.REQ_TICK_BY_TICK_DATA: {
        const reqId = Number(f[1]);
        const conId = Number(f[2]);
        rec(reqId, conId, f[14]);
        this.subscribe(c, reqId, f[14] === 'BidAsk' ? 'BidAsk' : 'AllLast', conId);
        return;
      }
      case OUT.REQ_MKT_DEPTH: {
        const reqId = Number(f[2]);
        const conId = Number(f[3]);
        rec(reqId, conId);
        this.subscribe(c, reqId, 'depth', conId);
        return;
      }
      case OUT.REQ_MKT_DATA: {
        const reqId = Number(f[2]);
        const conId = Number(f[3]);
        rec(reqId, conId, 'mktData');
        this.subscribe(c, reqId, 'mktData', conId);
        return;
      }
      case OUT.CANCEL_MKT_DATA:
        rec(Number(f[2]));
        c.subs.delete(Number(f[2]));
        return;
      case OUT.CANCEL_TICK_BY_TICK_DATA:
        rec(Number(f[1]));
        c.subs.delete(Number(f[1]));
        return;
      case OUT.CANCEL_MKT_DEPTH:
        rec(Number(f[2]));
        c.subs.delete(Number(f[2]));
        return;
      case OUT.REQ_HISTORICAL_TICKS: {
        const reqId = Number(f[1]);
        const conId = Number(f[2]);
        rec(reqId, conId);
        this.history.ticks(reqId, conId, parseIbTime(f[15] ?? ''), Number(f[17]), (fields) => this.write(c, fields));
        return;
      }
      case OUT.REQ_HISTORICAL_DATA:
        rec(Number(f[1]), Number(f[2]));
        this.history.bars(f, (fields) => this.write(c, fields));
        return;
      case OUT.PLACE_ORDER:
        rec(Number(f[1]), Number(f[2]));
        this.orders.place(c.clientId, f);
        return;
      case OUT.CANCEL_ORDER:
        rec(Number(f[2]));
        this.orders.cancel(Number(f[2]));
        return;
      case OUT.REQ_IDS:
        rec(undefined);
        this.write(c, [IN.NEXT_VALID_ID, 1, this.orders.nextId]);
        return;
      case OUT.REQ_CURRENT_TIME:
        rec(undefined);
        if (!this.silent) this.write(c, [IN.CURRENT_TIME, 1, this.nowSec]);
        return;
      case OUT.REQ_MANAGED_ACCTS:
        rec(undefined);
        this.write(c, [IN.MANAGED_ACCTS, 1, this.accounts]);
        return;
      default:
        rec(undefined);
    }
  }

  private subscribe(c: Conn, reqId: number, kind: SubKind, conId: number): void {
    // TWS refuses a ticker id that is still active on this connection (the bug users hit after restarts).
    if (c.subs.has(reqId)) {
      this.write(c, errorMessage(reqId, 322, `Error processing request.-'bW' : cause - Duplicate ticker id ${reqId}`));
      return;
    }
    c.subs.set(reqId, { kind, conId });
  }
}

/** Kinds of garbage {@link TwsServer.garbage} sends. */
export type GarbageKind = 'random' | 'badlength' | 'unterminated';

/** The bytes of one garbage burst (deterministic for a seed: xorshift32). */
export function garbageBytes(kind: GarbageKind, n: number, seed: number): Buffer {
  let x = seed >>> 0 || 1;
  const body = Buffer.alloc(n);
  for (let k = 0; k < n; k++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    body[k] = x & 0xff;
  }
  if (kind === 'random') return body;
  const head = Buffer.alloc(4);
  if (kind === 'badlength') {
    head.writeUInt32BE(0xfffffffc, 0);
    return Buffer.concat([head, body]);
  }
  const text = Buffer.from(`99\0${'x'.repeat(Math.max(1, n))}`, 'latin1');
  head.writeUInt32BE(text.length, 0);
  return Buffer.concat([head, text]);
}

/** Parses `yyyyMMdd-HH:mm:ss` or `yyyyMMdd HH:mm:ss[ zone]` as UTC epoch seconds (the zone is ignored). */
export function parseIbTime(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})[- ](\d{2}):(\d{2}):(\d{2})/.exec(s);
  if (!m) return 0;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) / 1000;
}
