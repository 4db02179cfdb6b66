import { challengerForecasts, judge, recentBlock, type ChallengeVerdict } from '../ml/champion-gate.js';
import type { FeatureMeaning } from '../ml/feature-meaning.js';
import { ModelEnsemble } from '../ml/model-ensemble.js';
import { FEATURE_NAMES } from '../signals/features.js';

/** What the gate needs besides the samples. */
export interface ChallengeOptions {
  /** The champion's models directory (`--challenge`). */
  championDir: string;
  folds: number;
  embargo: number;
  seed: number;
  margin: number;
  /** What the new samples' features mean: a champion trained on other features is refused (MODEL_MISMATCH). */
  meaning: FeatureMeaning;
}

/**
 * `mia train --challenge DIR`: loads the champion (hash-checked, as `mia serve` loads it), scores the most recent
 * out-of-sample block of the new samples with it and with the challenger fitted before the block, and returns the
 * verdict (champion-gate.ts) for the new manifest. The champion is loaded before the training, so a bad directory
 * fails before minutes are spent.
 */
export async function loadChampion(dir: string, meaning: FeatureMeaning): Promise<ModelEnsemble> {
  const champion = await ModelEnsemble.load(dir);
  const mismatch = champion.mismatch(meaning);
  if (mismatch) {
    champion.close();
    throw mismatch;
  }
  return champion;
}

/** The verdict of `champion` against the challenger on the samples' most recent block; closes the champion. */
export function challenge(champion: ModelEnsemble, x: readonly Float32Array[], y: Uint8Array, times: readonly number[], o: ChallengeOptions): ChallengeVerdict {
  try {
    const fold = recentBlock(x.length, o.folds, o.embargo);
    const rows = fold.testEnd - fold.testStart;
    const d = FEATURE_NAMES.length;
    const batch = new Float32Array(rows * d);
    for (let i = 0; i < rows; i++) batch.set(x[fold.testStart + i]!, i * d);
    const scores = champion.scoreBatch(batch, rows);
    const championP = new Float64Array(rows);
    // The ensemble's mean, as ModelEnsemble.decide takes it for the approval.
    for (let i = 0; i < rows; i++) championP[i] = (scores[3 * i]! + scores[3 * i + 1]! + scores[3 * i + 2]!) / 3;
    const challengerP = challengerForecasts(x, y, fold, { seed: o.seed });
    const s = champion.status();
    const hashes = s.enabled ? s.models.map((m) => m.sha256) : [];
    return judge(y, fold, challengerP, { dir: o.championDir, createdAt: champion.manifest.createdAt, hashes, p: championP }, o.margin, times);
  } finally {
    champion.close();
  }
}
