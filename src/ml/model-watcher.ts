import { readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { COMPLETE_MARKER, verifyOutputFolder } from '../common/atomic-output.js';
import { ErrorCode, isMiaError, MiaError } from '../common/errors.js';
import { MANIFEST_FILE } from './model-manifest.js';
import { ModelEnsemble } from './model-ensemble.js';
import { MODEL_DIR_LIMITS, parseManifest, readModelFile } from './model-files.js';

/** Default poll interval of the watched path, ms: a swap is seen within a second, the cost is two stats. */
export const MODEL_WATCH_INTERVAL_MS = 1000;

/** A refusal, for /health and the logs. */
export interface ModelRefusal {
  code: string;
  message: string;
  dir: string;
}

/** What the watcher has done (`/health` → `decisions.modelSwaps`). */
export interface ModelSwapStats {
  /** The watched path (a models directory, or a `current` symlink to one). */
  watching: string;
  /** New directories seen (a changed target, manifest or marker). */
  seen: number;
  /** Swaps applied between two decisions. */
  swaps: number;
  /** Directories refused (unapproved, incomplete, hash mismatch, other features); the running models stayed. */
  refused: number;
  lastRefusal: ModelRefusal | null;
  /** The directory in use (its real path) and its model hashes. */
  current: { dir: string; hashes: string[] };
}

/** What the watcher needs from the run. */
export interface ModelWatcherOptions {
  /** The path to watch: a models directory rewritten in place, or a symlink (`current`) repointed to a new one. */
  path: string;
  /** The ensemble running at the start (loaded from `path`). */
  initial: ModelEnsemble;
  intervalMs?: number;
  /** `--ml-threshold`: overrides the new manifest's threshold, as at start. */
  threshold?: number;
  /** The run's own checks of a loaded ensemble (its features computed as this run computes them); an error refuses it. */
  check?: (e: ModelEnsemble) => MiaError | undefined;
  /** Hands an approved, checked ensemble to the decision path; `applied` is called once it scores, between two decisions. */
  install: (e: ModelEnsemble, applied: (old: unknown) => void) => void;
  /** Told of every swap applied and every refusal (the stream's alert topic). */
  notify?: (e: { kind: 'swapped'; dir: string; hashes: string[] } | ({ kind: 'refused' } & ModelRefusal)) => void;
  log: Logger;
}

const hashesOf = (e: ModelEnsemble): string[] => e.manifest.models.map((m) => m.sha256);

/**
 * `mia serve --models-watch` (docs/ml.md "Retraining"): polls the watched path; when it points at a new models
 * directory (its real path, manifest or completion marker changed), loads it off the decision path (files read and
 * hash-checked against the manifest, the onnxruntime session created), and swaps it in only if it is a complete
 * `mia train` output whose champion/challenger verdict approved it and whose features match the run. The swap
 * itself happens between two decisions (DecisionPipeline.swapScorer). A refused directory is logged with its code,
 * counted and not retried until it changes; the running models stay.
 */
export class ModelWatcher {
  private readonly o: ModelWatcherOptions;
  private readonly stats_: ModelSwapStats;
  private seenKey: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<unknown> | undefined;
  /** Ensembles this watcher loaded that are not yet released (the initial one belongs to the caller). */
  private readonly owned = new Set<ModelEnsemble>();
  private waiting = false;

  constructor(o: ModelWatcherOptions) {
    this.o = o;
    this.stats_ = { watching: o.path, seen: 0, swaps: 0, refused: 0, lastRefusal: null, current: { dir: o.path, hashes: hashesOf(o.initial) } };
  }

  /** Records what the path points at now (so the running models are not loaded again) and starts polling. */
  async start(): Promise<this> {
    const key = await this.key();
    const dir = await realpath(this.o.path).catch(() => this.o.path);
    // The path may have moved on since the initial models were loaded (seconds earlier): then it is new.
    if (await this.holdsInitial(dir)) this.seenKey = key;
    this.stats_.current.dir = dir;
    this.timer = setInterval(() => void this.poll(), this.o.intervalMs ?? MODEL_WATCH_INTERVAL_MS);
    this.timer.unref();
    return this;
  }

  /** The watcher's counters and the directory in use. */
  stats(): ModelSwapStats {
    return { ...this.stats_, current: { ...this.stats_.current } };
  }

  /**
   * One look at the path (the timer's; tests call it): `unchanged`, `pending` (an approved directory was handed over
   * and waits for the next decision), `installed` or `refused`. Never throws; never runs twice at once.
   */
  poll(): Promise<'unchanged' | 'pending' | 'installed' | 'refused'> {
    if (this.polling) return this.polling as Promise<'pending'>;
    const p = this.look().finally(() => (this.polling = undefined));
    this.polling = p;
    return p;
  }

  /** Stops polling and releases the ensembles it loaded (call once the pipeline no longer scores). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.polling;
    for (const e of this.owned) e.close();
    this.owned.clear();
  }

  private async look(): Promise<'unchanged' | 'pending' | 'installed' | 'refused'> {
    if (this.waiting) return 'pending';
    const key = await this.key();
    // Missing for a moment (a symlink being replaced) or unchanged: look again later.
    if (key === undefined || key === this.seenKey) return 'unchanged';
    this.seenKey = key;
    this.stats_.seen++;
    const dir = key.split('\n')[0]!;
    let e: ModelEnsemble | undefined;
    try {
      // The gate's verdict first (the manifest alone): an unapproved directory costs no model load on the serving thread.
      const v = parseManifest(dir, (await readModelFile(dir, MANIFEST_FILE, MODEL_DIR_LIMITS.manifestBytes)).toString('utf8')).challenge;
      if (v?.approved !== true) {
        throw new MiaError(ErrorCode.MODEL_UNAPPROVED, v
          ? `models directory ${dir}: the champion/challenger gate refused it (${v.reason})`
          : `models directory ${dir}: no champion/challenger verdict (train it with mia train --challenge CURRENT_DIR)`, { dir });
      }
      e = await ModelEnsemble.load(dir, this.o.threshold !== undefined ? { threshold: this.o.threshold } : {});
      const complete = await verifyOutputFolder(dir);
      if (!complete.ok) throw new MiaError(ErrorCode.MODEL_UNAPPROVED, `models directory ${dir}: not a complete mia train output (${complete.reason})`, { dir });
      const mismatch = this.o.check?.(e);
      if (mismatch) throw mismatch;
    } catch (err) {
      e?.close();
      this.refuse(dir, err);
      return 'refused';
    }
    this.hand(e, dir);
    return this.waiting ? 'pending' : 'installed';
  }

  private hand(e: ModelEnsemble, dir: string): void {
    this.owned.add(e);
    this.waiting = true;
    this.o.log.info({ dir, hashes: hashesOf(e), createdAt: e.manifest.createdAt, gate: e.manifest.challenge?.reason }, 'New models loaded: swapping at the next decision');
    this.o.install(e, (old) => {
      this.waiting = false;
      this.stats_.swaps++;
      const from = this.stats_.current;
      this.stats_.current = { dir, hashes: hashesOf(e) };
      // The replaced session is released once nothing scores with it (the initial one belongs to the caller).
      if (old instanceof ModelEnsemble && this.owned.delete(old)) old.close();
      this.o.log.info({ dir, hashes: hashesOf(e), previous: from }, 'Models swapped');
      this.o.notify?.({ kind: 'swapped', dir, hashes: hashesOf(e) });
    });
  }

  private refuse(dir: string, err: unknown): void {
    const code = isMiaError(err) ? err.code : ErrorCode.BAD_CONFIG;
    const message = err instanceof Error ? err.message : String(err);
    this.stats_.refused++;
    this.stats_.lastRefusal = { code, message, dir };
    this.o.log.error({ code, dir, err: message, running: this.stats_.current }, 'New models refused: the running models stay');
    this.o.notify?.({ kind: 'refused', code, message, dir });
  }

  /** Whether `dir`'s manifest lists the initial models' hashes. */
  private async holdsInitial(dir: string): Promise<boolean> {
    try {
      const m = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as { models?: Array<{ sha256?: unknown }> };
      return JSON.stringify(m.models?.map((x) => x.sha256)) === JSON.stringify(hashesOf(this.o.initial));
    } catch {
      return false;
    }
  }

  /** What identifies the watched directory's content: real path, manifest and marker (size, mtime, inode). */
  private async key(): Promise<string | undefined> {
    try {
      const dir = await realpath(this.o.path);
      const parts = await Promise.all([MANIFEST_FILE, COMPLETE_MARKER].map((f) => stat(join(dir, f)).then(
        (s) => `${s.ino}:${s.size}:${s.mtimeMs}`, () => 'none')));
      return [dir, ...parts].join('\n');
    } catch {
      return undefined;
    }
  }
}
