import { createReadStream, type ReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createGunzip, type Gunzip } from 'node:zlib';

/** Bytes of a file in order, read into a buffer the caller owns. */
export interface ByteSource {
  /** Bytes of the file the source delivers (decompressed for gzip), or undefined when not known up front. */
  readonly size: number | undefined;
  /** Reads up to `want` bytes into `into` at `at`; fewer only at the end of the file. */
  read(into: Uint8Array, at: number, want: number): Promise<number>;
  /** Releases the file (idempotent). */
  close(): Promise<void>;
}

/** A plain file read with positional reads: no stream, no intermediate buffers. */
class PlainFileSource implements ByteSource {
  readonly size: number;
  private fh: FileHandle | undefined;
  private position = 0;

  constructor(fh: FileHandle, size: number) {
    this.fh = fh;
    this.size = size;
  }

  async read(into: Uint8Array, at: number, want: number): Promise<number> {
    let got = 0;
    while (got < want) {
      const { bytesRead } = await this.fh!.read(into, at + got, want - got, this.position);
      if (bytesRead === 0) break;
      got += bytesRead;
      this.position += bytesRead;
    }
    return got;
  }

  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    await fh?.close();
  }
}

/** A gzip file: zlib's output chunks are copied into the caller's buffer, the rest of a chunk kept for later. */
class GunzipSource implements ByteSource {
  readonly size = undefined;
  private readonly raw: ReadStream;
  private readonly gunzip: Gunzip;
  private readonly chunks: AsyncIterator<Buffer>;
  private pending: Buffer | undefined;
  private pendingAt = 0;

  constructor(path: string) {
    this.raw = createReadStream(path, { highWaterMark: 1 << 20 });
    this.gunzip = this.raw.pipe(createGunzip());
    // pipe() does not forward a read error: without this the iteration would wait forever.
    this.raw.on('error', (e) => this.gunzip.destroy(e));
    this.chunks = this.gunzip[Symbol.asyncIterator]();
  }

  async read(into: Uint8Array, at: number, want: number): Promise<number> {
    let got = 0;
    while (got < want) {
      if (!this.pending) {
        const next = await this.chunks.next();
        if (next.done) break;
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
export async function openByteSource(path: string): Promise<ByteSource> {
  if (path.endsWith('.gz')) return new GunzipSource(path);
  const fh = await open(path, 'r');
  try {
    return new PlainFileSource(fh, (await fh.stat()).size);
  } catch (e) {
    await fh.close();
    throw e;
  }
}
