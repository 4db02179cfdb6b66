import { readFile } from 'node:fs/promises';
import { unreadable } from '../../common/errors.js';
import { openForReading, PlainFileSource, readAt, type ByteSource } from '../byte-source.js';
import type { FileAccess } from '../file-access.js';
import { DBN_MAX_METADATA_BYTES, parseMetadata, type DbnMetadata } from './metadata.js';
import { isZstd } from './zstd-frame-scanner.js';
import { ZstdStreamSource } from './zstd-stream-source.js';

/** Bytes of metadata decoded at a time: a corrupt length must not allocate more than the stream holds. */
const METADATA_PIECE_BYTES = 64 * 1024;

/**
 * Reads a DBN file into memory, decompressing zstd (by magic, not by name). Whole-file: for the bar reader
 * and record counts, which are not on the backtest's path; trades stream through {@link openDbnRecords}.
 */
export async function loadDbn(path: string): Promise<Uint8Array> {
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch {
    throw unreadable(path);
  }
  if (!isZstd(raw)) return raw;
  // Through the stream source, which checks the frames' declared sizes and content checksums.
  const z = new ZstdStreamSource(path, await PlainFileSource.open(path, 0, raw.length));
  try {
    const pieces: Uint8Array[] = [];
    for (;;) {
      const piece = new Uint8Array(4 << 20);
      const n = await z.read(piece, 0, piece.length);
      pieces.push(piece.subarray(0, n));
      if (n < piece.length) break;
    }
    return Buffer.concat(pieces);
  } finally {
    await z.close();
  }
}

/** What a reader learns about a DBN file before its records. */
export interface DbnHead {
  metadata: DbnMetadata;
  /** Bytes the file had when opened (compressed, for zstd): it must still hold them when read. */
  size: number;
  /** True for a zstd file (by magic), whose records are decoded as they are read. */
  zstd: boolean;
}

/** Options of {@link readDbnHead} and {@link openDbnRecords}. */
export interface DbnReadOptions {
  /** Compressed bytes read at a time from a zstd file (default `ZSTD_READ_BYTES` in zstd-stream-source.ts). */
  zstdReadBytes?: number;
  /** Where the file is read from (default: the disk; the fuzz suite reads from memory). */
  files?: FileAccess;
}

/**
 * Reads the metadata of a DBN file: only its first 8 + metadata-length bytes when plain, and only the
 * compressed bytes that decode to them when zstd.
 */
export async function readDbnHead(path: string, options: DbnReadOptions = {}): Promise<DbnHead> {
  const fh = await openForReading(path, options.files);
  let owner: { close(): Promise<void> } = fh; // closed however this ends
  try {
    let size: number;
    try {
      size = (await fh.stat()).size;
    } catch {
      throw unreadable(path);
    }
    const start = await readAt(fh, path, 0, Math.min(8, size));
    if (isZstd(start)) {
      const z = new ZstdStreamSource(path, new PlainFileSource(path, fh, 0, size), options.zstdReadBytes);
      owner = z;
      return { metadata: parseMetadata(await metadataBytes(z), path), size, zstd: true };
    }
    // Bad magic is reported from the first 8 bytes; a corrupt length reads no further than the file's end,
    // where parseMetadata reports the metadata as truncated.
    const metadataEnd = isDbn(start) ? Math.min(8 + Math.min(lengthOf(start), DBN_MAX_METADATA_BYTES + 1), size) : start.length;
    return { metadata: parseMetadata(await readAt(fh, path, 0, metadataEnd), path), size, zstd: false };
  } finally {
    await owner.close();
  }
}

/**
 * The records of a DBN file, from the end of its metadata: read in place from a plain file, decoded as read
 * from a zstd one (whose decoding starts over from the file's first byte). Close it when done.
 */
export async function openDbnRecords(path: string, head: DbnHead, options: DbnReadOptions = {}): Promise<ByteSource> {
  const file = await PlainFileSource.open(path, head.zstd ? 0 : head.metadata.recordsOffset, head.size, options.files);
  if (!head.zstd) return file;
  const z = new ZstdStreamSource(path, file, options.zstdReadBytes);
  try {
    await z.skip(head.metadata.recordsOffset);
  } catch (e) {
    await z.close();
    throw e;
  }
  return z;
}

const isDbn = (b: Uint8Array): boolean => b.length === 8 && b[0] === 0x44 && b[1] === 0x42 && b[2] === 0x4e;
const lengthOf = (b: Uint8Array): number => new DataView(b.buffer, b.byteOffset, 8).getUint32(4, true);

/** The decoded bytes of the magic and metadata (fewer when the stream ends first: parseMetadata says so). */
async function metadataBytes(z: ZstdStreamSource): Promise<Uint8Array> {
  const start = new Uint8Array(8);
  const got = await z.read(start, 0, 8);
  if (got < 8 || !isDbn(start)) return start.subarray(0, got);
  const pieces: Uint8Array[] = [start];
  let left = lengthOf(start);
  if (left > DBN_MAX_METADATA_BYTES) return start; // parseMetadata refuses the length
  while (left > 0) {
    const piece = new Uint8Array(Math.min(left, METADATA_PIECE_BYTES));
    const n = await z.read(piece, 0, piece.length);
    pieces.push(piece.subarray(0, n));
    if (n < piece.length) break;
    left -= n;
  }
  return Buffer.concat(pieces);
}
