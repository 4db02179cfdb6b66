import { readFile } from 'node:fs/promises';
import { decompress } from 'fzstd';
import { ErrorCode, MiaError } from '../../common/errors.js';

const ZSTD_MAGIC = 0xfd2fb528;

/**
 * Reads a DBN file into memory, decompressing zstd (by magic, not by name). Whole-file: DBN session files
 * are tens to hundreds of MB, well inside this machine's memory, and records are then read in place.
 */
export async function loadDbn(path: string): Promise<Uint8Array> {
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch {
    throw new MiaError(ErrorCode.INPUT_UNREADABLE, `${path}: cannot read the file`, { file: path });
  }
  if (raw.length >= 4 && raw.readUInt32LE(0) === ZSTD_MAGIC) {
    try {
      return decompress(raw);
    } catch (e) {
      throw new MiaError(ErrorCode.BAD_RECORD, `${path}: zstd data is corrupt (${e instanceof Error ? e.message : String(e)})`, { file: path });
    }
  }
  return raw;
}
