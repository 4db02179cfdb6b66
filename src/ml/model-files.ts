import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { configError, ErrorCode, type MiaError } from '../common/errors.js';
import { FEATURE_NAMES } from '../signals/features.js';
import { MANIFEST_FORMAT, MANIFEST_VERSION, MODEL_NAMES, type ModelManifest } from './model-manifest.js';
import type { ModelWarning } from './model-warnings.js';
import { driftReferenceProblem } from './feature-drift.js';

/**
 * A models directory (`--models` of serve and backtest) is input like a trade file: whatever it holds, loading it
 * ends in a model ensemble or one coded error (docs/hostile-input.md "Model directories and outputs"), and reads
 * no more than these limits, checked before the bytes are read.
 */
export const MODEL_DIR_LIMITS = {
  /** manifest.json: `mia train` writes about 25 KiB. */
  manifestBytes: 4 * 1024 * 1024,
  /** One ONNX model: tens of KiB on an hour of trades; a forest on years of them stays far below. */
  modelBytes: 64 * 1024 * 1024,
} as const;

/** BAD_CONFIG about the models directory `dir`. */
export function badModels(dir: string, reason: string): MiaError {
  return configError(ErrorCode.BAD_CONFIG, `models directory ${dir}: ${reason}`, { dir });
}

/**
 * Reads `dir/name`, a regular file of at most `limit` bytes: a missing file is INPUT_UNREADABLE; a folder, a FIFO
 * (whose read would wait for a writer for ever) or a file over the limit is BAD_CONFIG, before anything is read.
 */
export async function readModelFile(dir: string, name: string, limit: number): Promise<Buffer> {
  const path = join(dir, name);
  const unreadable = (e: unknown): MiaError => configError(ErrorCode.INPUT_UNREADABLE, `${path}: ${(e as Error).message}`, { dir });
  const s = await stat(path).catch((e: unknown) => {
    throw unreadable(e);
  });
  if (!s.isFile()) throw badModels(dir, `${name} is not a regular file`);
  if (s.size > limit) throw badModels(dir, `${name} is ${s.size} bytes, over the limit of ${limit}`);
  // O_NONBLOCK: a file swapped for a FIFO since the stat is refused below, not waited on.
  const fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch((e: unknown) => {
    throw unreadable(e);
  });
  try {
    const now = await fh.stat();
    if (!now.isFile() || now.size > limit) throw badModels(dir, `${name} changed while it was read`);
    const buf = Buffer.alloc(now.size);
    for (let at = 0; at < now.size;) {
      const { bytesRead } = await fh.read(buf, at, now.size - at, at);
      if (bytesRead === 0) throw badModels(dir, `${name} changed while it was read`);
      at += bytesRead;
    }
    return buf;
  } catch (e) {
    throw (e as { code?: string }).code?.startsWith('MIA_') ? e : unreadable(e);
  } finally {
    await fh.close();
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string';
/** A file name inside the directory: no separator, no `..`, nothing hidden, so a manifest cannot point outside it. */
const PLAIN_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;

/**
 * Parses manifest.json text and checks the shape of every field the loader and the filter read, so a malformed
 * manifest is one BAD_CONFIG line naming the field, never a SyntaxError or a TypeError from deep inside.
 */
export function parseManifest(dir: string, text: string): ModelManifest {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch (e) {
    // V8 quotes the text it choked on: its control characters (a newline) would break the one line.
    const reason = (e as Error).message.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    throw badModels(dir, `manifest.json is not JSON (${reason})`);
  }
  const bad = (field: string, want: string): MiaError => badModels(dir, `manifest.json ${field} must be ${want}`);
  if (!isObject(m)) throw badModels(dir, 'manifest.json must hold a JSON object');
  if (m.format !== MANIFEST_FORMAT || m.version !== MANIFEST_VERSION) throw badModels(dir, `not a ${MANIFEST_FORMAT} v${MANIFEST_VERSION} manifest`);
  if (!Array.isArray(m.features) || !m.features.every(isText)) throw bad('features', 'a list of feature names');
  if (!Array.isArray(m.models) || m.models.length !== MODEL_NAMES.length) throw bad('models', `a list of ${MODEL_NAMES.length} models`);
  for (const [i, x] of m.models.entries()) {
    if (!isObject(x) || !isText(x.name) || !isText(x.file) || !isText(x.sha256)) throw bad(`models[${i}]`, 'an object with name, file and sha256');
    if (!PLAIN_NAME.test(x.file)) throw bad(`models[${i}].file`, 'a file name inside the directory');
    if (!/^[0-9a-f]{64}$/.test(x.sha256)) throw bad(`models[${i}].sha256`, 'a sha256 in hex');
  }
  if (typeof m.threshold !== 'number') throw bad('threshold', 'a number');
  if (typeof m.missingFeatureValue !== 'number' || !Number.isFinite(m.missingFeatureValue)) throw bad('missingFeatureValue', 'a finite number');
  if (!isText(m.createdAt)) throw bad('createdAt', 'a time');
  if (m.featureMeaning !== undefined && !isObject(m.featureMeaning)) throw bad('featureMeaning', 'an object');
  const drift = m.featureDrift === undefined ? null : driftReferenceProblem(m.featureDrift, m.features);
  if (drift !== null) throw bad('featureDrift', drift);
  const ex = m.explain;
  if (ex !== undefined && !(isObject(ex) && isText(ex.file) && PLAIN_NAME.test(ex.file) && isText(ex.sha256) && /^[0-9a-f]{64}$/.test(ex.sha256))) {
    throw bad('explain', 'an object with a file inside the directory and its sha256');
  }
  return m as unknown as ModelManifest;
}

/**
 * Everything the loader checks in manifest.json before it reads a model file: its shapes (parseManifest), the
 * engine's feature order, the model names, the threshold (`opts.threshold` overriding the manifest's) and the
 * warnings. Separate from the reads so that the fuzz suite can run the checks on a million manifests in memory.
 */
export function checkManifest(dir: string, text: string, opts: { threshold?: number } = {}): { manifest: ModelManifest; threshold: number } {
  const manifest = parseManifest(dir, text);
  const bad = (reason: string): MiaError => badModels(dir, reason);
  if (JSON.stringify(manifest.features) !== JSON.stringify(FEATURE_NAMES)) throw bad(`feature order ${JSON.stringify(manifest.features).slice(0, 300)} is not the engine's`);
  if (manifest.models.map((m) => m.name).join() !== MODEL_NAMES.join()) throw bad(`models must be ${MODEL_NAMES.join(', ')} in that order`);
  const threshold = opts.threshold ?? manifest.threshold;
  if (!(threshold >= 0 && threshold <= 1)) throw bad(`threshold ${threshold} is not in [0, 1]`);
  if (manifest.warnings !== undefined && !(Array.isArray(manifest.warnings) && manifest.warnings.every(isWarning))) {
    throw bad('warnings must be a list of { code, message }');
  }
  return { manifest, threshold };
}

/** A manifest warning as `mia train` writes it: a code and a message (a model name optional). */
function isWarning(w: unknown): w is ModelWarning {
  const o = w as Partial<ModelWarning> | null;
  return typeof o === 'object' && o !== null && typeof o.code === 'string' && typeof o.message === 'string';
}
