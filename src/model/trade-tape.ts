import type { TradeBatch } from './trade-batch.js';

/** Whose trades a DBN decode takes (DB_MODE of asm/layout.ts; src/kernels/tape-intake.test.ts holds them equal). */
export const DbnInstruments = {
  /** `instrument`'s; a trade of another instrument (of any, at -1) is left to the reader. */
  First: 0,
  /** Every instrument's. */
  Any: 1,
  /** `instrument`'s; other instruments' trades are ignored. */
  One: 2,
} as const;

/** Why a DBN decode stopped (DB_STOP of asm/layout.ts). */
export const DbnStop = {
  /** The bytes end, or end inside the record at `at`. */
  More: 0,
  /** `limit` trades were taken (or the tape is full), the last of them just before `at`. */
  Full: 1,
  /** The record at `at` is not a plain good trade: the reader handles it with its own checks. */
  Record: 2,
} as const;

/** One call of {@link TradeTape.decodeDbn}: what the reader sets, and what the decoder hands back. */
export interface DbnDecodeStep {
  /** In: first record, an offset into the input buffer. Out: the first record not passed. */
  at: number;
  /** In: end of the bytes read. */
  end: number;
  /** In/out: time of the last trade taken, as u32 halves. */
  lastHi: number;
  lastLo: number;
  /** In: the instrument id whose trades are taken (-1: none yet), and a {@link DbnInstruments} mode. */
  instrument: number;
  mode: number;
  /** In: most trades to take (the decoder also stops when the tape is full). */
  limit: number;
  /** In: the plausible price range (inclusive). */
  priceMin: number;
  priceMax: number;
  /** Out: records passed, of which ignored, and trades put on the tape. */
  records: number;
  ignored: number;
  trades: number;
  /** Out: a {@link DbnStop}. */
  stop: number;
}

/**
 * A tape in the kernels' shared memory that a source fills directly: the source reads its file into
 * `input(bytes)` (memory the decoder reads), and `decodeDbn` writes Trade structs onto the tape from there (one
 * copy, no TradeBatch between). Trades the source decides on itself go through `append`, as from any source.
 */
export interface TradeTape {
  /** Trades the tape can still take before the consumer must run the kernels and rewind it. */
  readonly free: number;
  /** The input buffer, `bytes` long, inside the kernels' memory. */
  input(bytes: number): Uint8Array;
  /** Decodes the DBN records of `input[step.at, step.end)` onto the tape, as far as `step` allows. */
  decodeDbn(step: DbnDecodeStep): void;
  /** Appends trades `from`..`to` of a batch; returns how many were taken. */
  append(batch: TradeBatch, from?: number, to?: number): number;
}
