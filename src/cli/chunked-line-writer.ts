import { once } from 'node:events';

/** Characters gathered before one write: a few dozen bars of `mia features` per write(2). */
const CHUNK_CHARS = 64 * 1024;

/**
 * Lines written to a stream in chunks: `mia features` wrote each bar on its own (26,111 write(2) calls for
 * 25,982 bars of the ESH4 hour, issue 15). Backpressure is honoured between batches (`drained`), not per line,
 * so memory holds at most one batch's lines whatever reads the output.
 */
export class ChunkedLineWriter {
  private readonly out: NodeJS.WritableStream;
  private readonly parts: string[] = [];
  private chars = 0;
  /** The stream asked us to wait (write returned false) since the last `drained`. */
  private blocked = false;

  constructor(out: NodeJS.WritableStream) {
    this.out = out;
  }

  /** Adds one line (without its newline). */
  line(text: string): void {
    this.parts.push(text);
    this.chars += text.length + 1;
    if (this.chars >= CHUNK_CHARS) this.flush();
  }

  /** Writes the gathered lines as one chunk. */
  flush(): void {
    if (this.parts.length === 0) return;
    this.parts.push('');
    if (!this.out.write(this.parts.join('\n'))) this.blocked = true;
    this.parts.length = 0;
    this.chars = 0;
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
