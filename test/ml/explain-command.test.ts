// `mia explain` end to end on the real ES trades (Databento, ../shared/data through MIA_DATA_DIR): small models are
// trained here with `mia train`, then a decision of the replay is explained. The contributions are checked against
// brute-force Shapley values computed from explain.json over all 2^8 coalitions, and against the scores onnxruntime gave.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DecisionExplanation } from '../../src/backtest/decision-explanation.js';
import { explainCommand } from '../../src/cli/explain-command.js';
import { trainCommand } from '../../src/cli/train-command.js';
import { sigmoid } from '../../src/ml/decision-tree.js';
import type { ExplainFile } from '../../src/ml/model-explainer.js';
import { bruteForceShapley, coalitionValue } from '../../src/ml/shap-brute-force.js';
import { FEATURE_NAMES } from '../../src/signals/features.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';

const file = dataFile('cme-esh4-mbo/esh4_20231225_trades.csv');

/** Runs `mia ARGS` with one command registered, in-process; returns stdout. */
async function mia(register: (p: Command) => void, args: string[]): Promise<string> {
  const program = new Command('mia').exitOverride();
  register(program);
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => (out.push(s), true)) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'mia', ...args]);
  } finally {
    process.stdout.write = write;
  }
  return out.join('');
}

const explain = async (models: string, at: string): Promise<DecisionExplanation> =>
  JSON.parse(await mia(explainCommand, ['explain', '--models', models, '--input', file, '--at', at, '--json'])) as DecisionExplanation;

const codeOf = async (p: Promise<unknown>): Promise<string> => p.then(() => 'resolved', (e: { code?: string }) => e.code ?? String(e));

describe.skipIf(!HAVE_DATA)('mia explain on the ESH4 trades (Databento)', () => {
  let dir: string;
  let models: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mia-explain-'));
    models = join(dir, 'models');
    await mia(trainCommand, ['train', '--input', file, '--out', models, '--horizon-bars', '5', '--target-ticks', '2', '--stop-ticks', '2', '--folds', '2', '--no-progress']);
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('the contributions of the decision explained are the brute-force Shapley values and add up to the scores', async () => {
    const at = '2023-12-25T23:45:00Z';
    const x = await explain(models, at);
    expect(x.symbol).toBe('ES');
    expect(BigInt(x.tsNs) <= BigInt(Date.parse(at)) * 1_000_000n).toBe(true);
    expect(['long', 'short']).toContain(x.direction);
    const f = JSON.parse(await readFile(join(models, 'explain.json'), 'utf8')) as ExplainFile;
    const row = FEATURE_NAMES.map((n) => x.models[0]!.contributions.find((c) => c.feature === n)!.value);
    const brute = [
      bruteForceShapley(8, (m) => row.reduce((z, v, j) => z + f.lr.weights[j]! * (m & (1 << j) ? v : f.lr.means[j]!), f.lr.bias)),
      bruteForceShapley(8, (m) => coalitionValue(f.gbt.trees, row, m, 1, f.gbt.base)),
      bruteForceShapley(8, (m) => coalitionValue(f.rf.trees, row, m, 1 / f.rf.trees.length, 0)),
    ];
    for (const [k, m] of x.models.entries()) {
      expect(m.name).toBe(['lr', 'gbt', 'rf'][k]);
      const sizes = m.contributions.map((c) => Math.abs(c.contribution));
      expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
      // The same sums in another order (and through JSON, which keeps float64 exactly): 1e-9.
      for (const c of m.contributions) expect(c.contribution).toBeCloseTo(brute[k]![FEATURE_NAMES.indexOf(c.feature)]!, 9);
      expect(m.base + m.contributions.reduce((s, c) => s + c.contribution, 0)).toBeCloseTo(m.total, 12);
      // onnxruntime scores in float32 (about 6e-8 relative) what the explanation sums in float64: 1e-5 covers it.
      expect(m.output === 'log-odds' ? sigmoid(m.total) : m.total).toBeCloseTo(m.score, 5);
    }
    expect(x.ml.mean).toBeCloseTo((x.models[0]!.score + x.models[1]!.score + x.models[2]!.score) / 3, 12);
  });

  test('the decision explained is the last scored one at or before --at', async () => {
    const x = await explain(models, '2023-12-25T23:45:00Z');
    const ms = Number(BigInt(x.tsNs) / 1_000_000n);
    // --at is whole milliseconds: the one after the decision's time explains it (decisions are far more than 1 ms apart).
    expect((await explain(models, new Date(ms + 1).toISOString())).tsNs).toBe(x.tsNs);
    // Just before it: an earlier decision, or none scored yet.
    const before = new Date(ms - 1).toISOString();
    const earlier = await explain(models, before).then((e) => BigInt(e.tsNs), () => 0n);
    expect(earlier < BigInt(x.tsNs)).toBe(true);
  });

  test('text output lists each model with its base value and the eight contributions', async () => {
    const text = await mia(explainCommand, ['explain', '--models', models, '--input', file, '--at', '2023-12-25T23:45:00Z']);
    for (const name of ['lr', 'gbt', 'rf']) expect(text).toMatch(new RegExp(`^${name} score 0\\.\\d{4}; (log-odds|probability): base `, 'm'));
    for (const feature of FEATURE_NAMES) expect(text.split(`  ${feature} `).length - 1).toBe(3);
  });

  test('a time outside the file, a time before any scored decision and models without explain.json are coded errors', async () => {
    expect(await codeOf(explain(models, '2023-12-26T03:00:00Z'))).toBe('MIA_ERR_BAD_ARGUMENT');
    expect(await codeOf(explain(models, '2023-12-25T22:00:00Z'))).toBe('MIA_ERR_BAD_ARGUMENT');
    // The first snapshot is at 23:01:00.1; the signals are still warming up half a second later.
    expect(await codeOf(explain(models, '2023-12-25T23:01:00.500Z'))).toBe('MIA_ERR_NO_DECISION');
    expect(await codeOf(explain(models, 'yesterday'))).toBe('MIA_ERR_BAD_ARGUMENT');
    // A models directory from before explanations: its manifest names no explain.json (a copy: tests run in any order).
    const old = join(dir, 'old-models');
    await cp(models, old, { recursive: true });
    const manifestPath = join(old, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { explain?: unknown };
    delete manifest.explain;
    await writeFile(manifestPath, JSON.stringify(manifest));
    const err = await explain(old, '2023-12-25T23:45:00Z').then(() => undefined, (e: Error & { code: string }) => e);
    expect(err?.code).toBe('MIA_ERR_BAD_CONFIG');
    expect(err?.message).toContain('no explain.json');
  });
});
