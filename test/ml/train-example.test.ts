// The documented `mia train` example, as users run it (bin/mia.js, built): README, docs/ml.md and `--help`
// show one command, it trains on the one-hour ES file (Databento, ../shared/data through MIA_DATA_DIR), and
// its stderr says the models are weak. That file holds 60 one-minute bars (data README; test/cli.test.ts),
// far under the 600 labelled samples docs/ml.md asks for, so MIA_WARN_FEW_SAMPLES must be printed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { ModelManifest } from '../../src/ml/model-manifest.js';
import { DATA_DIR, HAVE_DATA } from '../real-data/data-dir.js';

function mia(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/mia.js', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every `mia train` example on ../shared/data in a text, continuation lines joined, from `--input` on. */
function trainExamples(text: string): string[] {
  const joined = text.replace(/\\\n\s*/g, ' ');
  return [...joined.matchAll(/mia train (--input \.\.\/shared\/data\/[^\n`]*)/g)].map((m) => m[1]!.trim().replace(/\s+/g, ' '));
}

const dir = mkdtempSync(join(tmpdir(), 'mia-train-example-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!HAVE_DATA)('the mia train example on the ESH4 trades (Databento)', () => {
  const readme = trainExamples(readFileSync('README.md', 'utf8'));
  const docs = trainExamples(readFileSync('docs/ml.md', 'utf8'));
  const help = trainExamples(mia('train', '--help').stdout);

  test('README (train and serve sections), docs/ml.md and --help show the same command', () => {
    expect(readme).toHaveLength(2);
    expect(docs).toHaveLength(1);
    expect(help).toHaveLength(1);
    expect(new Set([...readme, ...docs, ...help]).size).toBe(1);
  });

  test('it exits 0, writes the models, and prints each manifest warning on stderr, few samples and every model not above 0.55', () => {
    const out = join(dir, 'models');
    const args = help[0]!.split(' ').map((a, i, all) => (all[i - 1] === '--input' ? a.replace('../shared/data/', `${DATA_DIR}/`) : all[i - 1] === '--out' ? out : a));
    const r = mia('train', ...args, '--no-progress');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => l.split(' ')[0])).toEqual(['lr', 'gbt', 'rf']);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as ModelManifest;
    const weak = manifest.models.filter((m) => !(m.walkForward.pooled.auc! > 0.55)).map((m) => m.name);
    expect(manifest.warnings!.map((w) => w.model ?? w.code)).toEqual(['MIA_WARN_FEW_SAMPLES', ...weak]);
    expect(r.stderr.trim().split('\n')).toEqual(manifest.warnings!.map((w) => `mia train: warning: ${w.message} (${w.code})`));
    expect(r.stderr).toMatch(/^mia train: warning: \d+ labelled samples are under the minimum of 600 .*\(MIA_WARN_FEW_SAMPLES\)$/m);
    for (const m of weak) expect(r.stderr).toMatch(new RegExp(`^mia train: warning: ${m} walk-forward AUC .* is not above 0\\.55: .*\\(MIA_WARN_WEAK_MODEL\\)$`, 'm'));
  }, 120_000);

  test('the defaults fail with one coded line that names the counts and the flags of the example', () => {
    const r = mia('train', '--input', join(DATA_DIR, 'cme-esh4-mbo/esh4_20231225_trades.csv'), '--out', join(dir, 'defaults'), '--no-progress');
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/too few labelled samples to train: \d+ positive and \d+ negative labels/);
    expect(lines[0]).toMatch(/\(60 bars, 16-tick target, 8-tick stop, 10-bar horizon\)/);
    expect(lines[0]).toContain('--target-ticks');
    expect(lines[0]).toContain(help[0]!.replace(/^.*--out \S+ /, ''));
    expect(lines[0]).toMatch(/\(MIA_ERR_BAD_ARGUMENT\)$/);
  }, 60_000);
});
