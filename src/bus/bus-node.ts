import type { JetStreamManager } from 'nats';
import type { Logger } from 'pino';
import type { FrameSink } from '../stream/stream-publisher.js';
import { BusLink, type BusOptions } from './bus-connection.js';
import { BusSink } from './bus-sink.js';
import { ensureStreams, type StreamLimits } from './bus-streams.js';
import { SymbolLeases } from './symbol-lease.js';
import { TradeTap } from './trade-tap.js';
import type { MarketSource } from '../engine/market-source.js';

/** A node's bus settings (`mia serve --bus …`). */
export interface NodeBusOptions {
  bus: BusOptions;
  /** This node's id (`--bus-node`). */
  node: string;
  leaseMs: number;
  limits: StreamLimits;
}

/**
 * An engine as a node of a cluster: the connection, MIA's streams, the symbol leases and the frame sink that
 * publishes the owned symbols' frames. Opened before the source (a bad bus fails fast), started before the engine.
 */
export class NodeBus {
  readonly link: BusLink;
  readonly leases: SymbolLeases;
  private readonly jsm: JetStreamManager;
  private readonly node: string;
  private readonly log: Logger;
  private busSink: BusSink | undefined;

  private constructor(link: BusLink, jsm: JetStreamManager, leases: SymbolLeases, node: string, log: Logger) {
    this.link = link;
    this.jsm = jsm;
    this.leases = leases;
    this.node = node;
    this.log = log;
  }

  /** Connects, creates or updates the streams and opens the lease bucket. */
  static async open(o: NodeBusOptions, log: Logger): Promise<NodeBus> {
    const link = await BusLink.open(o.bus, log);
    try {
      const jsm = await link.nc.jetstreamManager();
      await ensureStreams(jsm, o.limits);
      const leases = new SymbolLeases({ node: o.node, leaseMs: o.leaseMs }, log);
      await leases.open(link.nc);
      return new NodeBus(link, jsm, leases, o.node, log);
    } catch (e) {
      await link.close();
      throw e;
    }
  }

  /** The sink the stream publisher writes to: `inner` (the node's own server) and the bus. */
  sink(inner: FrameSink): BusSink {
    this.busSink = new BusSink(inner, this.link.nc, this.jsm, this.leases, this.node, this.log);
    this.leases.onGained((symbol) => {
      void this.busSink!.takeOver(symbol).catch((e: unknown) => this.log.error({ err: e, symbol }, 'Takeover catch-up failed'));
    });
    return this.busSink;
  }

  /** The source as the engine polls it: the owned symbols' trades appended to their trades stream. Call after {@link sink}. */
  tapTrades(source: MarketSource): MarketSource {
    const sink = this.busSink!;
    return new TradeTap(source, { owns: (s) => this.leases.owns(s), appendTrades: (s, b) => sink.appendTrades(s, b), gap: (s) => sink.gapPending(s) });
  }

  /** Claims the free ones of `symbols` (those this node may serve: its source's) and keeps the leases from now on. */
  async start(symbols: readonly string[]): Promise<void> {
    await this.leases.start(symbols);
  }

  /** What /health shows under `bus`. */
  health(): Record<string, unknown> {
    return { node: this.node, link: this.link.linkStats(), leases: this.leases.states(), published: this.busSink?.stats() ?? null, queued: this.busSink?.queued ?? 0 };
  }

  /** Publishes what is queued (a few seconds at most), hands the leases back and closes. */
  async close(): Promise<void> {
    await this.busSink?.settle(3000);
    this.busSink?.close();
    await this.leases.stop();
    await this.link.close();
  }
}
