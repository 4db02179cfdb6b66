import { EventName, IBApi } from '@stoqey/ib';
import type { Logger } from 'pino';
import { ErrorCode } from '../../common/errors.js';
import type { Backoff } from '../../common/backoff.js';
import { ibReconnectBackoff } from './reconnect-backoff.js';
import { guardDecoder, type DecoderFault, type DecoderGuard } from './decoder-guard.js';
import { IbCode } from './ib-errors.js';
import type { IbSettings } from './ib-settings.js';
import { RequestPacer } from './request-pacer.js';

/** Connection states reported in health. */
export type ConnectionState = 'connecting' | 'connected' | 'backoff' | 'closed';

/** What the owner of a connection reacts to. */
export interface ConnectionHooks {
  /** A fresh IBApi before it connects: attach data listeners (each connection gets a new client). */
  bind(api: IBApi): void;
  /** The API is up (nextValidId received); `first` is false after a reconnect. */
  up(api: IBApi, nextOrderId: number, first: boolean): void;
  /** A later nextValidId on the same connection (an answer to reqIds). */
  orderId(nextOrderId: number): void;
  /** The socket is gone (the owner flags Disconnected and waits for `up`). */
  down(reason: string): void;
  /** Market data stopped while the socket stays (1100, a broken market-data farm). */
  dataDown(code: number): void;
  /** Market data is back on the same socket: 1101 (subscriptions lost) or 1102/2104 (kept). */
  dataUp(code: number, resubscribe: boolean): void;
  /** An IB message with a request id (errors of a subscription, a historical query, an order). */
  reqError(reqId: number, code: number, text: string): void;
}

const FARM_KIND: Record<number, ['market' | 'hmds' | 'secdef', 'ok' | 'broken' | 'inactive']> = {
  [IbCode.MARKET_FARM_BROKEN]: ['market', 'broken'], [IbCode.MARKET_FARM_OK]: ['market', 'ok'], [IbCode.MARKET_FARM_INACTIVE]: ['market', 'inactive'],
  [IbCode.HMDS_FARM_BROKEN]: ['hmds', 'broken'], [IbCode.HMDS_FARM_OK]: ['hmds', 'ok'], [IbCode.HMDS_FARM_INACTIVE]: ['hmds', 'inactive'],
  [IbCode.SECDEF_FARM_BROKEN]: ['secdef', 'broken'], [IbCode.SECDEF_FARM_OK]: ['secdef', 'ok'],
};

/**
 * One logical connection to TWS / IB Gateway that survives restarts: every attempt builds a new @stoqey/ib
 * client (nothing queued for a dead socket can leak into the next), reconnects with capped exponential
 * backoff and jitter, retries a client id refused with 326 and then falls back to the next id, detects a
 * silent socket with a heartbeat, tracks the 1100/1101/1102 connectivity codes and data-farm status, and
 * paces every outgoing request. Request ids are never reused across connections.
 */
export class IbConnection {
  /** Current client id (the configured one, or a fallback after 326). */
  clientId: number;
  private readonly s: IbSettings;
  private readonly hooks: ConnectionHooks;
  private readonly log: Logger;
  private readonly backoff: Backoff;
  readonly pacer: RequestPacer;
  private api: IBApi | undefined;
  private guard: DecoderGuard | undefined;
  /** Start (performance.now()) and count of the current one-second window of decode errors. */
  private decodeWindowMs = 0;
  private decodeErrors = 0;
  private stateName: ConnectionState = 'connecting';
  private everUp = false;
  private isUp = false;
  private clashes = 0;
  private clashed = false;
  private fallbacks = 0;
  private reqSeq = 1000;
  private lastRx = 0;
  private connectTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private ibConnectivity: 'ok' | 'lost' = 'ok';
  private readonly farms: Record<string, { kind: string; status: string }> = {};
  /** Market-data farms whose last status is broken (kept with `farms`, read per snapshot through `dataUp`). */
  private brokenMarketFarms = 0;
  private readonly counts = { attempts: 0, reconnects: 0, disconnects: 0, clientIdClashes: 0, heartbeatStalls: 0, malformed: 0, decoderFaults: 0, badFrames: 0 };
  private lastReason = '';
  private accounts = '';
  private serverVersion = 0;
  private connectedSinceMs = 0;

  constructor(settings: IbSettings, hooks: ConnectionHooks, log: Logger) {
    this.s = settings;
    this.hooks = hooks;
    this.log = log;
    this.clientId = settings.clientId;
    this.backoff = ibReconnectBackoff(settings.backoffBaseMs, settings.backoffCapMs);
    this.pacer = new RequestPacer({
      ratePerSec: settings.ratePerSec, burst: settings.burst,
      historicalMax: settings.historicalMax, historicalWindowMs: settings.historicalWindowMs,
    });
  }

  /** Connection state. */
  get state(): ConnectionState {
    return this.stateName;
  }

  /** True while the API is up and IB reports market data flowing. */
  get dataUp(): boolean {
    return this.isUp && this.ibConnectivity === 'ok' && this.brokenMarketFarms === 0;
  }

  /** True while the API is up (orders may be sent). */
  get connected(): boolean {
    return this.isUp;
  }

  /** Managed accounts of the session (comma-separated, as IB sends them). */
  get managedAccounts(): string {
    return this.accounts;
  }

  /** A request id never used before on any connection of this process. */
  nextReqId(): number {
    return ++this.reqSeq;
  }

  /** Queues a request through the pacer; it is dropped if the connection dies first. */
  send(request: (api: IBApi) => void, historical = false): void {
    const api = this.api;
    if (!api || !this.isUp) return;
    this.pacer.enqueue(() => {
      if (this.api === api && this.isUp) request(api);
    }, historical);
  }

  /** Starts connecting (and keeps reconnecting until closed). */
  start(): void {
    this.attempt();
  }

  /** Disconnects for good. */
  close(): void {
    this.stateName = 'closed';
    this.teardown();
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  /** Connection, farms and counters for /health. */
  health(): Record<string, unknown> {
    return {
      state: this.stateName, host: this.s.host, port: this.s.port, clientId: this.clientId, clientIdFallbacks: this.fallbacks,
      serverVersion: this.serverVersion, accounts: this.accounts, ibConnectivity: this.ibConnectivity,
      connectedSince: this.connectedSinceMs ? new Date(this.connectedSinceMs).toISOString() : null,
      lastDisconnect: this.lastReason || null, farms: { ...this.farms }, ...this.counts, pacer: this.pacer.stats,
    };
  }

  private attempt(): void {
    if (this.stateName === 'closed') return;
    this.stateName = 'connecting';
    this.counts.attempts++;
    this.clashed = false;
    // The library paces at 40/s by default; ours is the one that counts, the library's must never queue.
    const api = new IBApi({ host: this.s.host, port: this.s.port, maxReqPerSec: 1000 });
    this.api = api;
    this.hooks.bind(api);
    this.guard = guardDecoder(api, (f) => this.onDecoderFault(api, f));
    if (!this.guard) this.log.warn('IB decoder guard not installed: @stoqey/ib internals changed');
    api.on(EventName.received, () => {
      this.lastRx = performance.now();
    });
    api.on(EventName.server, (v: number) => {
      this.serverVersion = v;
    });
    api.on(EventName.managedAccounts, (a: string) => {
      this.accounts = a;
    });
    api.on(EventName.nextValidId, (id: number) => this.up(api, id));
    api.on(EventName.disconnected, () => this.down(api, 'socket closed'));
    api.on(EventName.error, (err: Error, code: number, reqId: number) => this.onMessage(api, code, reqId, err.message));
    api.on(EventName.info, (text: string, code: number) => this.onMessage(api, code, -1, text));
    this.connectTimer = setTimeout(() => this.down(api, 'connect timeout'), this.s.connectTimeoutMs);
    this.log.info({ host: this.s.host, port: this.s.port, clientId: this.clientId, attempt: this.backoff.attempts }, 'Connecting to IB');
    api.connect(this.clientId);
  }

  /** Garbage from the gateway: one coded line, counted, and the connection replaced (never decoded further). */
  private onDecoderFault(api: IBApi, f: DecoderFault): void {
    if (f.code === ErrorCode.IB_BAD_FRAME) this.counts.badFrames++;
    else this.counts.decoderFaults++;
    this.log.warn({ code: f.code, detail: f.detail, badFrames: this.counts.badFrames, decoderFaults: this.counts.decoderFaults }, 'IB sent data that cannot be decoded, reconnecting');
    // The connection is condemned now, though dropped only below: a heartbeat due in between must not count a
    // stall as a second cause of the same drop.
    if (this.api === api && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
    // Later: the fault may be reported from inside the library's own call stack.
    setImmediate(() => this.down(api, f.code === ErrorCode.IB_BAD_FRAME ? 'bad frame' : 'undecodable message'));
  }

  private up(api: IBApi, nextOrderId: number): void {
    if (this.api !== api) return;
    if (this.isUp) {
      this.hooks.orderId(nextOrderId);
      return;
    }
    if (this.connectTimer) clearTimeout(this.connectTimer);
    const first = !this.everUp;
    this.isUp = true;
    this.everUp = true;
    this.stateName = 'connected';
    this.connectedSinceMs = Date.now();
    this.ibConnectivity = 'ok';
    this.backoff.reset();
    this.clashes = 0;
    this.lastRx = performance.now();
    if (!first) this.counts.reconnects++;
    this.pacer.resume();
    this.heartbeat = setInterval(() => this.beat(api), Math.max(10, Math.floor(this.s.heartbeatMs / 2)));
    this.log.info({ clientId: this.clientId, serverVersion: this.serverVersion, accounts: this.accounts, reconnects: this.counts.reconnects }, 'Connected to IB');
    this.hooks.up(api, nextOrderId, first);
  }

  private beat(api: IBApi): void {
    const idle = performance.now() - this.lastRx;
    if (idle > this.s.heartbeatTimeoutMs) {
      this.counts.heartbeatStalls++;
      this.down(api, 'heartbeat timeout');
    } else if (idle > this.s.heartbeatMs) this.send((a) => a.reqCurrentTime());
  }

  private down(api: IBApi, reason: string): void {
    if (this.api !== api || this.stateName === 'closed') return;
    const wasUp = this.isUp;
    this.teardown();
    this.lastReason = reason;
    if (wasUp) {
      this.counts.disconnects++;
      this.hooks.down(reason);
    }
    if (this.clashed && ++this.clashes > this.s.clientIdRetries) {
      const from = this.clientId;
      this.clientId++;
      this.fallbacks++;
      this.clashes = 0;
      this.log.warn({ from, to: this.clientId }, 'IB client id still in use, falling back to the next id');
    }
    const delayMs = this.backoff.next();
    this.stateName = 'backoff';
    this.log.warn({ reason, delayMs, attempt: this.backoff.attempts, wasConnected: wasUp }, 'IB connection lost, reconnecting after backoff');
    this.retryTimer = setTimeout(() => this.attempt(), delayMs);
  }

  private teardown(): void {
    const api = this.api;
    this.api = undefined;
    this.guard = undefined;
    this.isUp = false;
    this.connectedSinceMs = 0;
    this.pacer.clear();
    if (this.connectTimer) clearTimeout(this.connectTimer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.connectTimer = this.heartbeat = undefined;
    if (api) {
      api.removeAllListeners();
      // A late 'error' from the dying socket must not become an unhandled EventEmitter error.
      api.on(EventName.error, () => undefined);
      api.disconnect();
    }
  }

  private onMessage(api: IBApi, code: number, reqId: number, text: string): void {
    if (this.api !== api) return;
    const farm = FARM_KIND[code];
    if (farm) {
      const name = text.split(':').pop()?.trim() || farm[0];
      const was = this.dataUp;
      const prevFarm = this.farms[name];
      const prev = prevFarm?.status;
      if (prevFarm?.kind === 'market' && prev === 'broken') this.brokenMarketFarms--;
      if (farm[0] === 'market' && farm[1] === 'broken') this.brokenMarketFarms++;
      this.farms[name] = { kind: farm[0], status: farm[1] };
      if (prev !== farm[1]) this.log.info({ farm: name, kind: farm[0], status: farm[1], code }, 'IB data farm status');
      if (was && !this.dataUp) this.hooks.dataDown(code);
      else if (!was && this.dataUp && this.isUp && prev === 'broken') this.hooks.dataUp(code, false);
      return;
    }
    switch (code) {
      case IbCode.CLIENT_ID_IN_USE:
        this.clashed = true;
        this.counts.clientIdClashes++;
        this.log.warn({ clientId: this.clientId, clashes: this.clashes + 1 }, 'IB client id already in use');
        return;
      case IbCode.CONNECT_FAIL:
        if (!this.isUp) this.down(api, `connect failed: ${text}`);
        return;
      case IbCode.CONNECTIVITY_LOST:
        this.setConnectivity('lost', code);
        return;
      case IbCode.RESTORED_DATA_LOST:
      case IbCode.RESTORED_DATA_MAINTAINED:
        this.setConnectivity('ok', code);
        return;
      case IbCode.DECODE_FAILED:
        this.counts.malformed++;
        this.budgetDecodeError();
        // Reported once per hundred: a flood of bad messages must not become a flood of log lines.
        if (this.counts.malformed % 100 === 1) this.log.warn({ malformed: this.counts.malformed, detail: text.slice(0, 200) }, 'Malformed IB message skipped');
        return;
      default:
        if (reqId >= 0) this.hooks.reqError(reqId, code, text);
        else this.log.info({ code, text }, 'IB message');
    }
  }

  /** A bounded number of decode errors per second: past it the stream is garbage, not a newer server's surplus. */
  private budgetDecodeError(): void {
    const now = performance.now();
    if (now - this.decodeWindowMs >= 1000) {
      this.decodeWindowMs = now;
      this.decodeErrors = 0;
    }
    if (++this.decodeErrors > this.s.maxDecodeErrorsPerSec) this.guard?.trip(`more than ${this.s.maxDecodeErrorsPerSec} undecodable messages in one second`);
  }

  private setConnectivity(to: 'ok' | 'lost', code: number): void {
    const was = this.dataUp;
    this.ibConnectivity = to;
    this.log.warn({ code, ibConnectivity: to }, 'IB connectivity status');
    if (was && !this.dataUp) this.hooks.dataDown(code);
    // 1101: IB dropped the subscriptions; 1102 after a loss: they are kept but the outage is a gap to backfill.
    else if (this.dataUp && this.isUp && (code === IbCode.RESTORED_DATA_LOST || !was)) this.hooks.dataUp(code, code === IbCode.RESTORED_DATA_LOST);
  }
}
