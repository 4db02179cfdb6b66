// A `--models` directory is hostile input (docs/hostile-input.md "Model directories and outputs"): a broken
// manifest (not JSON, wrong shapes), missing files, wrong hashes, a file too large, a FIFO or a folder where a file
// should be each give one coded error naming the directory, never a SyntaxError or TypeError (issue 14: a broken
// manifest printed a raw SyntaxError), a hang or an unbounded read. Models from synthetic samples (made here).
import { execFile, execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_LABEL_CONFIG } from '../../src/ml/trade-labeler.js';
import { ModelEnsemble } from '../../src/ml/model-ensemble.js';
import { MODEL_DIR_LIMITS } from '../../src/ml/model-files.js';
import { trainAndExport } from '../../src/ml/model-trainer.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';
import { syntheticSamples } from './synthetic-samples.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let scratch: string;
let good: string;
let n = 0;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'mia-models-dir-'));
  good = join(scratch, 'good');
  const { x, y } = syntheticSamples(200, 3);
  await trainAndExport(x, y, good, {
    folds: 2, embargo: 1, seed: 1, label: DEFAULT_LABEL_CONFIG, createdAt: '2024-01-02T03:04:05.000Z',
    forest: { trees: 5, maxDepth: 3, minSamples: 5, featureShare: 0.75 },
  });
}, 60_000);
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** A copy of the good directory, changed by `change`. */
async function broken(change: (dir: string) => Promise<void>): Promise<string> {
  const dir = join(scratch, `case-${n++}`);
  await cp(good, dir, { recursive: true });
  await change(dir);
  return dir;
}

/** Rewrites the manifest with `edit` applied to its parsed object. */
const manifest = (edit: (m: Record<string, unknown>) => unknown) => async (dir: string): Promise<void> => {
  const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(edit(m) ?? m));
};

/** A sparse file of `bytes` (nothing is written, the size is). */
const sparse = (name: string, bytes: number) => async (dir: string): Promise<void> => {
  const fh = await open(join(dir, name), 'w');
  await fh.truncate(bytes);
  await fh.close();
};

describe('a hostile models directory is one coded error', () => {
  test('the good directory loads', async () => {
    (await ModelEnsemble.load(good)).close();
  });

  const cases: Array<[string, (dir: string) => Promise<void>, string, RegExp]> = [
    ['manifest.json is not JSON (cut short)', async (d) => writeFile(join(d, 'manifest.json'), '{"format": "mia-ml-models", "vers'), 'MIA_ERR_BAD_CONFIG', /manifest\.json is not JSON/],
    ['manifest.json is empty', async (d) => writeFile(join(d, 'manifest.json'), ''), 'MIA_ERR_BAD_CONFIG', /manifest\.json is not JSON/],
    ['manifest.json holds a list', async (d) => writeFile(join(d, 'manifest.json'), '[1,2]'), 'MIA_ERR_BAD_CONFIG', /must hold a JSON object/],
    ['manifest.json holds null', async (d) => writeFile(join(d, 'manifest.json'), 'null'), 'MIA_ERR_BAD_CONFIG', /must hold a JSON object/],
    ['another format', manifest((m) => ({ ...m, format: 'onnx-zoo' })), 'MIA_ERR_BAD_CONFIG', /not a mia-ml-models v1 manifest/],
    ['features is a number', manifest((m) => ({ ...m, features: 8 })), 'MIA_ERR_BAD_CONFIG', /features must be a list of feature names/],
    ['models is a string', manifest((m) => ({ ...m, models: 'lr,gbt,rf' })), 'MIA_ERR_BAD_CONFIG', /models must be a list of 3 models/],
    ['a model without a file', manifest((m) => void ((m.models as Record<string, unknown>[])[1]!.file = undefined)), 'MIA_ERR_BAD_CONFIG', /models\[1\] must be an object/],
    ['a model file outside the directory', manifest((m) => void ((m.models as Record<string, unknown>[])[0]!.file = '../../etc/passwd')), 'MIA_ERR_BAD_CONFIG', /models\[0\]\.file must be a file name inside the directory/],
    ['a sha256 that is not hex', manifest((m) => void ((m.models as Record<string, unknown>[])[2]!.sha256 = 'x')), 'MIA_ERR_BAD_CONFIG', /models\[2\]\.sha256 must be a sha256/],
    ['threshold is text', manifest((m) => ({ ...m, threshold: '0.6' })), 'MIA_ERR_BAD_CONFIG', /threshold must be a number/],
    ['missingFeatureValue is null', manifest((m) => ({ ...m, missingFeatureValue: null })), 'MIA_ERR_BAD_CONFIG', /missingFeatureValue must be a finite number/],
    ['featureMeaning is a string', manifest((m) => ({ ...m, featureMeaning: 'globex' })), 'MIA_ERR_BAD_CONFIG', /featureMeaning must be an object/],
    ['a model file is missing', async (d) => rm(join(d, 'gbt.onnx')), 'MIA_ERR_INPUT_UNREADABLE', /gbt\.onnx: ENOENT/],
    ['a model file does not match its hash', async (d) => {
      const f = join(d, 'rf.onnx');
      const bytes = await readFile(f);
      bytes[bytes.length - 1]! ^= 1;
      await writeFile(f, bytes);
    }, 'MIA_ERR_BAD_CONFIG', /rf\.onnx does not match its sha256/],
    ['a manifest over the size limit (sparse, not read)', sparse('manifest.json', MODEL_DIR_LIMITS.manifestBytes + 1), 'MIA_ERR_BAD_CONFIG', /manifest\.json is \d+ bytes, over the limit/],
    ['a model over the size limit (sparse, not read)', sparse('lr.onnx', MODEL_DIR_LIMITS.modelBytes + 1), 'MIA_ERR_BAD_CONFIG', /lr\.onnx is \d+ bytes, over the limit/],
    ['a folder where manifest.json should be', async (d) => {
      await rm(join(d, 'manifest.json'));
      await mkdir(join(d, 'manifest.json'));
    }, 'MIA_ERR_BAD_CONFIG', /manifest\.json is not a regular file/],
    ['a FIFO where a model should be (reading it would wait for ever)', async (d) => {
      await rm(join(d, 'lr.onnx'));
      execFileSync('mkfifo', [join(d, 'lr.onnx')]);
    }, 'MIA_ERR_BAD_CONFIG', /lr\.onnx is not a regular file/],
  ];

  test.each(cases)('%s', async (_name, change, code, message) => {
    const dir = await broken(change);
    const load = ModelEnsemble.load(dir);
    await expect(load).rejects.toMatchObject({ name: 'MiaError', code });
    await expect(load).rejects.toThrow(message);
    await expect(load).rejects.toThrow(/^[^\n]*$/);
  }, 10_000);
});

describe.skipIf(!HAVE_DATA)('mia backtest --models with a manifest that is not JSON', () => {
  test('one coded line on stderr, exit 1, no stack trace', async () => {
    const dir = await broken(async (d) => writeFile(join(d, 'manifest.json'), '{"format": "mia-ml-mo'));
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const p = execFile(process.execPath, ['bin/mia.js', 'backtest', '--input', dataFile('cme-esh4-mbo/esh4_20231225_trades.csv'),
        '--out', join(scratch, 'bt'), '--models', dir, '--no-progress'], { cwd: root, timeout: 20_000 }, (_e, _o, stderr) => resolve({ code: p.exitCode, stderr }));
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mia: models directory [^\n]*: manifest\.json is not JSON \([^\n]*\) \(MIA_ERR_BAD_CONFIG\)\n$/);
  }, 30_000);
});
