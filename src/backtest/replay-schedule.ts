import type { SnapshotEngineOptions } from '../engine/engine-options.js';
import type { FeatureConfig } from '../model/bar-features.js';

/** Tape of a replayed decision run, trades. */
const REPLAY_TAPE = 1 << 16;

/** No wall-clock cadence: a wall-clock interval would make runs of the same file differ. */
const NEVER_MS = 1e12;

/**
 * The engine settings of a replay decided on at bar closes only (and at the first and last trade), which the
 * engine guarantees at any replay speed: `mia backtest` and `mia train` take their decisions on this schedule,
 * so a model is trained on the rows it will be scored on (`mia serve --interval-ms 1e12 --stale-ms 1e12
 * --kernels inline` gives the same). Inline kernels process each intake before the next: a 64 Ki-trade tape
 * (2 MiB) rewinds often and stays in cache, where the live default (1 Mi trades) would touch 32 MiB of fresh
 * pages in every run. No warm-up: nothing is published live.
 */
export function replaySchedule(config: Omit<FeatureConfig, 'sizeDecimals'>): SnapshotEngineOptions {
  return {
    config, intervalMs: NEVER_MS, staleMs: NEVER_MS, threads: 1, kernels: 'inline', footprint: true, liveFootprintSec: [],
    tapeCapacity: REPLAY_TAPE, warmUp: false,
  };
}
