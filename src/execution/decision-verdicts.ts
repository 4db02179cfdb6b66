import type { RiskDecision, RiskEngine } from '../risk/risk-engine.js';
import type { SignalDecision } from '../signals/signal-engine.js';

/** The ML filter's part of a decision. */
export interface MlVerdict {
  /** Models are loaded. */
  enabled: boolean;
  /** off (no models), scored, skipped (a flat decision, where only directional ones are scored), or failed. */
  state: 'off' | 'scored' | 'skipped' | 'failed';
  /** One probability per model (lr, gbt, rf); empty unless scored. */
  scores: number[];
  mean: number | null;
  approved: boolean;
  /** sha256 of each model file, in the order of `scores`; empty without models. */
  hashes: string[];
  /** SHAP base value of each model, in the order of `scores` (docs/ml.md "Explanations"); absent unless explained. */
  shapBase?: readonly number[];
  /** SHAP values, 8 per model in FEATURE_NAMES order, models in the order of `scores`; absent unless explained. */
  shapValues?: readonly number[];
}

/** The verdict without models. */
export const ML_OFF: MlVerdict = Object.freeze({ enabled: false, state: 'off', scores: [], mean: null, approved: false, hashes: [] }) as MlVerdict;

/** The risk engine's part of a decision: evaluated once, published, and the one a venue trades. */
export interface RiskVerdict {
  /** A long or short decision the ML filter let through (or any, with the filter off) at a known price. */
  evaluated: boolean;
  approved: boolean;
  /** MIA_RISK_* reason of a refusal; null when approved or not evaluated. */
  reason: string | null;
  qty: number;
  stopPrice: number | null;
  targetPrice: number | null;
  /** The price the bracket was sized around; null when not evaluated. */
  entryPrice: number | null;
  /** INFO, WARNING, CRITICAL or CATASTROPHE. */
  alert: string;
}

/**
 * The one risk evaluation of a decision: a long or short decision the ML filter let through (any, with the
 * filter off), sized by the risk engine around `price`; not evaluated when flat, filtered out or without a
 * price. The win probability given to Kelly is the ML mean when scored, else `winProbability`.
 */
export function riskVerdict(risk: RiskEngine, d: SignalDecision, ml: MlVerdict, price: number | null | undefined, winProbability: number): RiskVerdict {
  const passed = ml.state === 'off' || (ml.state === 'scored' && ml.approved);
  if (d.direction === 'flat' || !passed || price === null || price === undefined) {
    return { evaluated: false, approved: false, reason: null, qty: 0, stopPrice: null, targetPrice: null, entryPrice: null, alert: risk.alert };
  }
  const r: RiskDecision = risk.evaluate({
    symbol: d.symbol, side: d.direction, entryPrice: price, winProbability: ml.state === 'scored' ? ml.mean ?? winProbability : winProbability,
    positionFactor: d.expiry.factor * (d.strategy?.sizeFactor ?? 1),
    ...(d.strategy ? { stopScale: d.strategy.stopScale, targetScale: d.strategy.targetScale } : {}),
  });
  return r.approved
    ? { evaluated: true, approved: true, reason: null, qty: r.qty, stopPrice: r.stopPrice, targetPrice: r.targetPrice, entryPrice: price, alert: r.alert }
    : { evaluated: true, approved: false, reason: r.reason, qty: 0, stopPrice: null, targetPrice: null, entryPrice: price, alert: r.alert };
}
