// The warning rule of issue 10 ("honest ML output"): a model warns when its pooled walk-forward AUC is not
// above 0.55, a training when its labelled samples are under the minimum docs/ml.md derives from the
// Mann–Whitney null variance of the AUC.
import { describe, expect, test } from 'vitest';
import { parkMiller } from '../../test/ml/synthetic-samples.js';
import { rocAuc } from './classifier-metrics.js';
import { MIN_LABELLED_SAMPLES, MIN_USEFUL_AUC, trainingWarnings, warningLine } from './model-warnings.js';
import { walkForwardFolds } from './walk-forward.js';

const auc = (value: number | null) => ({ pooled: { auc: value } });
const codes = (w: { code: string; model?: string }[]) => w.map((x) => `${x.code}${x.model ? ` ${x.model}` : ''}`);

describe('training warnings', () => {
  test('an AUC of exactly 0.55 warns (not above the bar), 0.56 does not', () => {
    const w = trainingWarnings(MIN_LABELLED_SAMPLES, { lr: auc(0.55), gbt: auc(0.56), rf: auc(0.9) });
    expect(codes(w)).toEqual(['MIA_WARN_WEAK_MODEL lr']);
    expect(w[0]!.message).toBe('lr walk-forward AUC 0.550 is not above 0.55: the model does not separate winners from losers on this data');
  });

  test('an AUC below chance and one that cannot be computed (one class in the test blocks) both warn', () => {
    const w = trainingWarnings(MIN_LABELLED_SAMPLES, { lr: auc(0.3), gbt: auc(null) });
    expect(codes(w)).toEqual(['MIA_WARN_WEAK_MODEL lr', 'MIA_WARN_WEAK_MODEL gbt']);
    expect(w[1]!.message).toMatch(/gbt walk-forward AUC cannot be computed/);
  });

  test('samples one under the minimum warn once for the training, at the minimum they do not', () => {
    expect(codes(trainingWarnings(MIN_LABELLED_SAMPLES - 1, { lr: auc(0.7) }))).toEqual(['MIA_WARN_FEW_SAMPLES']);
    expect(trainingWarnings(MIN_LABELLED_SAMPLES, { lr: auc(0.7) })).toEqual([]);
    const w = trainingWarnings(58, { lr: auc(0.5) });
    expect(codes(w)).toEqual(['MIA_WARN_FEW_SAMPLES', 'MIA_WARN_WEAK_MODEL lr']);
    expect(w[0]!.message).toBe('58 labelled samples are under the minimum of 600 (docs/ml.md): walk-forward AUCs on so few samples are mostly chance');
  });

  test('the printed line ends with the code, after the directory when one is named', () => {
    const w = { code: 'MIA_WARN_WEAK_MODEL', model: 'gbt', message: 'gbt walk-forward AUC 0.410 is not above 0.55: x' } as const;
    expect(warningLine('mia train', w)).toBe('mia train: warning: gbt walk-forward AUC 0.410 is not above 0.55: x (MIA_WARN_WEAK_MODEL)');
    expect(warningLine('mia backtest', w, 'models m')).toBe('mia backtest: warning: models m: gbt walk-forward AUC 0.410 is not above 0.55: x (MIA_WARN_WEAK_MODEL)');
  });
});

describe('the minimum of 600 labelled samples (docs/ml.md)', () => {
  // Default 5 folds: the pooled out-of-sample set is 5 blocks of ⌊600/6⌋ = 100.
  const pooled = walkForwardFolds(MIN_LABELLED_SAMPLES, 5, 10).reduce((a, f) => a + f.testEnd - f.testStart, 0);

  test('leaves 500 out-of-sample decisions whose no-skill AUC standard error is under 0.026', () => {
    expect(pooled).toBe(500);
    // Mann–Whitney null variance of U/(n₁n₀): (n₁ + n₀ + 1) / (12 n₁ n₀); balanced classes n₁ = n₀ = 250.
    const se = Math.sqrt((pooled + 1) / (12 * 250 * 250));
    expect(se).toBeLessThan(0.026);
    expect((MIN_USEFUL_AUC - 0.5) / se).toBeGreaterThan(1.9);
  });

  test('a model with no skill passes 0.55 on 500 decisions in about 2.7 % of runs (normal tail at 1.93 standard errors)', () => {
    const r = parkMiller(2024);
    const runs = 2000;
    let passed = 0;
    const p = new Float64Array(pooled);
    const y = new Uint8Array(pooled);
    for (let k = 0; k < runs; k++) {
      for (let i = 0; i < pooled; i++) (p[i] = r()), (y[i] = i % 2);
      if (rocAuc(p, y)! > MIN_USEFUL_AUC) passed++;
    }
    // 2.65 % expected; ± 0.36 % is one binomial standard error over 2,000 runs, the band is about three.
    expect(passed / runs).toBeGreaterThan(0.016);
    expect(passed / runs).toBeLessThan(0.037);
  });
});
