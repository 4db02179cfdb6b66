import { CONFLUENCE_TIMEFRAMES } from '../model/confluence-timeframes.js';
import { nsToUs } from '../model/time.js';
import type { Decision } from './generated/mia/decision.js';
import { Direction } from './generated/mia/direction.js';
import type { RiskState } from './generated/mia/risk-state.js';
import { SymbolPosition } from './generated/mia/symbol-position.js';
import { isoNs } from '../model/time.js';
import type { DecisionMessage, DecisionMlJson, RiskMessage } from './messages.js';
import { decodeDrift, decodePatterns, known } from './decision-extras.js';

const DIRECTION_NAMES: Record<number, DecisionMessage['direction']> = { [Direction.Flat]: 'flat', [Direction.Long]: 'long', [Direction.Short]: 'short' };
const ML_STATES = new Set(['off', 'scored', 'skipped', 'failed']);

/** A Decision payload as the `signal.<SYMBOL>` message (docs/stream.md). */
export function decodeDecision(topic: string, d: Decision): DecisionMessage {
  const tsNs = d.tsNs();
  const trendUp = known(d.pTrendUp());
  const low = known(d.pVolLow());
  const scores: number[] = [];
  for (let i = 0; i < d.mlScoresLength(); i++) scores.push(d.mlScores(i)!);
  const hashes: string[] = [];
  for (let i = 0; i < d.mlHashesLength(); i++) hashes.push(d.mlHashes(i)!);
  const state = d.mlState() ?? 'off';
  const patterns = decodePatterns(d);
  const drift = decodeDrift(d);
  const directions = {} as DecisionMessage['directions'];
  for (let i = 0; i < CONFLUENCE_TIMEFRAMES.length; i++) directions[CONFLUENCE_TIMEFRAMES[i]!] = i < d.tfDirectionsLength() ? known(d.tfDirections(i)!) : null;
  const strategyId = d.strategyId();
  return {
    type: 'signal',
    topic,
    symbol: d.symbol() ?? '',
    sequence: Number(d.sequence()),
    ts: isoNs(tsNs),
    tsNs: tsNs.toString(),
    score: d.score(),
    confidence: d.confidence(),
    direction: DIRECTION_NAMES[d.direction()] ?? 'flat',
    features: {
      confluence_score: known(d.confluenceScore()),
      momentum_flow: known(d.momentumFlow()),
      trend_alignment: known(d.trendAlignment()),
      volume_profile: known(d.volumeProfile()),
      support_resistance: known(d.supportResistance()),
      market_regime_score: known(d.marketRegimeScore()),
      volatility_regime: known(d.volatilityRegime()),
      time_factor: known(d.timeFactor()),
    },
    regime: {
      market: trendUp === null ? null : { trendUp, trendDown: d.pTrendDown(), range: d.pRange() },
      volatility: low === null ? null : { low, normal: d.pVolNormal(), high: d.pVolHigh() },
    },
    expiry: { phase: d.expiryPhase() ?? '', factor: d.expiryFactor(), daysToExpiry: d.daysToExpiry() },
    directions,
    smartMoney: {
      largeFlow: known(d.smartLargeFlow()),
      stacked: known(d.smartStacked()),
      absorption: known(d.smartAbsorption()),
      book: known(d.smartBook()),
      score: known(d.smartScore()),
    },
    ml: {
      enabled: d.mlEnabled(),
      state: (ML_STATES.has(state) ? state : 'failed') as DecisionMlJson['state'],
      scores,
      mean: known(d.mlMean()),
      approved: d.mlApproved(),
      hashes,
      ...shapOf(d),
    },
    risk: {
      evaluated: d.riskEvaluated(),
      approved: d.riskApproved(),
      reason: d.riskReason() || null,
      qty: d.riskQty(),
      stopPrice: known(d.riskStopPrice()),
      targetPrice: known(d.riskTargetPrice()),
      alert: d.riskAlert() ?? '',
    },
    snapshotPublishedUs: nsToUs(d.tSnapshotPublished()),
    publishedUs: nsToUs(d.tPublished()),
    // An empty strategy id: strategies off, or a server before 2026-12-04.
    ...(strategyId ? { strategy: { id: strategyId, reason: d.strategyReason() ?? '', signalDirection: DIRECTION_NAMES[d.signalDirection()] ?? 'flat' } } : {}),
    ...(patterns ? { patterns } : {}),
    ...(drift ? { drift } : {}),
    ...(d.nnEnabled() ? { nn: { enabled: true, volatility: known(d.nnVolatility()), regime: known(d.nnRegime()), direction: known(d.nnDirection()) } } : {}),
  };
}

/** A RiskState payload as the `risk` message. */
export function decodeRiskState(topic: string, r: RiskState): RiskMessage {
  const positions: RiskMessage['positions'] = [];
  const p = new SymbolPosition();
  for (let i = 0; i < r.positionsLength(); i++) {
    r.positions(i, p);
    positions.push({ symbol: p.symbol() ?? '', qty: p.qty() });
  }
  return {
    type: 'risk',
    topic,
    alert: r.alert() ?? '',
    halted: r.halted(),
    balance: r.balance(),
    dailyPnl: r.dailyPnl(),
    consecutiveLosses: r.consecutiveLosses(),
    positions,
    lastRefusal: r.lastRefusal() || null,
    lastRefusalSymbol: r.lastRefusalSymbol() || null,
    ordersEnabled: r.ordersEnabled(),
    limits: {
      dailyLoss: known(r.dailyLossLimit()),
      maxConsecutiveLosses: r.maxConsecutiveLosses(),
      maxPosition: r.maxPosition(),
      minBalance: known(r.minBalance()),
    },
    publishedUs: nsToUs(r.tPublished()),
  };
}

/** The SHAP fields of a decision's ML part: present only when the frame carries them (an explained decision). */
function shapOf(d: Decision): Pick<DecisionMlJson, 'shapBase' | 'shapValues'> {
  // Element by element: the generated …Array() views need the frame 8-byte aligned in its ArrayBuffer, which a
  // frame sliced out of a socket's bytes need not be.
  const n = d.mlShapValuesLength();
  if (n === 0) return {};
  const shapBase: number[] = [];
  for (let i = 0; i < d.mlShapBaseLength(); i++) shapBase.push(d.mlShapBase(i)!);
  const shapValues: number[] = [];
  for (let i = 0; i < n; i++) shapValues.push(d.mlShapValues(i)!);
  return { shapBase, shapValues };
}
