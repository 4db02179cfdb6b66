import { configError, ErrorCode } from '../common/errors.js';
import type { DecisionEvent } from '../engine/engine-events.js';
import type { ModelEnsemble } from '../ml/model-ensemble.js';
import { EXPLAINED_OUTPUTS } from '../ml/model-explainer.js';
import { MODEL_NAMES } from '../ml/model-manifest.js';
import { isoNs } from '../model/time.js';
import { FEATURE_NAMES, featureRow } from '../signals/features.js';
import { runBacktest } from './backtest-runner.js';

/** One feature's part of one model's output. */
export interface FeatureContribution {
  feature: (typeof FEATURE_NAMES)[number];
  /** The value the model was given (a feature still warming up: the manifest's missing value). */
  value: number;
  /** Its SHAP value, in the model's explained output (log-odds or probability). */
  contribution: number;
}

/** One model's score of the decision and its explanation. */
export interface ModelExplanation {
  name: (typeof MODEL_NAMES)[number];
  /** The model's score, P(target before stop), as the ensemble scored it (float32). */
  score: number;
  /** What the contributions add up to: log-odds for lr and gbt, probability for rf. */
  output: (typeof EXPLAINED_OUTPUTS)[number];
  /** Expected output over the training rows. */
  base: number;
  /** base + Σ contributions: the model's output for this row. */
  total: number;
  /** The eight contributions, largest |contribution| first. */
  contributions: FeatureContribution[];
}

/** `mia explain`'s answer: the decision and each model's explanation. */
export interface DecisionExplanation {
  symbol: string;
  ts: string;
  tsNs: string;
  sequence: number;
  direction: string;
  score: number;
  confidence: number;
  ml: { mean: number; approved: boolean; threshold: number };
  models: ModelExplanation[];
}

/** What to replay and explain. */
export interface ExplainOptions {
  input: string;
  ensemble: ModelEnsemble;
  /** The decision explained is the last ML-scored one at or before this market time, ns. */
  atNs: bigint;
  symbol?: string;
  instrument?: string;
}

/**
 * Replays `input` through the backtest's pipeline (the engine on the bar-close schedule, signals, the ML filter,
 * risk and the simulated broker: the decisions and scores of `mia backtest --models`) and explains the last scored
 * decision at or before `atNs` with the pipeline's own SHAP values. A time outside the file is MIA_ERR_BAD_ARGUMENT;
 * no scored decision up to it, MIA_ERR_NO_DECISION.
 */
export async function explainDecisionAt(o: ExplainOptions): Promise<DecisionExplanation> {
  const e = o.ensemble;
  let last: DecisionEvent | undefined;
  let scored = 0;
  const r = await runBacktest({
    input: o.input, startingBalance: 25_000, winProbability: 0.5, scorer: e, explain: true, missingFeature: e.manifest.missingFeatureValue,
    ...(o.symbol !== undefined ? { symbol: o.symbol } : {}), ...(o.instrument !== undefined ? { instrument: o.instrument } : {}),
    onPipeline: ({ events }) => events.on('decision', (d) => {
      if (d.ml.state !== 'scored') return;
      scored++;
      if (d.decision.tsNs <= o.atNs) last = d;
    }),
  });
  const at = isoNs(o.atNs);
  if (r.firstNs === null || r.lastNs === null || o.atNs < r.firstNs || o.atNs > r.lastNs) {
    const span = r.firstNs === null || r.lastNs === null ? 'it gave no snapshot' : `it runs from ${isoNs(r.firstNs)} (first snapshot) to ${isoNs(r.lastNs)} (last trade)`;
    throw configError(ErrorCode.BAD_ARGUMENT, `--at ${at} is outside ${o.input}: ${span}`, { file: o.input });
  }
  if (!last) {
    throw configError(ErrorCode.NO_DECISION, `no ML-scored decision in ${o.input} at or before ${at} (${scored} scored in the whole file; only long and short decisions are scored)`, { file: o.input });
  }
  return describe(last, e);
}

/** The explanation of a scored, explained decision event. */
function describe(ev: DecisionEvent, e: ModelEnsemble): DecisionExplanation {
  const d = ev.decision;
  const { shapBase, shapValues } = ev.ml;
  if (!shapBase || !shapValues) throw configError(ErrorCode.BAD_CONFIG, 'the decision was scored but not explained');
  const row = featureRow(d.features, e.manifest.missingFeatureValue);
  const n = FEATURE_NAMES.length;
  const models = MODEL_NAMES.map((name, k): ModelExplanation => {
    const contributions = FEATURE_NAMES.map((feature, j) => ({ feature, value: row[j]!, contribution: shapValues[k * n + j]! }));
    // Largest first; equal sizes keep FEATURE_NAMES order (sort is stable), so the listing is deterministic.
    contributions.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
    const total = contributions.reduce((s, c) => s + c.contribution, shapBase[k]!);
    return { name, score: ev.ml.scores[k]!, output: EXPLAINED_OUTPUTS[k]!, base: shapBase[k]!, total, contributions };
  });
  return {
    symbol: d.symbol, ts: isoNs(d.tsNs), tsNs: d.tsNs.toString(), sequence: Number(ev.sequence), direction: d.direction,
    score: d.score, confidence: d.confidence, ml: { mean: ev.ml.mean ?? Number.NaN, approved: ev.ml.approved, threshold: e.threshold }, models,
  };
}

const signed = (x: number, digits: number): string => (x >= 0 ? '+' : '') + x.toFixed(digits);

/** The explanation as text lines: the decision, then per model its score, base and contributions. */
export function explanationText(x: DecisionExplanation): string {
  const lines = [
    `${x.symbol} ${x.ts} ${x.direction} (score ${x.score.toFixed(3)}, confidence ${x.confidence.toFixed(3)}), snapshot ${x.sequence}`,
    `ML mean ${x.ml.mean.toFixed(4)} ${x.ml.approved ? '≥' : '<'} threshold ${x.ml.threshold}: ${x.ml.approved ? 'approved' : 'refused'}`,
  ];
  for (const m of x.models) {
    lines.push('', `${m.name} score ${m.score.toFixed(4)}; ${m.output}: base ${signed(m.base, 4)} + contributions ${signed(m.total - m.base, 4)} = ${signed(m.total, 4)}`);
    for (const c of m.contributions) lines.push(`  ${c.feature.padEnd(20)} ${signed(c.value, 4).padStart(8)}  ${signed(c.contribution, 6)}`);
  }
  return lines.join('\n') + '\n';
}
