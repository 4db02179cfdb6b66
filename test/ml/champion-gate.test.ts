import { describe, expect, test } from 'vitest';
import { parkMiller, syntheticSamples } from './synthetic-samples.js';
import { challengerForecasts, DEFAULT_GATE_MARGIN, judge, logLoss, recentBlock } from '../../src/ml/champion-gate.js';

/** The labels in a seeded random order: a model fitted on them learns nothing about the features. */
function shuffled(y: Uint8Array, seed: number): Uint8Array {
  const r = parkMiller(seed);
  const out = Uint8Array.from(y);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('log loss', () => {
  test('is the mean negative log likelihood of the labels', () => {
    // By definition: −ln 0.5 for a coin toss; −(ln 0.9 + ln 0.8)/2 for two forecasts. 1e-12: double rounding only.
    expect(logLoss([0.5], [1])).toBeCloseTo(Math.LN2, 12);
    expect(logLoss([0.9, 0.2], [1, 0])).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8)) / 2, 12);
  });
  test('a certain wrong forecast costs a bounded loss (clipped), not infinity', () => {
    expect(Number.isFinite(logLoss([0, 1], [1, 0]))).toBe(true);
  });
});

describe('champion/challenger gate on synthetic samples (the label is a noisy threshold on two features)', () => {
  const { x, y } = syntheticSamples(600, 7);
  const fold = recentBlock(x.length, 3, 5);
  const noise = shuffled(y, 11);
  const c = { seed: 42 };
  // The same trainers on the samples before the block: a champion that learnt the rule, and one fitted on noise.
  const learnt = challengerForecasts(x, y, fold, c);
  const fittedOnNoise = challengerForecasts(x, noise, fold, c);
  const champion = (p: ArrayLike<number>): { dir: string; createdAt: string; hashes: string[]; p: ArrayLike<number> } =>
    ({ dir: 'champion', createdAt: '1970-01-01T00:00:00.000Z', hashes: [], p });

  test('the block is the last walk-forward test block, after the embargo', () => {
    // 600 samples, 3 folds: blocks of 150; the last tests [450, 600) and trains on [0, 445).
    expect(fold).toEqual({ trainEnd: 445, testStart: 450, testEnd: 600 });
  });

  test('a challenger trained on shuffled labels loses to a champion that learnt the rule', () => {
    const v = judge(y, fold, fittedOnNoise, champion(learnt), DEFAULT_GATE_MARGIN);
    expect(v.approved).toBe(false);
    expect(v.challenger.logLoss).toBeGreaterThan(v.champion!.logLoss);
    expect(v.reason).toMatch(/^champion stays/);
  });

  test('a challenger that learnt the rule beats a champion fitted on shuffled labels', () => {
    const v = judge(y, fold, learnt, champion(fittedOnNoise), DEFAULT_GATE_MARGIN);
    expect(v.approved).toBe(true);
    expect(v.champion!.logLoss - v.challenger.logLoss).toBeGreaterThanOrEqual(DEFAULT_GATE_MARGIN);
    // The learnt rule ranks the block better too (AUC 0.5 is chance).
    expect(v.challenger.auc!).toBeGreaterThan(v.champion!.auc!);
    expect(v.block).toMatchObject({ testStart: 450, testEnd: 600, samples: 150 });
  });

  test('equal forecasts are no win (the margin), and no champion approves nothing', () => {
    expect(judge(y, fold, learnt, champion(learnt), DEFAULT_GATE_MARGIN).approved).toBe(false);
    expect(judge(y, fold, learnt, champion(learnt), 0).approved).toBe(true);
    const alone = judge(y, fold, learnt, null, DEFAULT_GATE_MARGIN);
    expect(alone.approved).toBe(false);
    expect(alone.champion).toBeNull();
  });

  test('the block carries its market time range, and a champion created inside it is marked as having seen it', () => {
    const times = Array.from({ length: x.length }, (_, i) => Date.UTC(2024, 0, 2) + i * 60_000);
    const late = { ...champion(learnt), createdAt: new Date(times[500]!).toISOString() };
    const v = judge(y, fold, learnt, late, DEFAULT_GATE_MARGIN, times);
    expect(v.block.from).toBe(new Date(times[450]!).toISOString());
    expect(v.block.to).toBe(new Date(times[599]!).toISOString());
    expect(v.champion!.sawBlock).toBe(true);
    expect(judge(y, fold, learnt, champion(learnt), DEFAULT_GATE_MARGIN, times).champion!.sawBlock).toBe(false);
  });
});
