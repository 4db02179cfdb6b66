import type { Logger } from 'pino';
import type { TradingVenue } from '../execution/execution-venue.js';
import type { TraderCounters, WithheldCounters } from '../execution/signal-trader.js';
import type { FilterStatus } from '../ml/model-ensemble.js';
import type { DriftHealth, DriftOptions } from '../ml/drift-monitor.js';
import type { SnapshotInput } from '../model/signal-input.js';
import type { UnixNanos } from '../model/time.js';
import type { RiskConfig } from '../risk/risk-engine.js';
import type { SignalDecision, SignalEngineConfig } from '../signals/signal-engine.js';
import type { StrategyBookConfig } from '../signals/strategies/strategy-book.js';
import type { NeuralDecisionScorer } from './neural-stage.js';
import type { DecisionScorer } from './scorer-slot.js';

// The decision pipeline's options and the shapes it reports (decision-pipeline.ts), apart so the pipeline's
// file holds its behaviour.

/** How the pipeline decides. */
export interface DecisionPipelineOptions {
  /** The neural models (off when absent: `neuralEnabled` in the manifest turns them on); their outputs go on every decision. */
  neural?: NeuralDecisionScorer | null;
  /** The ML filter's state (FILTER_OFF without models). */
  filter?: FilterStatus;
  /** The ensemble; null or absent: the filter is off. */
  scorer?: DecisionScorer | null;
  /**
   * Score flat decisions too (default true: `mia serve` shows every decision's scores). A backtest scores only
   * long and short decisions, the only ones the filter can let through.
   */
  scoreFlat?: boolean;
  /** Explain every scored decision with the scorer's explainer, if it has one (default true; docs/ml.md "Explanations"). */
  explain?: boolean;
  startingBalance: number;
  risk?: Partial<RiskConfig>;
  /** Kelly win probability when no ML mean supplies one. */
  winProbability: number;
  signals?: Partial<SignalEngineConfig>;
  /** Value given to the models for a feature still warming up (the manifest's missingFeatureValue). */
  missingFeature?: number;
  /** Symbols whose positions the risk state lists. */
  symbols: readonly string[];
  /**
   * Trading: every decision's verdict also goes to a SignalTrader on this venue (a bracket for an approved long
   * or short): the simulated broker of backtests and of paper trading on sim and replay, or the IB paper route.
   * The venue must see every trade the engine takes (BrokerTap, with holding/settle from this pipeline).
   */
  venue?: TradingVenue;
  /** Trading: no entries on snapshots before this market time (a live source's start-up backfill; a backtest's --from). */
  tradeFromNs?: UnixNanos;
  /** Trading: no entries on snapshots carrying any of these QualityFlag bits (live: Gap, Stale, Disconnected). */
  noEntryQuality?: number;
  /** Trading: no entries on snapshots whose market time is more than this behind the wall clock, ms (`Lagging`). */
  maxEntryLagMs?: number;
  /** Logs each order, fill and the result (trading); a backtest passes none. */
  tradingLog?: Logger;
  /** Strategies and the trading-hours window (docs/signals.md); absent or inactive: the signal's direction as it is. */
  strategies?: StrategyBookConfig;
  /** Feature drift against the models' training bins (the manifest's `featureDrift`); absent: drift off. */
  drift?: DriftOptions;
}

/** A snapshot to decide on: what the signals read and what the decision repeats. */
export interface SnapshotToDecide {
  symbol: string;
  sequence: bigint;
  tsNs: UnixNanos;
  /** QualityFlag bits. */
  quality: number;
  input: SnapshotInput;
}

/** One decision's feature row as the signals computed it, before the ML filter sees it (the training tap). */
export interface FeatureRow {
  /** Sequence of the snapshot decided on. */
  sequence: bigint;
  decision: SignalDecision;
  input: SnapshotInput;
  /** The eight features in FEATURE_NAMES order, missing ones as the pipeline's `missingFeature`; reused: copy to keep. */
  row: Float32Array;
}

/** Decisions made, and where those that did not reach an approved size stopped. */
export interface DecisionCounters {
  snapshots: number;
  bars: number;
  decisions: number;
  directional: number;
  scored: number;
  failed: number;
  mlApproved: number;
  riskEvaluated: number;
  riskApproved: number;
  riskRefused: Record<string, number>;
  /** Inputs that could not be decided on (bad signal input), each logged with its code. */
  errors: number;
}

/** The pipeline's part of /health's `decisions`. */
export interface PipelineHealth {
  filter: FilterStatus;
  counts: DecisionCounters;
  /** Trading: the trader's counters and the directional decisions it withheld, by reason. */
  trading?: TraderCounters & { withheld: WithheldCounters };
  /** Feature drift: each symbol's PSI and correlation matrix; absent when drift is off. */
  drift?: DriftHealth;
}

