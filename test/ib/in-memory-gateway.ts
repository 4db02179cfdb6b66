// A TWS gateway without a socket, for fuzzing the IB connection at in-process speed: while installed, every
// `net.connect` to {@link GATEWAY_PORT} returns a stand-in socket instead of a TCP one. @stoqey/ib attaches its
// 'data', 'close', 'end' and 'error' listeners to it exactly as to a net.Socket, so bytes emitted here as 'data'
// take the path a real socket's bytes take: the client's socket.onData as IbConnection's decoder guard wrapped
// it (frame guard, then the library's decoder). The gateway answers the handshake (server version, then
// managed accounts and nextValidId after START_API) and the heartbeat (reqCurrentTime), nothing else.
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { EventName, type IBApi } from '@stoqey/ib';
import { IbConnection } from '../../src/adapters/ib/ib-connection.js';
import { resolveIbSettings, type IbSettings } from '../../src/adapters/ib/ib-settings.js';
import { quiet } from './harness.js';
import { frame, FrameReader, IN, OUT, SERVER_VERSION, type Field } from './tws-wire.js';

/** The port the stand-in answers on (any other net.connect goes to the real network). */
export const GATEWAY_PORT = 1;

/** One client connection: the stand-in of its net.Socket. */
export class GatewaySocket extends EventEmitter {
  destroyed = false;
  private readonly reader = new FrameReader();
  private readonly gateway: InMemoryGateway;

  constructor(gateway: InMemoryGateway) {
    super();
    this.gateway = gateway;
  }

  /** Bytes the client sends to the gateway. */
  write(data: Buffer | string): boolean {
    for (const m of this.reader.push(Buffer.from(data))) this.gateway.answer(this, m);
    return true;
  }

  end(): this {
    return this.destroy();
  }

  destroy(): this {
    this.destroyed = true;
    return this;
  }

  /** Bytes from the gateway to the client, delivered as the socket's 'data' event (synchronously, as the test asks). */
  deliver(bytes: Buffer): void {
    if (!this.destroyed) this.emit('data', bytes);
  }
}

/** The stand-in gateway; {@link install} it before the connection starts, {@link uninstall} after. */
export class InMemoryGateway {
  /** The most recent connection (the one a live client reads from). */
  current: GatewaySocket | undefined;
  /** Connections made so far. */
  connections = 0;
  private realConnect: typeof net.connect | undefined;

  install(): void {
    const real = net.connect;
    this.realConnect = real;
    const patched = (...args: unknown[]): net.Socket => {
      const o = args[0] as { port?: number } | undefined;
      if (typeof o !== 'object' || o?.port !== GATEWAY_PORT) return (real as (...a: unknown[]) => net.Socket)(...args);
      const s = new GatewaySocket(this);
      this.current = s;
      this.connections++;
      const onConnect = args[1];
      // Asynchronous, as a TCP connect is: the library attaches its listeners first.
      if (typeof onConnect === 'function') setImmediate(() => s.destroyed || (onConnect as () => void)());
      return s as unknown as net.Socket;
    };
    net.connect = patched as typeof net.connect;
  }

  uninstall(): void {
    if (this.realConnect) net.connect = this.realConnect;
  }

  /** Replies of the gateway, one turn of the event loop later (as over a socket). */
  answer(s: GatewaySocket, m: string[]): void {
    const reply = (fields: Field[]): void => {
      setImmediate(() => s.deliver(frame(fields)));
    };
    if (m[0] === 'API') reply([SERVER_VERSION, '20240101 00:00:00 UTC']);
    else if (Number(m[0]) === OUT.START_API) {
      reply([IN.MANAGED_ACCTS, 1, 'DU000000']);
      reply([IN.NEXT_VALID_ID, 1, 1]);
    } else if (Number(m[0]) === OUT.REQ_CURRENT_TIME) reply([IN.CURRENT_TIME, 1, 1_704_067_200]);
  }
}

/** An IbConnection to an installed {@link InMemoryGateway}, with what its clients decoded. */
export interface GatewaySession {
  connection: IbConnection;
  /** Prices of the AllLast trades decoded (any request id). */
  trades: Set<number>;
  /** Messages decoded so far, over all of the session's clients. */
  decoded: { messages: number };
  /** True once the current client is up (its nextValidId arrived), false while it is down. */
  up(): boolean;
}

/**
 * Starts an IbConnection to the gateway (install it first): a short heartbeat and backoff, so a stalled frame or
 * a dropped connection costs milliseconds, and a fast pacer, so the heartbeat's reqCurrentTime never queues.
 */
export function openGatewaySession(settings: Partial<IbSettings> = {}): GatewaySession {
  let live: IBApi | undefined;
  const session: GatewaySession = {
    connection: new IbConnection(resolveIbSettings({
      host: '127.0.0.1', port: GATEWAY_PORT, clientId: 7, backoffBaseMs: 1, backoffCapMs: 1, heartbeatMs: 20, heartbeatTimeoutMs: 60,
      connectTimeoutMs: 5000, ratePerSec: 10_000, burst: 1000, ...settings,
    }, {}), {
      bind: (api) => {
        api.on(EventName.tickByTickAllLast, (_reqId: number, _type: number, _time: string, price: number) => session.trades.add(price));
        api.on(EventName.received, () => session.decoded.messages++);
      },
      up: (api) => (live = api),
      orderId: () => undefined,
      down: () => (live = undefined),
      dataDown: () => undefined,
      dataUp: () => undefined,
      reqError: () => undefined,
    }, quiet),
    trades: new Set(),
    decoded: { messages: 0 },
    up: () => live !== undefined && session.connection.connected,
  };
  session.connection.start();
  return session;
}
