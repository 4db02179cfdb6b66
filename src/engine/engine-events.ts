import type { BarInput, SnapshotInput } from '../model/signal-input.js';
import type { UnixNanos } from '../model/time.js';
import type { AlertMessage, StatusMessage } from '../protocol/messages.js';
import type { MlVerdict, RiskVerdict } from '../execution/decision-verdicts.js';
import type { DriftReading } from '../ml/drift-monitor.js';
import type { SignalDecision } from '../signals/signal-engine.js';
import type { NeuralVerdict } from '../ml/neural/neural-scorer.js';

/** Last L1 quote of a symbol, when its source has quotes (sizes in raw units). */
export interface QuoteState {
  tsNs: UnixNanos;
  bid: number;
  ask: number;
  bidSize: number;
  askSize: number;
}

/** One emitted timeframe of a feed as a frame builder reads it. */
export interface TimeframeMemory {
  sec: number;
  /** Timeframe block index in the state and the snapshot region. */
  block: number;
  /** The last closed Bar struct (schema layout), copied at its close; undefined before the first close. */
  lastClosed: Uint8Array | undefined;
  /**
   * What the signals read of `lastClosed`, made at the first snapshot after the close and dropped at the next
   * close: a bar closes once and is shown by every snapshot until the next, so it is read once, not per snapshot.
   */
  lastClosedInput?: BarInput | undefined;
  /** Snapshots carry the footprint of this timeframe's bar in progress. */
  footprint: boolean;
}

/**
 * A snapshot the engine has made: the kernels' live view of one symbol at the time of its last trade. The
 * numbers stay where the kernels wrote them (`memory`); `input()` reads what the signals use, on first call.
 * One object per symbol, reused from snapshot to snapshot: read it during the event, keep nothing.
 */
export interface SnapshotEvent {
  readonly symbol: string;
  sequence: bigint;
  /** Time of the last trade the snapshot covers. */
  tsNs: UnixNanos;
  tickSize: number;
  sizeDecimals: number;
  /** QualityFlag bits. */
  quality: number;
  tradesTotal: bigint;
  /** The symbol's data-quality score over the last five minutes, in [0, 1] (DataQualityWindow, docs/metrics.md). */
  dataQuality: number;
  /** Stage times of the newest trade, µs (nowUs clock). */
  tickReceivedUs: number;
  tapeCommittedUs: number;
  kernelsDoneUs: number;
  /** The snapshot shows trades no earlier one did (not only a quality change): its stage times are new. */
  newTrades: boolean;
  /** The warm-up's synthetic market: exercise the path, publish and decide nothing. */
  warm: boolean;
  /** Addresses in shared memory: the snapshot region, the state block, and the emitted timeframes. */
  readonly region: number;
  readonly state: number;
  readonly timeframes: readonly TimeframeMemory[];
  quote: QuoteState | undefined;
  /** What the signals read of this snapshot, from shared memory (SignalInputError for a non-finite bar). */
  input(): SnapshotInput;
}

/** A closed bar, read in place from its ring entry. Reused per symbol: read it during the event. */
export interface BarEvent {
  readonly symbol: string;
  timeframeSec: number;
  /** Address of the ring entry (Bar struct, volume nodes, footprint position). */
  entry: number;
  /** The footprint ring of the symbol: its address and capacity in levels. */
  readonly footprintBase: number;
  readonly footprintCap: number;
  tickSize: number;
  sizeDecimals: number;
  warm: boolean;
  /** What the signals read of this bar, its footprint rows included unless `levels` is false (a reader without use for them). */
  input(levels?: boolean): BarInput;
}

/** The engine's status (the `status` topic's content and /health's `status`). */
export type EngineStatus = Omit<StatusMessage, 'type' | 'topic'>;

/** A decision on one snapshot: the signal, its ML verdict, its risk verdict. */
export interface DecisionEvent {
  decision: SignalDecision;
  /** Sequence of the snapshot decided on. */
  sequence: bigint;
  ml: MlVerdict;
  risk: RiskVerdict;
  /** Feature drift of the decision's symbol (models with training bins only): valid during the event, copy to keep. */
  drift?: DriftReading | undefined;
  /** The neural models' outputs (issue 16); absent when they are off (the default). */
  nn?: NeuralVerdict;
}

/** The risk state (the `risk` topic's content and /health's `risk`). */
export interface RiskStateEvent {
  alert: string;
  halted: boolean;
  balance: number;
  dailyPnl: number;
  consecutiveLosses: number;
  positions: { symbol: string; qty: number }[];
  lastRefusal: string | null;
  lastRefusalSymbol: string | null;
  /** Decisions go to a venue as orders (paper trading). */
  ordersEnabled: boolean;
  /** The limits the state is held to (the risk engine's configuration). */
  limits: { dailyLoss: number; maxConsecutiveLosses: number; maxPosition: number; minBalance: number };
}

/** An alert raised, repeated or resolved by the alert rules (the `alert` topic's content, docs/alerts.md). */
export type AlertEvent = Omit<AlertMessage, 'type' | 'topic' | 'publishedUs'>;

/** Every event of the engine, its decision pipeline and its alert rules, by kind. */
export interface EngineEventMap {
  snapshot: SnapshotEvent;
  bar: BarEvent;
  status: EngineStatus;
  decision: DecisionEvent;
  risk: RiskStateEvent;
  alert: AlertEvent;
}

/** A handler of one kind of event. */
export type EngineHandler<K extends keyof EngineEventMap> = (e: EngineEventMap[K]) => void;

/**
 * The engine's typed event bus: synchronous, in registration order, no allocation per event. The stream
 * publisher subscribes first (a snapshot's frame leaves before the decision made on it), then the decision
 * pipeline; backtests and training subscribe what they need. A handler that throws stops the engine's task,
 * as any bug would: handlers own their error policy (the pipeline counts and logs bad input).
 */
export class EventBus {
  private readonly handlers: { [K in keyof EngineEventMap]: EngineHandler<K>[] } = {
    snapshot: [], bar: [], status: [], decision: [], risk: [], alert: [],
  };

  /** Adds a handler of `kind`; returns a function that removes it. */
  on<K extends keyof EngineEventMap>(kind: K, handler: EngineHandler<K>): () => void {
    const list = this.handlers[kind] as EngineHandler<K>[];
    list.push(handler);
    return () => {
      const i = list.indexOf(handler);
      if (i >= 0) list.splice(i, 1);
    };
  }

  /** Hands `e` to every handler of `kind`, in registration order. */
  emit<K extends keyof EngineEventMap>(kind: K, e: EngineEventMap[K]): void {
    const list = this.handlers[kind] as EngineHandler<K>[];
    for (let i = 0; i < list.length; i++) list[i]!(e);
  }

  /** True when some handler listens to `kind` (the engine skips work nobody reads). */
  has(kind: keyof EngineEventMap): boolean {
    return this.handlers[kind].length > 0;
  }
}
