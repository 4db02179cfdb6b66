import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { ReplaySource } from '../adapters/replay/replay-source.js';
import { configError, ErrorCode } from '../common/errors.js';
import { replayTrainingRows } from '../backtest/training-replay.js';
import { TrainingRows } from '../backtest/training-rows.js';
import { journalSamples, type TimedRow } from '../journal/journal-samples.js';
import type { LabelInput } from '../ml/trade-labeler.js';
import { nsToMs } from '../model/time.js';
import { DEFAULT_SIGNAL_ENGINE_CONFIG } from '../signals/signal-engine.js';
import { duration } from './journal-options.js';
import { checkReplayTickSize } from './options.js';

/** Where `mia train` takes its samples from: a trade file replayed, or a journal (`--from-journal`). */
export interface TrainSource {
  input?: string;
  fromJournal?: string;
  symbol?: string;
  tickSize: number;
  horizonBars: number;
  /** `--window`: only the most recent this many ms of market time. */
  windowMs?: number;
}

/** Samples to label, oldest first, each with its market time; what they were read from. */
export interface SourceSamples {
  inputs: LabelInput<TimedRow>[];
  /** Closed base bars read. */
  bars: number;
  /** Market time of the last bar or snapshot read, ms; undefined when none. */
  lastMs: number | undefined;
  /** sha256 of the trade file (none for a journal, which changes as it is written). */
  inputSha256?: string;
  /** One line saying what was read, for the progress line. */
  summary: string;
}

async function fileSha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Parses `--window` (`5d`, `12h`, `90m`) to ms; a window of 0 is refused (it would keep nothing). */
export function windowMs(text: string): number {
  const ms = duration('--window', text);
  if (!(ms > 0)) throw configError(ErrorCode.BAD_ARGUMENT, `--window must be longer than 0, got "${text}"`);
  return ms;
}

/** Keeps the samples of the last `windowMs` before `lastMs` (all without a window). */
function inWindow(inputs: LabelInput<TimedRow>[], lastMs: number | undefined, windowMs: number | undefined): LabelInput<TimedRow>[] {
  if (windowMs === undefined || lastMs === undefined) return inputs;
  return inputs.filter((s) => s.features.ms >= lastMs - windowMs);
}

/** Replays the trade file (the backtest's schedule and pipeline) into samples, as `mia train --input` always has. */
async function fromFile(o: TrainSource, input: string, report: (s: string) => void): Promise<SourceSamples> {
  const source = await ReplaySource.open(input, { speed: 'max', tickSize: o.tickSize, ...(o.symbol ? { symbol: o.symbol } : {}) });
  await checkReplayTickSize(o.tickSize, source);
  const rows = new TrainingRows(DEFAULT_SIGNAL_ENGINE_CONFIG.baseTimeframe);
  const [lastNs, inputSha256] = await Promise.all([replayTrainingRows(source, o.tickSize, rows, report), fileSha256(input)]);
  const kept = rows.keptRows();
  const inputs = rows.finish().map((s, i) => ({ ...s, features: { row: s.features, ms: kept[i]!.closedMs } }));
  const lastMs = lastNs !== undefined ? nsToMs(lastNs) : undefined;
  return { inputs: inWindow(inputs, lastMs, o.windowMs), bars: rows.baseBars, lastMs, inputSha256, summary: `${rows.baseBars} bars replayed` };
}

/** Reads the journal's decisions and 1m bars into samples (journal-samples.ts), within the window. */
async function fromJournal(o: TrainSource, path: string): Promise<SourceSamples> {
  const base = DEFAULT_SIGNAL_ENGINE_CONFIG.baseTimeframe;
  if (base !== '1m') throw configError(ErrorCode.BAD_CONFIG, `the journal keeps 1m bars; the signal engine's base timeframe is ${base}`);
  const j = await journalSamples(path, {
    timeframe: base, timeframeMs: 60_000, pathBars: o.horizonBars,
    ...(o.symbol !== undefined ? { symbol: o.symbol } : {}), ...(o.windowMs !== undefined ? { windowMs: o.windowMs } : {}),
  });
  const range = j.fromMs !== null ? ` ${new Date(j.fromMs).toISOString()} to ${new Date(j.toMs!).toISOString()}` : '';
  return {
    inputs: j.inputs, bars: j.bars, lastMs: j.toMs ?? undefined,
    summary: `${j.symbol}: ${j.bars} bars and ${j.decisions} decisions read from the journal${range}`,
  };
}

/** The samples of `--input FILE` or `--from-journal FILE` (exactly one of them). */
export async function trainSamples(o: TrainSource, report: (s: string) => void): Promise<SourceSamples> {
  if ((o.input === undefined) === (o.fromJournal === undefined)) {
    throw configError(ErrorCode.BAD_ARGUMENT, 'give exactly one of --input FILE (a trade file to replay) and --from-journal FILE (a journal)');
  }
  return o.input !== undefined ? fromFile(o, o.input, report) : fromJournal(o, o.fromJournal!);
}
