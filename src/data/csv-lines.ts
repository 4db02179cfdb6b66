import { openByteSource, type ByteSource } from './byte-source.js';
import { DISK, type FileAccess } from './file-access.js';

/**
 * Bytes read per chunk by default. Touching a fresh 4 KiB page costs ~12 µs on the VM this was measured on,
 * so the buffer is allocated once per reader and reused by its passes; 1 MiB keeps that near 3 ms while
 * the read calls stay few (31 for a million ES trade rows).
 */
export const DEFAULT_CHUNK_BYTES = 1 << 20;

/** What one pass over a CSV file's data rows does with each row ({@link CsvLines} holds them). */
export interface RowVisitor {
  /**
   * Reads the row at `lines.at` in place (1-based line `row`): returns where the next row starts, INCOMPLETE
   * when the row goes on in the next chunk, or TEXT_ROW to hand it to {@link text} (nothing counted yet).
   */
  bytes(lines: CsvLines, row: number): number;
  /**
   * Reads rows in bulk from `lines.at`, each as {@link bytes} would (after line `row`): returns how many and
   * moves `lines.at` past them; 0 when the next row is for {@link bytes}.
   */
  run(lines: CsvLines, row: number): number;
  /** Reads a row the byte path handed on, from its text (never an empty line). */
  text(line: string, row: number): void;
  /** True when the pass must hand control back after this row: a full batch, or nothing left to find. */
  readonly pause: boolean;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * The bytes of a CSV file seen through one reused buffer: `buf[at, end)` holds the lines not yet read,
 * the last possibly cut by the chunk. `more()` moves a cut line to the start of the buffer and reads the
 * next chunk after it (growing the buffer when a single line outgrows it), so every line is read whole.
 *
 * Rows are parsed in place by the reader's byte path, which moves `at` past each row it reads. `next()`
 * splits off a line for everything else (the header, rows the byte path leaves to the text path) with the
 * line rules of the text reader this replaced: lines end in \n or \r\n, and the last may lack one.
 */
export class CsvLines {
  /** The buffer (it changes only when a line outgrows it). */
  buf: Buffer;
  /** First byte not yet read. */
  at = 0;
  /** End of the bytes read. */
  end = 0;
  /** True when the file holds nothing after `end`. */
  atEnd = false;
  /** First byte of the line `next()` found. */
  start = 0;
  /** End of the line `next()` found, before its \r\n or \n. */
  stop = 0;
  private readonly source: ByteSource;
  private readonly chunkBytes: number;
  /** The buffer the next chunk is read ahead into, and that read. */
  private ahead: Buffer | undefined;
  private pending: Promise<{ got: number; atEnd: boolean }> | undefined;

  private constructor(source: ByteSource, buf: Buffer, chunkBytes: number) {
    this.source = source;
    this.buf = buf;
    this.chunkBytes = chunkBytes;
  }

  /**
   * Opens `path` to read through `buf` (or a new buffer sized for `chunkBytes`, no bigger than a plain
   * file needs). The buffer is empty until the first `more()`.
   */
  static async open(path: string, chunkBytes: number, buf?: Buffer, files: FileAccess = DISK): Promise<CsvLines> {
    const source = await openByteSource(path, files);
    const chunk = source.size === undefined ? chunkBytes : Math.max(1, Math.min(chunkBytes, source.size));
    // Room for a line carried over after a full chunk; a longer line grows the buffer once.
    return new CsvLines(source, buf ?? Buffer.allocUnsafeSlow(chunk + Math.min(chunk, 65536)), chunk);
  }

  /** Splits off the next whole line into `start` / `stop`; false when `more()` must read on first. */
  next(): boolean {
    const at = this.at;
    const nl = this.buf.indexOf(LF, at);
    // A line end past `end` would be stale bytes of an earlier chunk.
    const i = nl < 0 || nl >= this.end ? this.end : nl;
    // No line end in the bytes read: the line goes on in the next chunk, unless it is the file's last.
    if (i === this.end && !(this.atEnd && at < i)) return false;
    this.at = i < this.end ? i + 1 : i;
    this.start = at;
    this.stop = i > at && this.buf[i - 1] === CR ? i - 1 : i;
    return true;
  }

  /**
   * Reads the next chunk after the bytes not yet read; false at the end of the file. The chunk was read ahead
   * (while the caller parsed the one before) when it could be: then it is copied in, and the next one is asked for.
   */
  async more(): Promise<boolean> {
    if (this.atEnd) return false;
    const carry = this.end - this.at;
    if (carry + this.chunkBytes > this.buf.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(carry + this.chunkBytes, 2 * this.buf.length));
      this.buf.copy(grown, 0, this.at, this.end);
      this.buf = grown;
    } else if (carry > 0 && this.at > 0) this.buf.copyWithin(0, this.at, this.end);
    let got: number;
    let atEnd: boolean;
    const pending = this.pending;
    if (pending) {
      this.pending = undefined;
      ({ got, atEnd } = await pending);
      this.ahead!.copy(this.buf, carry, 0, got);
    } else {
      got = await this.source.read(this.buf, carry, this.chunkBytes);
      atEnd = this.source.atEnd;
    }
    this.at = 0;
    this.end = carry + got;
    this.atEnd = atEnd;
    if (!atEnd) this.readAhead();
    return true;
  }

  /**
   * Starts reading the next chunk into the second buffer: the read (a thread of the pool, or zlib) runs while
   * the caller parses this chunk, instead of the parser idling at every chunk. Its error, if any, is thrown by
   * the next `more()`, where the read would have been.
   */
  private readAhead(): void {
    this.ahead ??= Buffer.allocUnsafeSlow(this.chunkBytes);
    const source = this.source;
    const read = source.read(this.ahead, 0, this.chunkBytes).then((got) => ({ got, atEnd: source.atEnd }));
    read.catch(() => undefined); // not unhandled meanwhile
    this.pending = read;
  }

  /** The line `next()` found, as text (UTF-8). */
  text(): string {
    return this.buf.toString('utf8', this.start, this.stop);
  }

  /** Closes the file (idempotent), once a read ahead is done; `buf` may then be reused. */
  async close(): Promise<void> {
    const pending = this.pending;
    this.pending = undefined;
    if (pending) await pending.catch(() => undefined); // the caller stopped before it: its error does not matter
    await this.source.close();
  }
}
