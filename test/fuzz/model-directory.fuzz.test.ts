// Fuzz of the models directory surface (docs/hostile-input.md "Model directories and outputs"): a manifest with a
// field replaced by any JSON value, cut at any byte, or replaced by any text loads as an ensemble or fails with
// one coded, one-line MiaError, never another error or a hang. CI runs 150 cases a property (a few seconds);
// `npm run fuzz` (MIA_FUZZ_RUNS cases for the surface) runs at length and prints the cases and outcomes. The
// corpus (test/fuzz/corpus/model-directory/) replays every manifest that ever failed.
//
// A case checks the manifest in memory (checkManifest, the loader's checks before it reads a model file); one case
// in DISK_SHARE, and every manifest the checks accept, is loaded from disk by ModelEnsemble.load as the commands do
// (the manifest written, the model files read and hashed, the session opened in onnxruntime).
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ErrorCode } from '../../src/common/errors.js';
import { checkManifest } from '../../src/ml/model-files.js';
import { ModelEnsemble } from '../../src/ml/model-ensemble.js';
import { trainAndExport } from '../../src/ml/model-trainer.js';
import { DEFAULT_LABEL_CONFIG } from '../../src/ml/trade-labeler.js';
import { syntheticSamples } from '../ml/synthetic-samples.js';
import { SurfaceTally, type PropertyTally } from './fuzz-tally.js';

const TOTAL = Number(process.env.MIA_FUZZ_RUNS ?? 0) || 0;
/** The three properties share the surface's cases at length. */
const RUNS = TOTAL > 0 ? Math.ceil(TOTAL / 3) : 150;
const TIMEOUT = TOTAL > 0 ? 24 * 3600_000 : 60_000;
/** One case in this many is loaded from disk whatever the in-memory checks say. */
const DISK_SHARE = 50;
const corpus = fileURLToPath(new URL('./corpus/model-directory/', import.meta.url));
const codes = new Set<string>(Object.values(ErrorCode));
const tally = new SurfaceTally('model directories');
let caseNumber = 0;
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
  console.log(tally.report());
  await rm(scratch, { recursive: true, force: true });
});

/** The outcome of `run`: `loaded`, or the code of its MiaError; throws on anything that breaks the contract. */
async function outcomeOf(run: () => Promise<void> | void): Promise<string> {
  try {
    await run();
    return 'loaded';
  } catch (e) {
    const err = e as { name?: string; code?: string; message?: string };
    expect(err.name, String(e)).toBe('MiaError');
    expect(codes.has(err.code ?? ''), String(e)).toBe(true);
    expect(err.message).not.toMatch(/\n/);
    return err.code!;
  }
}

/** Loads `dir` from disk with `text` as its manifest, as the commands do. */
async function loadFromDisk(text: string | Uint8Array): Promise<string> {
  await writeFile(join(dir, 'manifest.json'), text);
  return outcomeOf(async () => (await ModelEnsemble.load(dir)).close());
}

/** One case: `text` as the manifest, held to the contract and counted in `p`. */
async function loadKeepsContract(text: string | Uint8Array, p: PropertyTally): Promise<void> {
  let fromDisk = caseNumber++ % DISK_SHARE === 0;
  // Decoded as the loader decodes the bytes it reads.
  let outcome = fromDisk ? await loadFromDisk(text) : await outcomeOf(() => {
    checkManifest(dir, typeof text === 'string' ? text : Buffer.from(text).toString('utf8'));
  });
  // The checks accept it: what follows reads the model files, so the case is loaded from disk.
  if (!fromDisk && outcome === 'loaded') {
    fromDisk = true;
    outcome = await loadFromDisk(text);
  }
  p.count(outcome, fromDisk);
}

const field = fc.constantFrom(...['format', 'version', 'features', 'models', 'threshold', 'missingFeatureValue', 'createdAt', 'featureMeaning', 'warnings', 'label']);
const modelField = fc.constantFrom('name', 'file', 'sha256');

describe('models directory fuzz', () => {
  test('a top-level field replaced by any JSON value', async () => {
    const p = tally.property('top-level field');
    await fc.assert(fc.asyncProperty(field, fc.jsonValue(), async (k, v) => loadKeepsContract(JSON.stringify({ ...good, [k]: v }), p)), { numRuns: RUNS });
  }, TIMEOUT);

  test('a field of one model replaced by any JSON value', async () => {
    const p = tally.property('model field');
    await fc.assert(fc.asyncProperty(fc.nat(2), modelField, fc.jsonValue(), async (i, k, v) => {
      const models = structuredClone(good.models) as Record<string, unknown>[];
      models[i]![k] = v;
      await loadKeepsContract(JSON.stringify({ ...good, models }), p);
    }), { numRuns: RUNS });
  }, TIMEOUT);

  test('the manifest cut at any byte, or any text', async () => {
    const text = JSON.stringify(good);
    const p = tally.property('cut or any text');
    await fc.assert(fc.asyncProperty(fc.oneof(fc.nat(text.length - 1).map((n) => text.slice(0, n)), fc.string(), fc.uint8Array({ maxLength: 64 })),
      async (t) => loadKeepsContract(t, p)), { numRuns: RUNS });
  }, TIMEOUT);

  test('the corpus of manifests that once failed', async () => {
    const files = (await readdir(corpus)).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) await loadFromDisk(await readFile(join(corpus, f)));
  });
});
