// Fuzz of the models directory surface (docs/hostile-input.md "Model directories and outputs"): a manifest with a
// field replaced by any JSON value, cut at any byte, or replaced by any text loads as an ensemble or fails with
// one coded, one-line MiaError, never another error or a hang. MIA_FUZZ_RUNS sets the runs (default 150, a few
// seconds); the corpus (test/fuzz/corpus/model-directory/) replays every manifest that ever failed.
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ErrorCode } from '../../src/common/errors.js';
import { ModelEnsemble } from '../../src/ml/model-ensemble.js';
import { trainAndExport } from '../../src/ml/model-trainer.js';
import { DEFAULT_LABEL_CONFIG } from '../../src/ml/trade-labeler.js';
import { syntheticSamples } from '../ml/synthetic-samples.js';

const RUNS = Number(process.env.MIA_FUZZ_RUNS ?? 150);
const corpus = fileURLToPath(new URL('./corpus/model-directory/', import.meta.url));
const codes = new Set<string>(Object.values(ErrorCode));
let scratch: string;
let dir: string;
let good: Record<string, unknown>;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'mia-fuzz-models-'));
  const { x, y } = syntheticSamples(120, 5);
  await trainAndExport(x, y, join(scratch, 'good'), {
    folds: 2, embargo: 1, seed: 1, label: DEFAULT_LABEL_CONFIG, createdAt: '2024-01-02T03:04:05.000Z',
    forest: { trees: 3, maxDepth: 3, minSamples: 5, featureShare: 0.75 },
  });
  dir = join(scratch, 'fuzzed');
  await cp(join(scratch, 'good'), dir, { recursive: true });
  good = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
}, 60_000);
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Loads `dir` with `text` as its manifest: resolves when the outcome keeps the contract, throws otherwise. */
async function loadKeepsContract(text: string | Uint8Array): Promise<void> {
  await writeFile(join(dir, 'manifest.json'), text);
  try {
    (await ModelEnsemble.load(dir)).close();
  } catch (e) {
    const err = e as { name?: string; code?: string; message?: string };
    expect(err.name, String(e)).toBe('MiaError');
    expect(codes.has(err.code ?? ''), String(e)).toBe(true);
    expect(err.message).not.toMatch(/\n/);
  }
}

const field = fc.constantFrom(...['format', 'version', 'features', 'models', 'threshold', 'missingFeatureValue', 'createdAt', 'featureMeaning', 'warnings', 'label']);
const modelField = fc.constantFrom('name', 'file', 'sha256');

describe('models directory fuzz', () => {
  test('a top-level field replaced by any JSON value', async () => {
    await fc.assert(fc.asyncProperty(field, fc.jsonValue(), async (k, v) => loadKeepsContract(JSON.stringify({ ...good, [k]: v }))), { numRuns: RUNS });
  }, 60_000);

  test('a field of one model replaced by any JSON value', async () => {
    await fc.assert(fc.asyncProperty(fc.nat(2), modelField, fc.jsonValue(), async (i, k, v) => {
      const models = structuredClone(good.models) as Record<string, unknown>[];
      models[i]![k] = v;
      await loadKeepsContract(JSON.stringify({ ...good, models }));
    }), { numRuns: RUNS });
  }, 60_000);

  test('the manifest cut at any byte, or any text', async () => {
    const text = JSON.stringify(good);
    await fc.assert(fc.asyncProperty(fc.oneof(fc.nat(text.length - 1).map((n) => text.slice(0, n)), fc.string(), fc.uint8Array({ maxLength: 64 })),
      async (t) => loadKeepsContract(t)), { numRuns: RUNS });
  }, 60_000);

  test('the corpus of manifests that once failed', async () => {
    const files = (await readdir(corpus)).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) await loadKeepsContract(await readFile(join(corpus, f)));
  });
});
