import { readFileSync } from 'node:fs';
import { connect, credsAuthenticator, Events, type ConnectionOptions, type NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { configError, ErrorCode } from '../common/errors.js';

/** How to reach the bus (`--bus`, `--bus-creds`, env `MIA_BUS_TOKEN`). */
export interface BusOptions {
  /** `nats://HOST:PORT`, several comma-separated for a NATS cluster. */
  url: string;
  /** A NATS credentials file (JWT and NKey seed, `nsc` output). */
  credsFile?: string;
  /** A NATS token (from the environment only: an option value shows in the process list). */
  token?: string;
  /** Name the server shows for this connection (`mia-node-1`, `mia-gateway`). */
  name: string;
}

/** Connection counters: what a NATS outage cost, shown in /health under `bus`. */
export interface BusLinkStats {
  state: 'connected' | 'disconnected' | 'closed';
  disconnects: number;
  reconnects: number;
  /** Milliseconds spent disconnected since start (the current outage included). */
  disconnectedMs: number;
  /** Wall time (ms) the current outage began, 0 when connected. */
  downSinceMs: number;
}

/**
 * One NATS connection that never gives up: after a NATS restart it reconnects (every 250 ms, forever) and the
 * client resubscribes; the outages are counted so a gap is visible in /health and the status.
 */
export class BusLink {
  readonly nc: NatsConnection;
  private readonly stats: BusLinkStats = { state: 'connected', disconnects: 0, reconnects: 0, disconnectedMs: 0, downSinceMs: 0 };
  private readonly listeners: ((up: boolean) => void)[] = [];

  private constructor(nc: NatsConnection, log: Logger) {
    this.nc = nc;
    void this.watch(log);
    void nc.closed().then(() => {
      this.stats.state = 'closed';
    });
  }

  /** Connects, or rejects with MIA_ERR_BUS_CONNECT (unreachable, credentials refused). */
  static async open(o: BusOptions, log: Logger): Promise<BusLink> {
    const opts: ConnectionOptions = {
      servers: o.url.split(',').map((s) => s.trim()).filter(Boolean), name: o.name,
      // Forever: a node must come back after any NATS outage on its own (a supervisor restart loses the state).
      maxReconnectAttempts: -1, reconnectTimeWait: 250, reconnectJitter: 100, pingInterval: 2000, maxPingOut: 2,
    };
    if (o.credsFile !== undefined) {
      let creds: Uint8Array;
      try {
        creds = readFileSync(o.credsFile);
      } catch (e) {
        throw configError(ErrorCode.BAD_ARGUMENT, `--bus-creds ${o.credsFile}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
      }
      opts.authenticator = credsAuthenticator(creds);
    }
    if (o.token !== undefined) opts.token = o.token;
    try {
      const nc = await connect(opts);
      log.info({ server: nc.getServer(), name: o.name }, 'Connected to the bus');
      return new BusLink(nc, log);
    } catch (e) {
      throw configError(ErrorCode.BUS_CONNECT, `--bus ${o.url}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Called with false when the connection drops and true once it is back (after the client resubscribed). */
  onChange(f: (up: boolean) => void): void {
    this.listeners.push(f);
  }

  /** True while connected. */
  get up(): boolean {
    return this.stats.state === 'connected';
  }

  /** The outage counters (a copy). */
  linkStats(): BusLinkStats {
    const s = { ...this.stats };
    if (s.downSinceMs > 0) s.disconnectedMs += Date.now() - s.downSinceMs;
    return s;
  }

  private async watch(log: Logger): Promise<void> {
    for await (const s of this.nc.status()) {
      if (s.type === Events.Disconnect && this.stats.state === 'connected') {
        this.stats.state = 'disconnected';
        this.stats.disconnects++;
        this.stats.downSinceMs = Date.now();
        log.warn({ server: s.data }, 'Bus connection lost: reconnecting');
        for (const f of this.listeners) f(false);
      } else if (s.type === Events.Reconnect) {
        const downMs = this.stats.downSinceMs > 0 ? Date.now() - this.stats.downSinceMs : 0;
        this.stats.disconnectedMs += downMs;
        this.stats.downSinceMs = 0;
        this.stats.state = 'connected';
        this.stats.reconnects++;
        log.info({ server: s.data, downMs }, 'Bus connection back');
        for (const f of this.listeners) f(true);
      }
    }
  }

  /** Flushes what is buffered and closes. */
  async close(): Promise<void> {
    if (this.nc.isClosed()) return;
    await this.nc.drain().catch(() => this.nc.close());
  }
}
