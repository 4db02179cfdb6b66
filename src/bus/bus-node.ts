import type { JetStreamManager } from 'nats';
import type { Logger } from 'pino';
import type { FrameSink } from '../stream/stream-publisher.js';
import { BusLink, type BusOptions } from './bus-connection.js';
import { BusSink } from './bus-sink.js';
import { ensureStreams, type StreamLimits } from './bus-streams.js';
import { SymbolLeases } from './symbol-lease.js';
import { readTradeHistory } from './trade-history.js';
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
  private tap: TradeTap | undefined;

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

  /** The sink the stream publisher writes to: `inner` (the node's own server) and the bus; the engine's bar timeframes. */
  sink(inner: FrameSink, timeframesSec: readonly number[]): BusSink {
    this.busSink = new BusSink(inner, this.link.nc, this.jsm, this.leases, this.node, this.log, timeframesSec);
    return this.busSink;
  }

  /**
   * The source as the engine polls it: the owned symbols' trades appended to their trades stream, the others held
   * until a takeover rebuilds them from it. Call after {@link sink}.
   */
  tapTrades(source: MarketSource): MarketSource {
    const sink = this.busSink!;
    const tap = new TradeTap(source, {
      owns: (s) => this.leases.owns(s), appendTrades: (s, b) => sink.appendTrades(s, b), gap: (s) => sink.gapPending(s),
      caughtUp: (s, ts) => sink.resumeAt(s, ts),
    }, this.log);
    this.tap = tap;
    this.leases.onGained((symbol) => {
      tap.gaining(symbol);
      sink.holdBackAll(symbol);
      void this.takeOver(symbol, sink, tap);
    });
    this.leases.onLost((symbol) => tap.standby(symbol));
    return tap;
  }

  /**
   * A symbol's lease is won: what this node queued to JetStream goes first (a lapsed owner's last appends), then the
   * last bars (the publishing floor) and the trades stream are read, and the tap rebuilds or resumes from them.
   * Retried while the lease holds (NATS down); given up when it is lost meanwhile.
   */
  private async takeOver(symbol: string, sink: BusSink, tap: TradeTap): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await sink.settle(2000);
        await sink.takeOver(symbol);
        const history = await readTradeHistory(this.link.nc.jetstream(), this.jsm, symbol, !tap.built(symbol));
        sink.fenceTrades(symbol, history.lastSeq);
        if (history.lastNode !== '' && history.lastNode !== this.node) sink.markGap(symbol);
        tap.takeOver(symbol, history);
        return;
      } catch (e) {
        if (!this.leases.owns(symbol)) {
          this.log.warn({ symbol, err: String(e) }, 'Takeover abandoned: the lease was lost before the trades stream could be read');
          tap.abandon(symbol);
          sink.resumeAt(symbol, undefined);
          return;
        }
        if (attempt % 10 === 0) this.log.warn({ symbol, err: String(e), attempt }, 'Takeover: reading the streams failed; retrying');
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  /** Claims the free ones of `symbols` (those this node may serve: its source's) and keeps the leases from now on. */
  async start(symbols: readonly string[]): Promise<void> {
    await this.leases.start(symbols);
  }

  /** What /health shows under `bus`. */
  health(): Record<string, unknown> {
    return {
      node: this.node, link: this.link.linkStats(), leases: this.leases.states(), published: this.busSink?.stats() ?? null, queued: this.busSink?.queued ?? 0,
      trades: this.tap?.stats() ?? [],
    };
  }

  /** Publishes what is queued (a few seconds at most), hands the leases back and closes. */
  async close(): Promise<void> {
    await this.busSink?.settle(3000);
    this.busSink?.close();
    await this.leases.stop();
    await this.link.close();
  }
}
