import { open, readFile, type FileHandle } from 'node:fs/promises';
import { decompress } from 'fzstd';
import { ErrorCode, MiaError } from '../../common/errors.js';
import { parseMetadata, type DbnMetadata } from './metadata.js';

const ZSTD_MAGIC = 0xfd2fb528;

const unreadable = (path: string, reason = 'cannot read the file'): MiaError =>
  new MiaError(ErrorCode.INPUT_UNREADABLE, `${path}: ${reason}`, { file: path });

function isZstd(b: Uint8Array): boolean {
  return b.length >= 4 && (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0 === ZSTD_MAGIC;
}

function decompressDbn(raw: Uint8Array, path: string): Uint8Array {
  try {
    return decompress(raw);
  } catch (e) {
    throw new MiaError(ErrorCode.BAD_RECORD, `${path}: zstd data is corrupt (${e instanceof Error ? e.message : String(e)})`, { file: path });
  }
}

/**
 * Reads a DBN file into memory, decompressing zstd (by magic, not by name). Whole-file: for the bar reader
 * and record counts, which are not on the backtest's path; trades stream through {@link readDbnHead}.
 */
export async function loadDbn(path: string): Promise<Uint8Array> {
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch {
    throw unreadable(path);
  }
  return isZstd(raw) ? decompressDbn(raw, path) : raw;
}

/** Reads up to `n` bytes at `position` (fewer only at the end of the file), as INPUT_UNREADABLE on failure. */
export async function readAt(fh: FileHandle, path: string, position: number, n: number, into: Uint8Array = new Uint8Array(n), at = 0): Promise<Uint8Array> {
  let got = 0;
  try {
    while (got < n) {
      const { bytesRead } = await fh.read(into, at + got, n - got, position + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
  } catch (e) {
    throw unreadable(path, `cannot read the file at byte ${position + got} (${e instanceof Error ? e.message : String(e)})`);
  }
  return into.subarray(at, at + got);
}

/** What a reader learns about a DBN file before its records. */
export interface DbnHead {
  metadata: DbnMetadata;
  /** Bytes the file (decompressed, for zstd) had when opened: a plain file must still hold them when read. */
  size: number;
  /** The whole decompressed file for zstd input; undefined for plain files, whose records are read in chunks. */
  whole: Uint8Array | undefined;
}

/**
 * Reads the metadata of a DBN file: only its first 8 + metadata-length bytes when plain. A zstd file is still
 * decompressed whole, as before: fzstd's one-shot `decompress` needs the whole input, and the compressed
 * session files read here are a few MB; streaming them (fzstd's `Decompress`) waits for a file that needs it.
 */
export async function readDbnHead(path: string): Promise<DbnHead> {
  let fh: FileHandle;
  let size: number;
  try {
    fh = await open(path, 'r');
  } catch {
    throw unreadable(path);
  }
  try {
    try {
      size = (await fh.stat()).size;
    } catch {
      throw unreadable(path);
    }
    const start = await readAt(fh, path, 0, Math.min(8, size));
    if (isZstd(start)) {
      const whole = decompressDbn(await readAt(fh, path, 0, size), path);
      return { metadata: parseMetadata(whole, path), size: whole.length, whole };
    }
    // Bad magic is reported from the first 8 bytes; a corrupt length reads no further than the file's end,
    // where parseMetadata reports the metadata as truncated.
    const dbn = start.length === 8 && start[0] === 0x44 && start[1] === 0x42 && start[2] === 0x4e;
    const metadataEnd = dbn ? Math.min(8 + new DataView(start.buffer, start.byteOffset).getUint32(4, true), size) : start.length;
    return { metadata: parseMetadata(await readAt(fh, path, 0, metadataEnd), path), size, whole: undefined };
  } finally {
    await fh.close();
  }
}
