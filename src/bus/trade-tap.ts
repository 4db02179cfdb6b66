import { nowUs } from '../common/clock.js';
import { ErrorCode } from '../common/errors.js';
import type { InstrumentInfo, MarketSource, SourceKind, TradeSink } from '../engine/market-source.js';
import { TradeBatch } from '../model/trade-batch.js';
import { QualityFlag } from '../protocol/generated/mia/quality-flag.js';
import type { Logger } from 'pino';
import { markOf, MarkSkipper, PackedTrades } from './packed-trades.js';
import type { TradeHistory } from './trade-history.js';

export { TRADE_RECORD_BYTES } from './packed-trades.js';

/** Where the tap sends a symbol's packed trades, whether this node may (it owns the symbol), and takeover gaps. */
export interface TradeLog {
  owns(symbol: string): boolean;
  appendTrades(symbol: string, bytes: Uint8Array): void;
  /** True while the symbol's next snapshot must carry the Gap flag (taken over from a node that died). */
  gap(symbol: string): boolean;
  /** A rebuild is over: the engine has taken the trades up to `tsNs` (undefined: there were none). */
  caughtUp(symbol: string, tsNs: bigint | undefined): void;
}

/**
 * A symbol's side of the tap. standby: not owned (its trades are held, for the stream, and for the engine when it
 * has no state yet); gaining: the lease is won and the stream being read; rebuilding: the engine takes the
 * stream's trades, then the held ones; owned: the engine takes the feed and the stream gets what it took.
 */
type Phase = 'standby' | 'gaining' | 'rebuilding' | 'owned';

interface SymbolTap {
  symbol: string;
  phase: Phase;
  /** The engine holds this symbol's state: rebuilt once, or owned once and fed since (a lapsed lease). */
  built: boolean;
  /** Trades the stream does not have: taken while owned (sent every flush) or held while not. */
  unsent: PackedTrades;
  /** A rebuild's trades for the engine: the stream's, the held ones after its end, the feed's meanwhile. */
  replay: PackedTrades | undefined;
  /** The feed's trades the stream already has, skipped after a takeover (for the engine too after a rebuild). */
  skipper: MarkSkipper;
  skipEngine: boolean;
  /** Time of the last trade a rebuild handed to the engine. */
  lastHi: number;
  lastLo: number;
  /** Trades this rebuild handed over so far. */
  replayed: number;
  rebuiltAtUs: number;
  counters: TapStats;
}

/** Per-symbol counters (/health `bus.trades`). */
export interface TapStats {
  rebuilds: number;
  /** Trades the engine took from the stream and the held trades in rebuilds. */
  rebuiltTrades: number;
  /** Feed trades not appended (nor, after a rebuild, taken) because the stream already had them. */
  skipped: number;
  /** Held trades dropped by the cap while no one could take them (MIA_ERR_BUS_TRADES_LOST when the stream lacked them). */
  heldDropped: number;
  /** Wall time of the last rebuild, ms. */
  lastRebuildMs: number;
}

/**
 * How often the taken trades go to the bus: one message per symbol per flush, not one per poll. A rebuild reads
 * the session message by message (~50 k messages/s with nats.js: bench/RESULTS.md), so fewer, larger messages
 * make takeovers faster; what the owner took in its last flush interval before dying is in the standby's hold.
 */
export const FLUSH_MS = 200;

/** Trades a symbol holds while nobody can take them: minutes of a busy CME session, 6.5 MB a symbol at most. */
export const DEFAULT_HELD_TRADES = 1 << 18;

/** Trades a rebuild hands the engine per offer. */
const REPLAY_CHUNK = 8192;

/**
 * The source the engine polls, tapped for a cluster. An owned symbol's trades go to the engine and, packed, to
 * the symbol's trades stream every 200 ms (the raw record of what the owner ingested). A symbol this node may serve
 * but does not own costs no kernel work: its feed is only held (the last {@link DEFAULT_HELD_TRADES}). On taking
 * a symbol over, the engine rebuilds the session from the stream (every trade the owners appended), then takes
 * the held trades after the stream's end, then the feed; trades the stream already has are skipped by time and
 * count, whatever the feed's lag. Snapshots carry Gap while the rebuild runs.
 */
export class TradeTap implements MarketSource {
  readonly kind: SourceKind;
  readonly instruments: readonly InstrumentInfo[];
  health?: () => Record<string, unknown>;
  connected?: () => boolean;
  private readonly inner: MarketSource;
  private readonly out: TradeLog;
  private readonly log: Logger;
  private readonly syms: SymbolTap[];
  private readonly bySymbol = new Map<string, SymbolTap>();
  private readonly tap: TradeSink;
  private readonly scratch = new TradeBatch(REPLAY_CHUNK);
  private sink: TradeSink | undefined;
  private readonly timer: NodeJS.Timeout;
  /** Symbols gaining or rebuilding: the engine keeps polling (and without pause) until they are done. */
  private busy = 0;
  /** Symbols rebuilding. */
  private rebuilding = 0;
  private innerDone = false;

  constructor(inner: MarketSource, out: TradeLog, log: Logger, heldTrades = DEFAULT_HELD_TRADES) {
    this.inner = inner;
    this.out = out;
    this.log = log;
    this.kind = inner.kind;
    this.instruments = inner.instruments;
    if (inner.health) this.health = () => inner.health!();
    if (inner.connected) this.connected = () => inner.connected!();
    this.syms = inner.instruments.map((info) => ({
      symbol: info.symbol, phase: 'standby', built: false, unsent: new PackedTrades(heldTrades), replay: undefined,
      skipper: new MarkSkipper(undefined), skipEngine: false, lastHi: 0, lastLo: 0, replayed: 0, rebuiltAtUs: 0,
      counters: { rebuilds: 0, rebuiltTrades: 0, skipped: 0, heldDropped: 0, lastRebuildMs: 0 },
    }));
    for (const s of this.syms) this.bySymbol.set(s.symbol, s);
    this.tap = {
      offer: (i, batch, from, to, receivedUs) => this.offer(i, batch, from, to, receivedUs),
      quote: (i, tsNs, bid, ask, bidSize, askSize) => this.sink!.quote(i, tsNs, bid, ask, bidSize, askSize),
    };
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  /** A rebuild runs at full speed whatever the source's pace: the engine loops without sleeping meanwhile. */
  get eager(): boolean {
    return this.inner.eager || this.rebuilding > 0;
  }

  /** The source's own flags, and Gap while a takeover rebuilds or until its first snapshot is out. */
  qualityFlags(i: number): number {
    const s = this.syms[i]!;
    const gap = s.phase === 'gaining' || s.phase === 'rebuilding' || this.out.gap(s.symbol);
    return (this.inner.qualityFlags?.(i) ?? 0) | (gap ? QualityFlag.Gap : 0);
  }

  /** Per-symbol phase and counters. */
  stats(): Record<string, unknown>[] {
    return this.syms.map((s) => ({ symbol: s.symbol, phase: s.phase, state: s.built ? 'built' : 'none', held: s.unsent.length, ...s.counters, heldDropped: s.unsent.dropped }));
  }

  poll(sink: TradeSink): boolean | Promise<boolean> {
    this.sink = sink;
    if (this.busy > 0) this.drainReplays();
    if (this.innerDone) return this.busy > 0;
    const more = this.inner.poll(this.tap);
    if (typeof more === 'boolean') return this.after(more);
    return more.then((m) => this.after(m));
  }

  /** A replay that ended while a takeover is still rebuilding: polled on until it is done. */
  private after(more: boolean): boolean {
    if (!more) this.innerDone = true;
    return more || this.busy > 0;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.flush();
    await this.inner.close();
  }

  /** The lease of `symbol` is won: hold its feed until the stream is read ({@link takeOver}). */
  gaining(symbol: string): void {
    const s = this.bySymbol.get(symbol);
    if (!s || s.phase === 'gaining' || s.phase === 'rebuilding') return;
    s.phase = 'gaining';
    this.busy++;
  }

  /** Whether the engine holds `symbol`'s state (a takeover then reads only the stream's last message). */
  built(symbol: string): boolean {
    return this.bySymbol.get(symbol)?.built ?? false;
  }

  /**
   * The stream as read after winning the lease: held trades it already has are dropped, and without state the
   * engine rebuilds from `history` (the whole stream) and then takes the held trades after it.
   */
  takeOver(symbol: string, history: TradeHistory): void {
    const s = this.bySymbol.get(symbol);
    if (!s || s.phase !== 'gaining') return;
    const mark = markOf(history.records.bytes());
    s.skipper = new MarkSkipper(mark);
    s.skipEngine = !s.built;
    s.counters.skipped += s.skipper.trim(s.unsent);
    if (s.unsent.lostAfter(mark)) {
      this.log.error({ code: ErrorCode.BUS_TRADES_LOST, symbol, dropped: s.unsent.dropped }, 'Held trades were dropped before this node could take the symbol over: the stream and the state miss them (a standby holds its feed\'s last 262,144 trades; its feed lagged the dead owner\'s by more)');
    }
    if (s.built) {
      s.phase = 'owned';
      this.busy--;
      this.out.caughtUp(symbol, undefined);
      return;
    }
    s.replay = history.records;
    s.replay.pushBytes(s.unsent.bytes());
    s.phase = 'rebuilding';
    this.rebuilding++;
    s.replayed = 0;
    s.rebuiltAtUs = nowUs();
    s.counters.rebuilds++;
    this.log.info({ symbol, streamTrades: history.records.length - s.unsent.length, heldTrades: s.unsent.length, messages: history.messages }, 'Rebuilding the symbol from its trades stream');
  }

  /** The stream could not be read before the lease was lost again: back to standby, nothing rebuilt. */
  abandon(symbol: string): void {
    const s = this.bySymbol.get(symbol);
    if (!s || s.phase !== 'gaining') return;
    s.phase = 'standby';
    this.busy--;
  }

  /** The lease of `symbol` is lost: its feed is held again (and still taken by the engine once it has state). */
  standby(symbol: string): void {
    const s = this.bySymbol.get(symbol);
    if (s && s.phase === 'owned') s.phase = 'standby';
  }

  /** Sends what each owned symbol has not yet appended (a copy: the buffer is reused). */
  flush(): void {
    for (const s of this.syms) {
      if (s.unsent.length === 0 || (s.phase !== 'owned' && s.phase !== 'rebuilding') || !this.out.owns(s.symbol)) continue;
      this.out.appendTrades(s.symbol, s.unsent.bytes().slice());
      s.unsent.clear();
    }
  }

  private offer(i: number, batch: TradeBatch, from: number, to: number, receivedUs: number): number {
    const s = this.syms[i]!;
    let at = from;
    if (s.skipEngine && s.skipper.active) {
      const k = s.skipper.skip(batch, at, to);
      s.counters.skipped += k;
      at += k;
    }
    if (!s.built) {
      // No state to keep: no kernel work. Held for the stream (and the engine, should this node take it over).
      s.unsent.pushBatch(batch, at, to);
      s.replay?.pushBatch(batch, at, to);
      return to - from;
    }
    if (at === to) return to - from;
    const taken = this.sink!.offer(i, batch, at, to, receivedUs);
    if (taken > 0) this.keep(s, batch, at, at + taken);
    return at - from + taken;
  }

  /** What the engine took, for the stream: after a takeover that kept the state, minus what the stream has. */
  private keep(s: SymbolTap, batch: TradeBatch, from: number, to: number): void {
    let at = from;
    if (!s.skipEngine && s.skipper.active) {
      const k = s.skipper.skip(batch, at, to);
      s.counters.skipped += k;
      at += k;
    }
    s.unsent.pushBatch(batch, at, to);
  }

  /** Hands each rebuilding symbol's replay to the engine as far as it takes it now. */
  private drainReplays(): void {
    for (let i = 0; i < this.syms.length; i++) {
      const s = this.syms[i]!;
      if (s.phase !== 'rebuilding') continue;
      const r = s.replay!;
      // The engine takes a bar at a time: a chunk is decoded once and offered from where the last offer stopped.
      while (r.length > 0) {
        const n = r.decodeInto(this.scratch);
        let at = 0;
        while (at < n) {
          const taken = this.sink!.offer(i, this.scratch, at, n, nowUs());
          if (taken === 0) break;
          at += taken;
        }
        if (at > 0) {
          s.lastHi = this.scratch.tsHi[at - 1]!;
          s.lastLo = this.scratch.tsLo[at - 1]!;
        }
        r.consume(at);
        s.replayed += at;
        s.counters.rebuiltTrades += at;
        if (at < n) break;
      }
      if (r.length === 0) this.rebuilt(s);
    }
  }

  private rebuilt(s: SymbolTap): void {
    s.replay = undefined;
    s.built = true;
    s.phase = this.out.owns(s.symbol) ? 'owned' : 'standby';
    this.busy--;
    this.rebuilding--;
    s.counters.lastRebuildMs = (nowUs() - s.rebuiltAtUs) / 1000;
    this.out.caughtUp(s.symbol, s.replayed > 0 ? (BigInt(s.lastHi) << 32n) | BigInt(s.lastLo) : undefined);
    this.log.info({ symbol: s.symbol, trades: s.replayed, ms: Math.round(s.counters.lastRebuildMs) }, 'Symbol rebuilt from its trades stream: publishing it');
  }
}
