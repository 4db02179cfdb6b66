import type { ByteSource } from '../byte-source.js';

/** Longest DBN record: its first byte counts 4-byte words. */
const MAX_RECORD_BYTES = 255 * 4;

/**
 * Bytes read per chunk by default: 54 reads for a million MBO records (the calls cost nothing), and a buffer
 * small enough that touching it fresh per reader (~12 µs a page on this VM) stays near 3 ms.
 */
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;

/** Bytes of a chunk buffer: `chunkBytes` of new data after at most one incomplete record carried over. */
export function chunkBufferBytes(chunkBytes: number): number {
  return chunkBytes + MAX_RECORD_BYTES;
}


/**
 * The records of a DBN file seen through a window: `buf[start, end)` holds whole records, then possibly
 * the head of a record that the next chunk completes. `advance(at)` moves the bytes from `at` to the start
 * of the buffer and reads the next chunk after them, so a record split across two chunks is read whole;
 * `atEnd` says no chunk follows, so bytes left over are a truncated record. The bytes come from a
 * {@link ByteSource}: the plain file itself, or a zstd file decoded as it is read.
 *
 * One buffer, reused: where it was measured (a 2-core VM, Node 20), touching a fresh 4 KiB page costs
 * about 3 µs, so reading a 56 MB file into a new buffer costs ~200 ms while its million records parse in
 * ~40 ms; reading it in chunks into a buffer already touched costs under 10 ms.
 */
export class DbnRecordWindow {
  /** Bytes of the window. */
  readonly buf: Uint8Array;
  /** A view of `buf`, for the records' little-endian fields. */
  readonly view: DataView;
  /** First record of the window. */
  start = 0;
  /** End of the bytes read. */
  end = 0;
  /** True when no byte follows `end`. */
  atEnd: boolean;
  private readonly source: ByteSource;

  /**
   * Reads the records of `source` (positioned at the first record) through `buf` ({@link chunkBufferBytes} long).
   * The window is empty until the first `advance(0)`; `close()` closes the source.
   */
  constructor(source: ByteSource, buf: Uint8Array) {
    this.source = source;
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.atEnd = source.atEnd;
  }

  /** Keeps `buf[at, end)` (less than one record) and reads the next chunk after it. */
  async advance(at: number): Promise<void> {
    const carry = this.end - at;
    if (carry > 0 && at > 0) this.buf.copyWithin(0, at, this.end);
    const got = await this.source.read(this.buf, carry, this.buf.length - MAX_RECORD_BYTES);
    this.start = 0;
    this.end = carry + got;
    this.atEnd = this.source.atEnd;
  }

  /** Closes the source (idempotent); the buffer may then be reused. */
  close(): Promise<void> {
    return this.source.close();
  }
}
