import { pino } from 'pino';
import type { ReplaySource } from '../adapters/replay/replay-source.js';
import { configError, ErrorCode } from '../common/errors.js';
import { DecisionPipeline } from '../engine/decision-pipeline.js';
import { SnapshotEngine } from '../engine/snapshot-engine.js';
import { featureMeaning, type FeatureMeaning } from '../ml/feature-meaning.js';
import { DEFAULT_FEATURE_CONFIG } from '../model/bar-features.js';
import { isoNs } from '../model/time.js';
import { DEFAULT_SIGNAL_ENGINE_CONFIG } from '../signals/signal-engine.js';
import { replaySchedule } from './replay-schedule.js';
import type { TrainingRows } from './training-rows.js';

/** What the features mean in training (and so in every backtest of the default settings): recorded in the manifest. */
export function trainingMeaning(tickSize: number): FeatureMeaning {
  return featureMeaning({ ...DEFAULT_FEATURE_CONFIG, tickSize }, true, DEFAULT_SIGNAL_ENGINE_CONFIG);
}

/**
 * Replays `source` through the engine and the decision pipeline on the backtest's schedule (bar closes), the
 * rows taken from the pipeline's feature tap into `rows`; returns the last snapshot's time. No venue and no
 * models: the rows depend on neither (the ML filter reads them, trading follows them).
 */
export async function replayTrainingRows(source: ReplaySource, tickSize: number, rows: TrainingRows, report: (s: string) => void): Promise<bigint | undefined> {
  const log = pino({ level: 'silent' });
  const engine = new SnapshotEngine(source, replaySchedule(trainingMeaning(tickSize).features), log);
  const pipeline = new DecisionPipeline({
    startingBalance: 25_000, winProbability: 0.5, symbols: source.instruments.map((i) => i.symbol), signals: DEFAULT_SIGNAL_ENGINE_CONFIG,
  }, log);
  let lastNs: bigint | undefined;
  let reported = performance.now();
  engine.events.on('bar', (e) => rows.onBar(e));
  engine.events.on('snapshot', (e) => {
    lastNs = e.tsNs;
    const now = performance.now();
    if (now - reported >= 1000) (reported = now), report(`${rows.baseBars.toLocaleString('en-US')} bars replayed, at ${isoNs(e.tsNs)}`);
  });
  pipeline.attach(engine.events);
  pipeline.tap((r) => rows.onRow(r));
  await engine.start();
  await engine.done;
  await engine.stop();
  if (engine.sourceError) throw engine.sourceError;
  if (pipeline.counts.errors > 0) throw configError(ErrorCode.BAD_SIGNAL_INPUT, `${pipeline.counts.errors} snapshots or bars of the replay could not be decided on`);
  return lastNs;
}
