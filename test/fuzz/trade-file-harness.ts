// Shared by the trade-file fuzz suite: reading a file to an outcome under a time bound, the contract every
// outcome is held to, and the zstd writer that gives generated DBN files real frames and checksums.
import { writeFileSync } from 'node:fs';
import { ErrorCode, MiaError } from '../../src/common/errors.js';
import { DISK, type FileAccess } from '../../src/data/file-access.js';
import { openTradeSource } from '../../src/data/open-trade-source.js';
import { Xxh64 } from '../../src/data/dbn/xxh64.js';
import type { ReadStats } from '../../src/model/trade-batch.js';
import type { PropertyTally } from './fuzz-tally.js';
import { MemoryFiles } from './memory-files.js';

/** Longest a single read may take before it counts as a hang (generous: a case takes milliseconds). */
export const CASE_TIME_BOUND_MS = 20_000;

const CODES = new Set<string>(Object.values(ErrorCode));

/** What reading one file gave: its trades (one string each) and stats, or the coded error. */
export type Outcome = { trades: string[]; stats: ReadStats } | { code: string; message: string };

/**
 * One case in this many is written to disk and read from there; the others are read from memory through the same
 * readers ({@link MemoryFiles}): writing and opening each file took most of a case's time.
 */
export const DISK_SHARE = 50;
const memory = new MemoryFiles();
const MEMORY_CHUNK_BYTES = 64 * 1024;
let caseNumber = 0;

/** Reads `path` to the end through the reader its content calls for; anything but a MiaError is rethrown. */
export async function readOutcome(path: string, skipBad: boolean, files: FileAccess = DISK): Promise<Outcome> {
  const read = async (): Promise<Outcome> => {
    // From memory, 64 KiB chunks rather than the default 1 MiB: a gzip or zstd file's decoded size is unknown, so
    // each read allocated (and the collector freed) 1 MiB for files of a few KiB. The disk share keeps the default.
    const chunkBytes = files === DISK ? undefined : MEMORY_CHUNK_BYTES;
    const source = await openTradeSource(path, { skipBad, batchSize: 97, files, chunkBytes });
    const trades: string[] = [];
    for await (const b of source.batches()) {
      for (let i = 0; i < b.length; i++) trades.push(`${b.tsNs(i)} ${b.price[i]} ${b.size[i]} ${b.side[i]}`);
    }
    return { trades, stats: structuredClone(source.stats) };
  };
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hang: no outcome within ${CASE_TIME_BOUND_MS} ms`)), CASE_TIME_BOUND_MS);
  });
  try {
    return await Promise.race([read(), hang]);
  } catch (e) {
    if (e instanceof MiaError && CODES.has(e.code)) return { code: e.code, message: e.message };
    throw e; // another exception type, an uncatalogued code or a hang: the property fails on this input
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The contract of every outcome (docs/hostile-input.md): a coded error whose message is one line, or trades
 * whose count plus documented non-trades plus counted skips is every row read.
 */
export function expectContract(o: Outcome, path: string): void {
  if ('code' in o) {
    if (o.message.includes('\n')) throw new Error(`${o.code}: a message of more than one line: ${o.message}`);
    if (!o.message.startsWith(path)) throw new Error(`${o.code}: the message does not start with the file as given: ${o.message}`);
    return;
  }
  const skipped = Object.values(o.stats.skipped).reduce((a, b) => a + (b ?? 0), 0);
  if (o.trades.length !== o.stats.trades || o.stats.trades + o.stats.ignored + skipped !== o.stats.read) {
    throw new Error(`rows unaccounted for: ${o.trades.length} trades yielded, stats ${JSON.stringify(o.stats)}`);
  }
}

/**
 * Reads `bytes` as the file `path`, held to the contract, and counts the outcome in `tally`: from disk (written
 * there first) for one case in {@link DISK_SHARE}, from memory for the rest.
 */
export async function caseOutcome(path: string, bytes: Uint8Array, skipBad: boolean, tally?: PropertyTally): Promise<Outcome> {
  const fromDisk = tally !== undefined && caseNumber++ % DISK_SHARE === 0;
  if (fromDisk) writeFileSync(path, bytes);
  else memory.set(path, bytes);
  const o = await readOutcome(path, skipBad, fromDisk ? DISK : memory);
  expectContract(o, path);
  tally?.count('code' in o ? o.code : 'read', fromDisk, 'code' in o ? undefined : o.stats.skipped);
  return o;
}

/**
 * `content` as one zstd frame of raw (stored) blocks of up to `blockBytes`, with a content checksum
 * (RFC 8878 §3.1.1): what a compressor writes for incompressible data, written without one.
 */
export function zstdFrame(content: Uint8Array, blockBytes = 4096): Buffer {
  const parts: Uint8Array[] = [Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 4, (17 - 10) << 3)];
  for (let b = 0; b === 0 || b < content.length; b += blockBytes) {
    const block = content.subarray(b, b + blockBytes);
    const h = (b + blockBytes >= content.length ? 1 : 0) | (block.length << 3);
    parts.push(Uint8Array.of(h & 0xff, (h >> 8) & 0xff, h >> 16), block);
  }
  const x = new Xxh64();
  x.update(content);
  const sum = Buffer.alloc(4);
  sum.writeUInt32LE(x.digestLow32());
  parts.push(sum);
  return Buffer.concat(parts);
}
