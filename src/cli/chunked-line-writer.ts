import { once } from 'node:events';

/** Bytes gathered before one write: a hundred bars of `mia features` per write(2). */
const CHUNK_BYTES = 64 * 1024;
/** Room past the chunk mark, so a line begun under the mark is finished in the same chunk most of the time. */
const SLACK_BYTES = 8 * 1024;

/**
 * Lines written to a stream in chunks of bytes: `mia features` wrote each bar on its own (26,111 write(2) calls
 * for 25,982 bars of the ESH4 hour, issue 15), then joined strings that the stream encoded again. Encoders write
 * their bytes straight into the chunk (`reserve`, then `buf` at `pos`); backpressure is honoured between
 * batches (`drained`), not per line, so memory holds at most one batch's lines whatever reads the output.
 */
export class ChunkedLineWriter {
  /** The chunk being gathered: after `reserve(n)`, an encoder may write n bytes from `pos` and move `pos` on. */
  buf: Buffer = Buffer.allocUnsafe(CHUNK_BYTES + SLACK_BYTES);
  /** `buf` seen as a DataView, for encoders that write several bytes a store. */
  view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  /** Bytes of `buf` gathered so far. */
  pos = 0;
  private readonly out: NodeJS.WritableStream;
  /** The stream asked us to wait (write returned false) since the last `drained`. */
  private blocked = false;

  constructor(out: NodeJS.WritableStream) {
    this.out = out;
  }

  /**
   * Makes room for `n` more bytes (n ≤ 8 KiB) at `pos`, writing out what is gathered if the chunk is short of
   * them. A line longer than that (a bar with many footprint rows) reserves piece by piece and may span
   * chunks: the stream gets the same bytes, and nothing awaits between the pieces.
   */
  reserve(n: number): void {
    if (this.pos + n > this.buf.length) this.flush();
  }

  /** Ends the line an encoder wrote (its newline), writing the chunk out once it is past the mark. */
  endLine(): void {
    this.buf[this.pos++] = 10;
    if (this.pos >= CHUNK_BYTES) this.flush();
  }

  /** Adds one line of text (without its newline), UTF-8 encoded. */
  line(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit (a surrogate pair: 4 for 2).
    const most = text.length * 3 + 1;
    if (most > SLACK_BYTES) {
      this.flush();
      if (most > this.buf.length) {
        if (!this.out.write(`${text}\n`)) this.blocked = true;
        return;
      }
    } else this.reserve(most);
    this.pos += this.buf.write(text, this.pos);
    this.endLine();
  }

  /** Writes the gathered bytes as one chunk; the next chunk is a new buffer, as the stream may keep this one. */
  flush(): void {
    if (this.pos === 0) return;
    const chunk = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(CHUNK_BYTES + SLACK_BYTES);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
    this.pos = 0;
    if (!this.out.write(chunk)) this.blocked = true;
  }

  /** Resolves once the stream has taken what it was given (at once unless it pushed back); rejects on its error. */
  async drained(): Promise<void> {
    if (!this.blocked) return;
    this.blocked = false;
    await once(this.out, 'drain');
  }

  /** Writes what is left and waits for the stream to take it. */
  async end(): Promise<void> {
    this.flush();
    await this.drained();
  }
}
