import { open, type FileHandle } from 'node:fs/promises';
import { ErrorCode, MiaError } from '../../common/errors.js';

/** The bytes of a DBN file in order (plain, or decompressed zstd), read into a buffer the caller owns. */
export interface DbnByteSource {
  /** Copies up to `want` bytes into `into` at `at`; fewer only where the bytes end. */
  read(into: Uint8Array, at: number, want: number): Promise<number>;
  /** True when no byte follows those read. */
  readonly done: boolean;
  /** Releases the file (idempotent). */
  close(): Promise<void>;
}

/** INPUT_UNREADABLE for `path`. */
export const unreadable = (path: string, reason = 'cannot read the file'): MiaError =>
  new MiaError(ErrorCode.INPUT_UNREADABLE, `${path}: ${reason}`, { file: path });

/** Opens `path` for reading, as INPUT_UNREADABLE on failure. */
export async function openForReading(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch {
    throw unreadable(path);
  }
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

/**
 * A file's bytes from `position` up to the `size` it had when first opened, read at explicit positions (no
 * stream, no buffer of its own). Ending before `size` is an error, not a shorter input.
 */
export class FileRangeSource implements DbnByteSource {
  private fh: FileHandle | undefined;
  private readonly path: string;
  /** File offset of the next read. */
  private position: number;
  /** Bytes the file had when opened: reading stops there, and a file now shorter is an error. */
  private readonly size: number;

  /** Reads through `fh`, which the source now owns (closes). */
  constructor(path: string, fh: FileHandle, position: number, size: number) {
    this.path = path;
    this.fh = fh;
    this.position = position;
    this.size = size;
  }

  /** Opens `path` to read `[position, size)`. */
  static async open(path: string, position: number, size: number): Promise<FileRangeSource> {
    return new FileRangeSource(path, await openForReading(path), position, size);
  }

  get done(): boolean {
    return this.position >= this.size;
  }

  async read(into: Uint8Array, at: number, want: number): Promise<number> {
    const n = Math.min(want, this.size - this.position);
    if (n <= 0) return 0;
    const got = (await readAt(this.fh!, this.path, this.position, n, into, at)).length;
    if (got < n) {
      // Stopping here would pass a shortened file off as complete, and a cut record as a short file.
      throw new MiaError(ErrorCode.INPUT_UNREADABLE,
        `${this.path}: the file ends at byte ${this.position + got}, before the ${this.size} bytes it had when opened (it shrank while being read)`,
        { file: this.path, byte: this.position + got, size: this.size });
    }
    this.position += got;
    return got;
  }

  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    await fh?.close();
  }
}
