import { configError, ErrorCode, type MiaError } from '../common/errors.js';
import { FEATURE_NAMES } from '../signals/features.js';
import { composeEnsemble } from './ensemble-graph.js';
import { meaningMismatch, type FeatureMeaning } from './feature-meaning.js';
import { MANIFEST_FILE, sha256, type ModelManifest } from './model-manifest.js';
import { badModels, checkManifest, MODEL_DIR_LIMITS, readModelFile } from './model-files.js';
import type { ModelWarning } from './model-warnings.js';
import { loadNeuralScorer } from './neural/neural-files.js';
import type { NeuralScorer } from './neural/neural-scorer.js';
import { SyncOnnxSession } from './onnx-session.js';
import { explainerMismatch, loadExplainer } from './explain-file.js';
import type { ModelExplainer } from './model-explainer.js';

/** The filter's state, for /health, decisions and logs. */
export type FilterStatus =
  | { enabled: false; reason: string }
  | {
    enabled: true; dir: string; threshold: number; createdAt: string; models: { name: string; file: string; sha256: string }[];
    /** The manifest's training warnings (none for a manifest written before warnings existed). */
    warnings?: readonly ModelWarning[];
    /** The neural models (`mia train --neural`): whether their outputs join decisions, and the training's reason. */
    neural?: { enabled: boolean; reason: string };
  };

/** Status of a run without a models directory. */
export const FILTER_OFF: FilterStatus = { enabled: false, reason: 'no models directory given: the ML filter is off, signals are not scored' };

/** Scores of one feature vector. */
export interface EnsembleScore {
  /** P(target before stop) of logistic regression, gradient-boosted trees and random forest. */
  scores: [number, number, number];
  mean: number;
  /** mean ≥ threshold. */
  approved: boolean;
  /** sha256 of the three model files, in the order of `scores`. */
  hashes: [string, string, string];
}

/**
 * The three exported models in onnxruntime-node, checked against the manifest (hashes, feature order: a
 * models directory that does not match its manifest is refused, not scored) and joined into one graph
 * (ensemble-graph.ts) run synchronously: one onnxruntime run per decision, on the caller's thread, so a
 * decision is scored before the next snapshot is looked at, live as in a backtest.
 */
export class ModelEnsemble {
  /** The manifest read at load. */
  readonly manifest: ModelManifest;
  /** Approval threshold of the mean. */
  readonly threshold: number;
  /** The manifest's training warnings, for the loader to repeat; empty for a manifest without any. */
  readonly warnings: readonly ModelWarning[];
  /** SHAP values of the three models (explain.json); null for a models directory trained before explanations. */
  readonly explainer: ModelExplainer | null;
  private readonly dir: string;
  private readonly session: SyncOnnxSession;
  private readonly hashes: [string, string, string];
  /** The neural models when the manifest enables them (`neuralEnabled`), else null: their outputs are off. */
  readonly neural: NeuralScorer | null;

  private constructor(dir: string, manifest: ModelManifest, session: SyncOnnxSession, threshold: number, explainer: ModelExplainer | null, neural: NeuralScorer | null) {
    this.neural = neural;
    this.dir = dir;
    this.explainer = explainer;
    this.manifest = manifest;
    this.session = session;
    this.threshold = threshold;
    this.warnings = manifest.warnings ?? [];
    this.hashes = manifest.models.map((m) => m.sha256) as [string, string, string];
  }

  /**
   * Reads and checks `dir/manifest.json` and the three models, and opens one session over the three. Whatever the
   * directory holds, the outcome is the ensemble or one coded error (model-files.ts has the shapes and limits).
   */
  static async load(dir: string, opts: { threshold?: number } = {}): Promise<ModelEnsemble> {
    const text = (await readModelFile(dir, MANIFEST_FILE, MODEL_DIR_LIMITS.manifestBytes)).toString('utf8');
    const { manifest, threshold } = checkManifest(dir, text, opts);
    const bad = (reason: string): Error => badModels(dir, reason);
    const models: { name: string; bytes: Uint8Array }[] = [];
    for (const m of manifest.models) {
      const bytes = await readModelFile(dir, m.file, MODEL_DIR_LIMITS.modelBytes);
      if (sha256(bytes) !== m.sha256) throw bad(`${m.file} does not match its sha256 in the manifest`);
      models.push({ name: m.name, bytes });
    }
    let session: SyncOnnxSession;
    try {
      session = new SyncOnnxSession(composeEnsemble(models), FEATURE_NAMES.length);
    } catch (e) {
      throw bad(`the models do not load in onnxruntime: ${(e as Error).message}`);
    }
    // After the ensemble's session: a neural block that does not load is refused like a bad model file.
    const neural = await loadNeuralScorer(dir, manifest).catch((e: unknown) => {
      session.release();
      throw e;
    });
    const explainer = await loadExplainer(dir, manifest);
    const ensemble = new ModelEnsemble(dir, manifest, session, threshold, explainer, neural);
    // explain.json must explain the graphs that score: checked once on the training means, a row inside the data.
    const means = Float32Array.from(explainer?.means ?? []);
    const why = explainer ? explainerMismatch(explainer, means, ensemble.scoreBatch(means, 1)) : undefined;
    if (why) {
      ensemble.close();
      throw bad(`explain.json does not explain the models: ${why}`);
    }
    return ensemble;
  }

  /**
   * MIA_ERR_MODEL_MISMATCH when `run` computes the features otherwise than the models were trained on; undefined
   * when they agree, or when the manifest predates the record (`recordsMeaning` false: the caller warns).
   */
  mismatch(run: FeatureMeaning): MiaError | undefined {
    return this.manifest.featureMeaning ? meaningMismatch(this.dir, this.manifest.featureMeaning, run) : undefined;
  }

  /** The manifest records what the features meant at training. */
  get recordsMeaning(): boolean {
    return this.manifest.featureMeaning !== undefined;
  }

  /** The filter's state. */
  status(): FilterStatus {
    return {
      enabled: true, dir: this.dir, threshold: this.threshold, createdAt: this.manifest.createdAt,
      models: this.manifest.models.map((m) => ({ name: m.name, file: m.file, sha256: m.sha256 })), warnings: this.warnings,
      ...(this.manifest.neural ? { neural: { enabled: this.neural !== null, reason: this.manifest.neural.reason } } : {}),
    };
  }

  /** Scores one feature vector (FEATURE_NAMES order, nulls given as the manifest's missing value), synchronously. */
  score(features: Float32Array): EnsembleScore {
    const p = this.scoreBatch(features, 1);
    return this.decide(p[0]!, p[1]!, p[2]!);
  }

  /** Scores `rows` vectors laid end to end; returns lr, gbt, rf probabilities row by row (3 per row). */
  scoreBatch(features: Float32Array, rows: number): Float32Array {
    const d = FEATURE_NAMES.length;
    if (features.length !== rows * d) throw configError(ErrorCode.BAD_ARGUMENT, `expected ${rows}×${d} features, got ${features.length}`);
    return this.session.run(features, rows);
  }

  /** The decision for three scores: approved when their mean is at or above the threshold. */
  decide(lr: number, gbt: number, rf: number): EnsembleScore {
    const mean = (lr + gbt + rf) / 3;
    return { scores: [lr, gbt, rf], mean, approved: mean >= this.threshold, hashes: this.hashes };
  }

  /** Releases the session. */
  close(): void {
    this.session.release();
    this.neural?.close();
  }
}

/** The ML filter of a run: its state, and the ensemble when models are loaded. */
export interface ModelFilter {
  status: FilterStatus;
  ensemble: ModelEnsemble | null;
}

/** The filter of a run: the loaded ensemble, or off with FILTER_OFF when no directory is given. */
export async function loadModelFilter(dir: string | undefined, opts: { threshold?: number } = {}): Promise<ModelFilter> {
  if (dir === undefined) return { status: FILTER_OFF, ensemble: null };
  const ensemble = await ModelEnsemble.load(dir, opts);
  return { status: ensemble.status(), ensemble };
}
