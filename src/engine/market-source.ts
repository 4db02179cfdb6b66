import type { TradeBatch } from '../model/trade-batch.js';

/** What the engine needs to know about one instrument of a source. */
export interface InstrumentInfo {
  /** Name on the stream's topics (`ES`, `ESH4`). */
  symbol: string;
  tickSize: number;
  /** Decimal places of the raw size unit (0 for CME lots). */
  sizeDecimals: number;
  /** False when the feed has no aggressor sides: the tape writer classifies them (quote rule, tick rule). */
  hasSides: boolean;
  /**
   * True when the source classified every side itself (an adapter that sees each quote as it happens): the
   * tape marks those trades inferred, so `inferredShare` counts them.
   */
  sidesInferred?: boolean;
}

/** Where a source hands trades: the engine's shared-memory tapes. */
export interface TradeSink {
  /**
   * Offers trades `from` up to `to` of `batch` for instrument `i`, received at `receivedUs` (nowUs clock).
   * Returns how many were taken; the source offers the rest again on a later poll (the tape is full, or a
   * bar just closed and its snapshot goes first). Never copies the batch: it is read during the call only.
   */
  offer(i: number, batch: TradeBatch, from: number, to: number, receivedUs: number): number;
  /** The prevailing L1 quote of instrument `i` (sizes in raw units, 0 when unknown). */
  quote(i: number, tsNs: bigint, bid: number, ask: number, bidSize: number, askSize: number): void;
}

/** Source kinds `mia serve --source` takes. */
export type SourceKind = 'sim' | 'replay' | 'ib';

/**
 * A market data source behind one interface: the simulator, a replay file, a live adapter. The engine
 * polls it; it offers what is due by now. Replay and live differ only here.
 */
export interface MarketSource {
  readonly kind: SourceKind;
  readonly instruments: readonly InstrumentInfo[];
  /** True when a poll may offer more at once (replay at full speed): the engine loops without sleeping. */
  readonly eager: boolean;
  /** Offers the trades due now to the sink. Resolves false once the source has nothing more to give. */
  poll(sink: TradeSink): boolean | Promise<boolean>;
  /** Releases files and connections. */
  close(): Promise<void>;
  /**
   * Data-quality flags (QualityFlag bits: Gap, Disconnected, …) the source reports for instrument `i` now;
   * the engine ORs them into each snapshot. Live adapters use it so a snapshot never hides a lost connection.
   */
  qualityFlags?(i: number): number;
  /** Source-specific health (connection state, farms, counters) shown under `source` in /health. */
  health?(): Record<string, unknown>;
  /** Live sources: whether market data is flowing from the connection now (absent: always true). */
  connected?(): boolean;
}
