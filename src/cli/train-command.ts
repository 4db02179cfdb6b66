import { join } from 'node:path';
import type { Command } from 'commander';
import { configError, ErrorCode, MiaError } from '../common/errors.js';
import { checkOutputFolder, writeOutputFolder, type OutputSpec } from '../common/atomic-output.js';
import { trainingMeaning } from '../backtest/training-replay.js';
import { DEFAULT_GATE_MARGIN, type ChallengeVerdict } from '../ml/champion-gate.js';
import { MANIFEST_FILE, MODEL_NAMES, type ModelName } from '../ml/model-manifest.js';
import { EXPLAIN_FILE } from '../ml/model-explainer.js';
import { trainAndExport, DEFAULT_THRESHOLD } from '../ml/model-trainer.js';
import { warningLine } from '../ml/model-warnings.js';
import { addNeuralModels, neuralLine } from '../ml/neural/neural-export.js';
import { NEURAL_FILES } from '../ml/neural/neural-manifest.js';
import { DEFAULT_LABEL_CONFIG, labelConfigProblem, labelSamples, type LabelConfig } from '../ml/trade-labeler.js';
import { MIN_CLASS_SAMPLES, minimumSamples, sampleProblem } from '../ml/walk-forward.js';
import { isoTime, nonNegative, positiveNumber, probability, wholeNumber } from './options.js';
import { challenge, loadChampion } from './train-challenge.js';
import { trainSamples, windowMs } from './train-sources.js';

interface TrainOptions {
  input?: string;
  fromJournal?: string;
  window?: number;
  challenge?: string;
  gateMargin: number;
  out: string;
  symbol?: string;
  tickSize: number;
  horizonBars: number;
  targetTicks: number;
  stopTicks: number;
  folds: number;
  seed: number;
  threshold: number;
  createdAt?: string;
  progress: boolean;
  neural: boolean;
}

/** Default walk-forward folds. */
export const DEFAULT_FOLDS = 5;
/** Default seed of the random forest. */
export const DEFAULT_SEED = 42;
/**
 * Flags that train on the one-hour ES file in ../shared/data (60 bars): the default 16/8-tick bracket is never
 * won there and 5 folds of a 10-bar embargo need more bars. The --help example and README use these.
 */
export const SHORT_FILE_FLAGS = '--horizon-bars 5 --target-ticks 2 --stop-ticks 2 --folds 2';

/** What `mia train` writes into --out: the three models and their manifest (then the completion marker). */
function trainOutputSpec(): OutputSpec {
  return {
    command: 'mia train', files: [...MODEL_NAMES.map((m) => `${m}.onnx`), EXPLAIN_FILE, ...NEURAL_FILES, MANIFEST_FILE],
    notice: (line) => void process.stderr.write(`mia train: ${line}\n`),
  };
}

/** What to change when the labels cannot be trained: the flags that move the failing count. */
function remedy(y: Uint8Array, need: number): string {
  let pos = 0;
  for (const v of y) pos += v;
  const change = y.length < need
    ? 'fewer --folds, a shorter --horizon-bars (also the embargo) or a longer file'
    : pos < MIN_CLASS_SAMPLES
      ? 'a smaller --target-ticks or a larger --stop-ticks (the target is rarely reached first)'
      : 'a smaller --stop-ticks, a larger --target-ticks or a shorter --horizon-bars (the stop is rarely reached first)';
  return `use ${change}; a one-hour file trains with ${SHORT_FILE_FLAGS}`;
}

/**
 * `mia train`: replays a trade file through the engine and the signal engine, labels the decision at each
 * closed 1m bar (target before stop within the horizon), trains logistic regression, gradient-boosted trees
 * and a random forest, evaluates them walk-forward, and writes the three ONNX models and manifest.json into
 * --out (docs/ml.md). `--from-journal` takes the decisions and 1m bars of a journal instead of replaying a file,
 * `--window` only the most recent market time; `--challenge DIR` judges the new models against those in DIR on the
 * most recent out-of-sample block and writes the verdict into the manifest (docs/ml.md "Retraining"). Too few samples, or too few of a class, fail naming the counts and the flags to change;
 * weak models are written, with one stderr line per manifest warning.
 */
export function trainCommand(program: Command): void {
  const d = DEFAULT_LABEL_CONFIG;
  program
    .command('train')
    .description('train the ML filter (logistic regression, gradient-boosted trees, random forest) on a replayed trade file and export ONNX models')
    .option('--input <file>', 'trade file to replay: .csv, .dbn or .dbn.zst (or --from-journal)')
    .option('--from-journal <file>', 'train on the decisions and 1m bars of a journal written by mia serve or mia backtest --journal (instead of --input)')
    .option('--window <age>', 'rolling window: only the most recent market time, e.g. 5d, 12h, 90m (default: everything read)', windowMs)
    .option('--challenge <dir>', 'champion/challenger gate: judge the new models against the models directory DIR (the running ones) on the most recent ' +
      'out-of-sample block; the verdict goes into the new manifest, and a loss exits 1 with MIA_ERR_CHALLENGER_LOST')
    .option('--gate-margin <x>', 'gate: how much lower the challenger\'s log loss must be', nonNegative('--gate-margin'), DEFAULT_GATE_MARGIN)
    .requiredOption('--out <dir>', 'directory for lr.onnx, gbt.onnx, rf.onnx, explain.json, manifest.json and the _COMPLETE marker, written all or nothing ' +
      '(a previous models directory there is replaced, a folder of other files refused)')
    .option('--symbol <symbol>', 'instrument to train on when the file holds several')
    .option('--tick-size <price>', 'tick size of the instrument (ES, NQ: 0.25 or a whole multiple of it)', positiveNumber('--tick-size'), d.tickSize)
    .option('--horizon-bars <n>', '1m bars within which the target must be reached', wholeNumber('--horizon-bars'), d.horizonBars)
    .option('--target-ticks <n>', 'target distance in ticks', wholeNumber('--target-ticks'), d.targetTicks)
    .option('--stop-ticks <n>', 'stop distance in ticks', wholeNumber('--stop-ticks'), d.stopTicks)
    .option('--folds <k>', 'walk-forward folds (expanding window, time order)', wholeNumber('--folds'), DEFAULT_FOLDS)
    .option('--seed <s>', 'random forest seed', wholeNumber('--seed'), DEFAULT_SEED)
    .option('--threshold <p>', 'approval threshold of the ensemble mean written to the manifest', probability('--threshold'), DEFAULT_THRESHOLD)
    .option('--created-at <iso>', 'time recorded in the manifest (default: the last trade replayed, so output is reproducible)',
      (text: string) => new Date(isoTime('--created-at')(text)).toISOString())
    .option('--no-progress', 'no progress lines on stderr')
    .option('--neural', 'also train the neural models (volatility and market-regime MLPs, direction LSTM; docs/ml.md "Neural models"): ' +
      'nn-volatility.onnx, nn-regime.onnx, nn-direction.onnx; their outputs join decisions only if they beat their walk-forward baseline', false)
    .addHelpText('after', `\nExample (the one-hour ES file; its models are weak and the warnings say so):\n  mia train --input ../shared/data/cme-esh4-mbo/esh4_20231225_trades.csv --out models ${SHORT_FILE_FLAGS}\n` +
      '\nRetraining (docs/ml.md "Retraining"): the last 5 days of the journal, judged against the running models:\n' +
      '  D=$(date +%F); mia train --from-journal mia-journal.duckdb --window 5d --challenge models/current --out models/$D && ln -sfn $D models/current\n' +
      '  (a new directory each time: the one in use is never overwritten; mia serve --models models/current --models-watch swaps it in)\n')
    .action(async (o: TrainOptions) => {
      const label: LabelConfig = { targetTicks: o.targetTicks, stopTicks: o.stopTicks, horizonBars: o.horizonBars, tickSize: o.tickSize };
      const problem = labelConfigProblem(label);
      if (problem) throw configError(ErrorCode.BAD_ARGUMENT, problem);
      if (o.folds < 1) throw configError(ErrorCode.BAD_ARGUMENT, `--folds must be at least 1, got ${o.folds}`);
      // A bad --out fails now, not after the replay and the training.
      await checkOutputFolder(o.out, trainOutputSpec());
      const meaning = trainingMeaning(o.tickSize);
      // The champion loads (hash-checked) before the replay: a bad directory fails before minutes are spent.
      const champion = o.challenge !== undefined ? await loadChampion(o.challenge, meaning) : undefined;
      const report = (s: string): void => void (o.progress && process.stderr.write(`mia train: ${s}\n`));
      const started = performance.now();
      const src = await trainSamples({ ...o, ...(o.window !== undefined ? { windowMs: o.window } : {}) }, report).catch((e: unknown) => {
        champion?.close();
        throw e;
      });
      const samples = labelSamples(src.inputs, label);
      report(`${src.summary}, ${samples.length} labelled samples in ${((performance.now() - started) / 1000).toFixed(1)} s; training`);
      const x = samples.map((s) => s.features.row);
      const y = Uint8Array.from(samples, (s) => s.label);
      const samplesProblem = sampleProblem(y, o.folds, o.horizonBars);
      if (samplesProblem) {
        champion?.close();
        throw configError(ErrorCode.BAD_ARGUMENT,
          `too few labelled samples to train: ${samplesProblem} (${src.bars} bars, ${o.targetTicks}-tick target, ` +
            `${o.stopTicks}-tick stop, ${o.horizonBars}-bar horizon); ${remedy(y, minimumSamples(o.folds, o.horizonBars))}`,
          { samples: y.length, bars: src.bars });
      }
      let verdict: ChallengeVerdict | undefined;
      if (champion) {
        report(`challenging ${o.challenge} on the most recent out-of-sample block`);
        verdict = challenge(champion, x, y, samples.map((s) => s.features.ms), {
          championDir: o.challenge!, folds: o.folds, embargo: o.horizonBars, seed: o.seed, margin: o.gateMargin, meaning,
        });
      }
      const createdAt = o.createdAt ?? new Date(src.lastMs ?? 0).toISOString();
      // Written into a staging folder and renamed into place whole (src/common/atomic-output.ts).
      const r = await writeOutputFolder(o.out, trainOutputSpec(), async (staging) => {
        const t = await trainAndExport(x, y, staging.dir, {
          folds: o.folds, embargo: o.horizonBars, seed: o.seed, label, createdAt, threshold: o.threshold,
          ...(src.inputSha256 ? { inputSha256: src.inputSha256 } : {}), ...(verdict ? { challenge: verdict } : {}),
          featureMeaning: meaning, onStage: (s) => report(s),
        });
        if (!o.neural) return t;
        const neuralInputs = src.inputs.map((s) => ({ ...s, features: s.features.row }));
        const manifest = await addNeuralModels(staging.dir, t.manifest, neuralInputs, { folds: o.folds, horizonBars: o.horizonBars, onStage: (s) => report(s) });
        return { ...t, manifest };
      });
      for (const m of r.manifest.models) {
        const p = r.evaluation[m.name as ModelName].pooled;
        process.stdout.write(
          `${m.name.padEnd(3)} auc ${p.auc === null ? 'n/a' : p.auc.toFixed(3)} accuracy ${p.accuracy.toFixed(3)} brier ${p.brier.toFixed(3)}` +
            ` (${p.samples} out-of-sample of ${y.length}, ${o.folds} folds) ${join(o.out, m.file)} sha256 ${m.sha256.slice(0, 12)}\n`,
        );
      }
      if (r.manifest.neural) {
        for (const m of r.manifest.neural.models) process.stdout.write(`${neuralLine(m, o.out)}\n`);
        process.stdout.write(`neural ${r.manifest.neural.reason}\n`);
      }
      // Not progress: printed with --no-progress too, and kept in manifest.json for serve and backtest to repeat.
      for (const w of r.manifest.warnings ?? []) process.stderr.write(`${warningLine('mia train', w)}\n`);
      if (verdict) {
        process.stdout.write(`gate ${verdict.approved ? 'approved' : 'refused'}: ${verdict.reason}\n`);
        if (!verdict.approved) {
          throw new MiaError(ErrorCode.CHALLENGER_LOST, `${o.out}: ${verdict.reason}; written with challenge.approved false`, { dir: o.out });
        }
      }
    });
}
