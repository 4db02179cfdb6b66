import type { Readable } from 'node:stream';
import { createGunzip, type Gunzip } from 'node:zlib';
import { ErrorCode, isMiaError, MiaError, unreadable } from '../common/errors.js';
import { DISK, type FileAccess, type ReadHandle } from './file-access.js';

/**
 * The bytes of a file in order (plain, or decompressed), read into a buffer the caller owns: the CSV and DBN
 * readers each reuse one buffer, so a source never hands out buffers of its own.
 */
export interface ByteSource {
  /** Bytes the source delivers in all, when known before reading (a plain file); undefined for a decompressed stream. */
  readonly size: number | undefined;
  /** True when no byte follows those read; always true once a read returned fewer bytes than asked for. */
  readonly atEnd: boolean;
  /** Copies up to `want` bytes into `into` at `at`; fewer only where the bytes end. */
  read(into: Uint8Array, at: number, want: number): Promise<number>;
  /** Releases the file (idempotent). */
  close(): Promise<void>;
}

/** Opens `path` for reading, as INPUT_UNREADABLE on failure. */
export async function openForReading(path: string, files: FileAccess = DISK): Promise<ReadHandle> {
  try {
    return await files.open(path);
  } catch {
    throw unreadable(path);
  }
}

/** Reads `n` bytes at `position` into `into` at `at`; fewer only at the end of the file, as INPUT_UNREADABLE on failure. */
async function readInto(fh: ReadHandle, path: string, position: number, n: number, into: Uint8Array, at: number): Promise<number> {
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
  return got;
}

/** Reads up to `n` bytes at `position` into a new buffer (fewer only at the end of the file), as INPUT_UNREADABLE on failure. */
export async function readAt(fh: ReadHandle, path: string, position: number, n: number): Promise<Uint8Array> {
  const into = new Uint8Array(n);
  return into.subarray(0, await readInto(fh, path, position, n, into, 0));
}

/**
 * A plain file's bytes from `position` up to the `end` it had when first opened, read at explicit positions
 * (no stream, no buffer of its own). Ending before `end` is an error, not a shorter input.
 */
export class PlainFileSource implements ByteSource {
  readonly size: number;
  private fh: ReadHandle | undefined;
  private readonly path: string;
  /** File offset of the next read. */
  private position: number;
  /** Bytes the file had when opened: reading stops there, and a file now shorter is an error. */
  private readonly end: number;

  /** Reads `[position, end)` through `fh`, which the source now owns (closes). */
  constructor(path: string, fh: ReadHandle, position: number, end: number) {
    this.path = path;
    this.fh = fh;
    this.position = position;
    this.end = end;
    this.size = Math.max(0, end - position);
  }

  /** Opens `path` to read `[position, end)`; `end` defaults to the file's size now. Failures are INPUT_UNREADABLE. */
  static async open(path: string, position = 0, end?: number, files: FileAccess = DISK): Promise<PlainFileSource> {
    const fh = await openForReading(path, files);
    if (end === undefined) {
      try {
        end = (await fh.stat()).size;
      } catch {
        await fh.close();
        throw unreadable(path);
      }
    }
    return new PlainFileSource(path, fh, position, end);
  }

  get atEnd(): boolean {
    return this.position >= this.end;
  }

  async read(into: Uint8Array, at: number, want: number): Promise<number> {
    const n = Math.min(want, this.end - this.position);
    if (n <= 0) return 0;
    const got = await readInto(this.fh!, this.path, this.position, n, into, at);
    if (got < n) {
      // Stopping here would pass a shortened file off as complete, and a cut record or row as a short file.
      throw new MiaError(ErrorCode.INPUT_UNREADABLE,
        `${this.path}: the file ends at byte ${this.position + got}, before the ${this.end} bytes it had when opened (it shrank while being read)`,
        { file: this.path, byte: this.position + got, size: this.end });
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

/** A gzip file: zlib's output chunks are copied into the caller's buffer, the rest of a chunk kept for later. */
export class GunzipSource implements ByteSource {
  readonly size = undefined;
  private readonly raw: Readable;
  private readonly gunzip: Gunzip;
  private readonly chunks: AsyncIterator<Buffer>;
  private pending: Buffer | undefined;
  private pendingAt = 0;
  private ended = false;
  private readonly path: string;

  constructor(path: string, files: FileAccess = DISK) {
    this.path = path;
    this.raw = files.stream(path);
    this.gunzip = this.raw.pipe(createGunzip());
    // pipe() does not forward a read error: without this the iteration would wait forever.
    this.raw.on('error', (e) => this.gunzip.destroy(unreadable(path, `cannot read the file (${e.message})`)));
    this.chunks = this.gunzip[Symbol.asyncIterator]();
  }

  get atEnd(): boolean {
    return this.ended;
  }

  async read(into: Uint8Array, at: number, want: number): Promise<number> {
    let got = 0;
    while (got < want) {
      if (!this.pending) {
        if (this.ended) break;
        let next: IteratorResult<Buffer>;
        try {
          next = await this.chunks.next();
        } catch (e) {
          this.ended = true;
          if (isMiaError(e)) throw e;
          // zlib's own error (a cut stream, a bad header or CRC) carries a stack and no code: one coded line instead.
          throw unreadable(this.path, `gzip data is corrupt or truncated (${e instanceof Error ? e.message : String(e)})`);
        }
        if (next.done) {
          this.ended = true;
          break;
        }
        this.pending = next.value;
        this.pendingAt = 0;
      }
      const n = Math.min(want - got, this.pending.length - this.pendingAt);
      into.set(this.pending.subarray(this.pendingAt, this.pendingAt + n), at + got);
      got += n;
      this.pendingAt += n;
      if (this.pendingAt === this.pending.length) this.pending = undefined;
    }
    return got;
  }

  async close(): Promise<void> {
    this.pending = undefined;
    this.gunzip.destroy();
    this.raw.destroy();
  }
}

/** Opens a file for byte reads: gunzipped when the name ends in .gz (as the CSV reader always has). */
export async function openByteSource(path: string, files: FileAccess = DISK): Promise<ByteSource> {
  if (path.endsWith('.gz')) return new GunzipSource(path, files);
  return PlainFileSource.open(path, 0, undefined, files);
}
