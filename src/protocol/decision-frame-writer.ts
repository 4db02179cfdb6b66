import { CONFLUENCE_TIMEFRAMES } from '../model/confluence-timeframes.js';
import { usToNs } from '../model/time.js';
import * as flatbuffers from 'flatbuffers';
import { Decision } from './generated/mia/decision.js';
import { Direction } from './generated/mia/direction.js';
import { Frame } from './generated/mia/frame.js';
import { Payload } from './generated/mia/payload.js';
import { RiskState } from './generated/mia/risk-state.js';
import { SymbolPosition } from './generated/mia/symbol-position.js';
import type { DecisionMessage, RiskMessage } from './messages.js';
import { addDecisionExtras, createDriftVector, type DriftFields } from './decision-extras.js';

const DIRECTIONS = { flat: Direction.Flat, long: Direction.Long, short: Direction.Short } as const;

/** null (not warm yet) goes on the wire as NaN, the schema's default for these fields. */
function num(x: number | null | undefined): number {
  return x ?? Number.NaN;
}

/** The neural outputs as a frame takes them: the message's `nn`, or the engine's verdict (NaN for unknown). */
export interface NeuralFields {
  enabled: boolean;
  volatility: number | null;
  regime: number | null;
  direction: number | null;
}

/**
 * Builds `Decision` and `RiskState` frames from their message shapes (src/stream/messages.ts), so that
 * decoding a built frame gives back the message it was built from. Kept apart from FrameWriter, which is
 * bound to the kernels' shared memory: decisions are JavaScript objects, not memory regions. One builder is
 * reused; a returned frame is valid until the next build.
 */
export class DecisionFrameWriter {
  private readonly b = new flatbuffers.Builder(2048);
  /** UTF-8 of the strings every decision repeats (topic, symbol, model hashes, states), encoded once. */
  private readonly utf8 = new Map<string, Uint8Array>();
  /** The timeframes' directions in CONFLUENCE_TIMEFRAMES order, refilled per decision. */
  private readonly dirs = new Float64Array(CONFLUENCE_TIMEFRAMES.length);

  /** The builder offset of a string, from its cached UTF-8 (a decision's strings come from a small set). */
  private str(s: string): number {
    let bytes = this.utf8.get(s);
    if (bytes === undefined) {
      if (this.utf8.size >= 1024) this.utf8.clear(); // bounded: only repeated strings belong here
      bytes = new TextEncoder().encode(s);
      this.utf8.set(s, bytes);
    }
    return this.b.createString(bytes);
  }

  /**
   * A Decision frame on `d.topic`. The engine's own readings go in as they are: a drift reading (its PSIs in a
   * Float64Array) and the neural verdict (NaN for unknown; written only when `enabled`).
   */
  decision(d: Omit<DecisionMessage, 'type' | 'drift' | 'nn'> & { drift?: DriftFields | undefined; nn?: NeuralFields | undefined }): Uint8Array {
    const b = this.b;
    b.clear();
    const topic = this.str(d.topic);
    const symbol = this.str(d.symbol);
    const phase = this.str(d.expiry.phase);
    const mlState = this.str(d.ml.state);
    const scores = d.ml.scores.length > 0 ? Decision.createMlScoresVector(b, d.ml.scores) : 0;
    const hashes = d.ml.hashes.length > 0 ? Decision.createMlHashesVector(b, d.ml.hashes.map((h) => this.str(h))) : 0;
    const shapBase = d.ml.shapBase?.length ? Decision.createMlShapBaseVector(b, d.ml.shapBase as number[]) : 0;
    const shapValues = d.ml.shapValues?.length ? Decision.createMlShapValuesVector(b, d.ml.shapValues as number[]) : 0;
    const reason = d.risk.reason ? this.str(d.risk.reason) : 0;
    const alert = this.str(d.risk.alert);
    const st = d.strategy;
    const strategyId = st ? this.str(st.id) : 0;
    const strategyReason = st ? this.str(st.reason) : 0;
    const dirs = this.dirs;
    for (let i = 0; i < CONFLUENCE_TIMEFRAMES.length; i++) dirs[i] = num(d.directions[CONFLUENCE_TIMEFRAMES[i]!]);
    const directions = Decision.createTfDirectionsVector(b, dirs);
    const psi = createDriftVector(b, d.drift);
    const f = d.features;
    const sm = d.smartMoney;
    const m = d.regime.market;
    const v = d.regime.volatility;
    Decision.startDecision(b);
    Decision.addSymbol(b, symbol);
    Decision.addSequence(b, BigInt(d.sequence));
    Decision.addTsNs(b, BigInt(d.tsNs));
    Decision.addScore(b, d.score);
    Decision.addConfidence(b, d.confidence);
    Decision.addDirection(b, DIRECTIONS[d.direction]);
    Decision.addConfluenceScore(b, num(f.confluence_score));
    Decision.addMomentumFlow(b, num(f.momentum_flow));
    Decision.addTrendAlignment(b, num(f.trend_alignment));
    Decision.addVolumeProfile(b, num(f.volume_profile));
    Decision.addSupportResistance(b, num(f.support_resistance));
    Decision.addMarketRegimeScore(b, num(f.market_regime_score));
    Decision.addVolatilityRegime(b, num(f.volatility_regime));
    Decision.addTimeFactor(b, num(f.time_factor));
    if (m) {
      Decision.addPTrendUp(b, m.trendUp);
      Decision.addPTrendDown(b, m.trendDown);
      Decision.addPRange(b, m.range);
    }
    if (v) {
      Decision.addPVolLow(b, v.low);
      Decision.addPVolNormal(b, v.normal);
      Decision.addPVolHigh(b, v.high);
    }
    Decision.addExpiryPhase(b, phase);
    Decision.addExpiryFactor(b, d.expiry.factor);
    Decision.addDaysToExpiry(b, d.expiry.daysToExpiry);
    Decision.addMlEnabled(b, d.ml.enabled);
    Decision.addMlState(b, mlState);
    if (scores) Decision.addMlScores(b, scores);
    if (d.ml.mean !== null) Decision.addMlMean(b, d.ml.mean);
    Decision.addMlApproved(b, d.ml.approved);
    if (hashes) Decision.addMlHashes(b, hashes);
    if (shapBase) Decision.addMlShapBase(b, shapBase);
    if (shapValues) Decision.addMlShapValues(b, shapValues);
    Decision.addRiskEvaluated(b, d.risk.evaluated);
    Decision.addRiskApproved(b, d.risk.approved);
    if (reason) Decision.addRiskReason(b, reason);
    Decision.addRiskQty(b, d.risk.qty);
    if (d.risk.stopPrice !== null) Decision.addRiskStopPrice(b, d.risk.stopPrice);
    if (d.risk.targetPrice !== null) Decision.addRiskTargetPrice(b, d.risk.targetPrice);
    Decision.addRiskAlert(b, alert);
    Decision.addTSnapshotPublished(b, usToNs(d.snapshotPublishedUs));
    Decision.addTPublished(b, usToNs(d.publishedUs));
    Decision.addTfDirections(b, directions);
    Decision.addSmartLargeFlow(b, num(sm.largeFlow));
    Decision.addSmartStacked(b, num(sm.stacked));
    Decision.addSmartAbsorption(b, num(sm.absorption));
    Decision.addSmartBook(b, num(sm.book));
    Decision.addSmartScore(b, num(sm.score));
    if (st) {
      Decision.addStrategyId(b, strategyId);
      Decision.addStrategyReason(b, strategyReason);
      Decision.addSignalDirection(b, DIRECTIONS[st.signalDirection]);
    }
    addDecisionExtras(b, d.patterns, d.drift, psi);
    if (d.nn?.enabled) {
      Decision.addNnEnabled(b, true);
      Decision.addNnVolatility(b, num(d.nn.volatility));
      Decision.addNnRegime(b, num(d.nn.regime));
      Decision.addNnDirection(b, num(d.nn.direction));
    }
    return this.finish(topic, Payload.Decision, Decision.endDecision(b));
  }

  /** A RiskState frame on topic `risk`. */
  riskState(r: Omit<RiskMessage, 'type' | 'topic'>): Uint8Array {
    const b = this.b;
    b.clear();
    const topic = b.createString('risk');
    const alert = b.createString(r.alert);
    const positions = RiskState.createPositionsVector(b, r.positions.map((p) => {
      const sym = b.createString(p.symbol);
      return SymbolPosition.createSymbolPosition(b, sym, p.qty);
    }));
    const refusal = r.lastRefusal ? b.createString(r.lastRefusal) : 0;
    const refusalSymbol = r.lastRefusalSymbol ? b.createString(r.lastRefusalSymbol) : 0;
    RiskState.startRiskState(b);
    RiskState.addAlert(b, alert);
    RiskState.addHalted(b, r.halted);
    RiskState.addBalance(b, r.balance);
    RiskState.addDailyPnl(b, r.dailyPnl);
    RiskState.addConsecutiveLosses(b, r.consecutiveLosses);
    RiskState.addPositions(b, positions);
    if (refusal) RiskState.addLastRefusal(b, refusal);
    if (refusalSymbol) RiskState.addLastRefusalSymbol(b, refusalSymbol);
    RiskState.addOrdersEnabled(b, r.ordersEnabled);
    RiskState.addTPublished(b, usToNs(r.publishedUs));
    RiskState.addDailyLossLimit(b, num(r.limits.dailyLoss));
    RiskState.addMaxConsecutiveLosses(b, r.limits.maxConsecutiveLosses);
    RiskState.addMaxPosition(b, r.limits.maxPosition);
    RiskState.addMinBalance(b, num(r.limits.minBalance));
    return this.finish(topic, Payload.RiskState, RiskState.endRiskState(b));
  }

  private finish(topic: number, type: number, payload: number): Uint8Array {
    Frame.finishFrameBuffer(this.b, Frame.createFrame(this.b, topic, type, payload));
    return this.b.asUint8Array();
  }
}
