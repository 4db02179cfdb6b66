import type { KV, NatsConnection } from 'nats';
import type { Logger } from 'pino';
import { ErrorCode } from '../common/errors.js';
import { OWNERS_BUCKET } from './bus-subjects.js';

/** Lease timing (`--bus-lease-ms`). */
export interface LeaseOptions {
  /** This node's id, the value written under each symbol it owns. */
  node: string;
  /** A lease not renewed for this long expires (the bucket's TTL) and another node may take the symbol. */
  leaseMs: number;
}

/** What the lease keeper reports about one symbol. */
export interface LeaseState {
  symbol: string;
  owned: boolean;
  /** Node owning it as last seen ('' when none). */
  owner: string;
  /** Times this node took the symbol (the first claim included). */
  acquired: number;
  /** Times this node lost it (another node took it, or renewal failed past the lease). */
  lost: number;
}

interface Held {
  state: LeaseState;
  /** KV revision of our entry while owned. */
  revision: number;
  /** Wall time (ms) of the last renewal the server confirmed. */
  renewedMs: number;
}

/**
 * Symbol ownership through a JetStream key-value bucket with a TTL: each symbol's key holds its owner's node id.
 * The owner renews every third of the lease (an update on its own revision, so two owners cannot both succeed);
 * a node that cannot renew for a whole lease (partitioned, NATS down) treats the lease as lost and stops
 * publishing at once, before the key expires and another node claims it. Other nodes claim a key that is absent
 * (expired, deleted) with a create, which only one of them wins.
 */
export class SymbolLeases {
  private readonly o: LeaseOptions;
  private readonly log: Logger;
  private readonly held = new Map<string, Held>();
  private kv: KV | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private readonly gained: ((symbol: string) => void)[] = [];
  private readonly dropped: ((symbol: string) => void)[] = [];

  constructor(o: LeaseOptions, log: Logger) {
    this.o = o;
    this.log = log;
  }

  /** Opens (or creates) the bucket; its TTL is the lease. */
  async open(nc: NatsConnection): Promise<void> {
    const js = nc.jetstream();
    this.kv = await js.views.kv(OWNERS_BUCKET, { ttl: this.o.leaseMs, history: 1 });
  }

  /** Called when this node becomes the owner of a symbol. */
  onGained(f: (symbol: string) => void): void {
    this.gained.push(f);
  }

  /** Called when this node stops owning a symbol. */
  onLost(f: (symbol: string) => void): void {
    this.dropped.push(f);
  }

  /**
   * Whether this node owns `symbol` now: a map lookup and the clock, read on every frame. A lease whose last
   * confirmed renewal is two thirds of a lease old no longer counts, even before the timer notices: the key
   * expires on the server a whole lease after that renewal was sent, so the last third is the margin during which
   * neither this node nor any other publishes the symbol.
   */
  owns(symbol: string): boolean {
    const h = this.held.get(symbol);
    return h !== undefined && h.state.owned && Date.now() - h.renewedMs < this.safeMs;
  }

  /** Two thirds of the lease: the longest a node publishes on a renewal. */
  private get safeMs(): number {
    return (this.o.leaseMs * 2) / 3;
  }

  /** Claims what of `symbols` (those this node may serve) is free now, then renews and claims every third of the lease until stopped. */
  async start(symbols: readonly string[]): Promise<void> {
    for (const symbol of symbols) this.held.set(symbol, { state: { symbol, owned: false, owner: '', acquired: 0, lost: 0 }, revision: 0, renewedMs: 0 });
    await this.tick();
    this.timer = setInterval(() => void this.tick(), Math.max(50, Math.floor(this.o.leaseMs / 3)));
  }

  /** Each symbol's lease state (for /health). */
  states(): LeaseState[] {
    return [...this.held.values()].map((h) => ({ ...h.state }));
  }

  /** Stops renewing and gives the owned symbols back at once (a clean shutdown hands over without waiting for the TTL). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const h of this.held.values()) {
      if (!h.state.owned) continue;
      this.lose(h, 'shutdown');
      h.state.lost--;
      await this.kv?.delete(h.state.symbol, { previousSeq: h.revision }).catch(() => undefined);
    }
  }

  private async tick(): Promise<void> {
    if (this.ticking || !this.kv) return;
    this.ticking = true;
    try {
      for (const h of this.held.values()) await this.keep(h);
    } finally {
      this.ticking = false;
    }
  }

  private async keep(h: Held): Promise<void> {
    const kv = this.kv!;
    const { symbol } = h.state;
    const now = Date.now();
    if (h.state.owned) {
      // Near the lease's end without a confirmed renewal another node may soon own it: stop before it can start.
      if (now - h.renewedMs >= this.safeMs) {
        this.lose(h, 'no renewal confirmed for two thirds of the lease');
        return;
      }
      try {
        h.revision = await kv.update(symbol, this.o.node, h.revision);
        h.renewedMs = now;
      } catch (e) {
        const current = await kv.get(symbol).catch(() => null);
        const other = current && current.operation === 'PUT' ? current.string() : '';
        if (other !== '' && other !== this.o.node) {
          h.state.owner = other;
          this.lose(h, `taken by ${other}`);
        } else {
          this.log.debug({ symbol, err: String(e) }, 'Lease renewal failed; retrying');
        }
      }
      return;
    }
    try {
      const current = await kv.get(symbol);
      // Our own key still live (this node gave up locally, say after a long pause, before it expired): renewed
      // on its revision, which fails if anyone changed it since; otherwise a create, which fails if the key exists.
      const rev = current && current.operation === 'PUT' && current.string() === this.o.node
        ? await kv.update(symbol, this.o.node, current.revision)
        : await kv.create(symbol, this.o.node);
      h.revision = rev;
      h.renewedMs = now;
      h.state.owned = true;
      h.state.owner = this.o.node;
      h.state.acquired++;
      this.log.info({ symbol, node: this.o.node }, 'Symbol lease acquired: publishing it');
      for (const f of this.gained) f(symbol);
    } catch {
      const current = await kv.get(symbol).catch(() => null);
      h.state.owner = current && current.operation === 'PUT' ? current.string() : '';
    }
  }

  private lose(h: Held, why: string): void {
    h.state.owned = false;
    h.state.lost++;
    if (why === 'shutdown') this.log.info({ symbol: h.state.symbol }, 'Symbol lease handed back');
    else this.log.warn({ code: ErrorCode.BUS_LEASE_LOST, symbol: h.state.symbol, why }, 'Symbol lease lost: no longer publishing it');
    for (const f of this.dropped) f(h.state.symbol);
  }
}
