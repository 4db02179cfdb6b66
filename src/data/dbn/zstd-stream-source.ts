import { Decompress } from 'fzstd';
import { corruptZstd } from '../../common/errors.js';
import type { ByteSource, PlainFileSource } from '../byte-source.js';
import { Xxh64 } from './xxh64.js';
import { Piece, ZSTD_MAX_BLOCK_BYTES, ZSTD_MAX_PIECE_BYTES, ZstdFrameScanner } from './zstd-frame-scanner.js';

/**
 * Compressed bytes read at a time by default: one read per 1–2 MB decoded (MBO records compress 4–8×), and a
 * buffer small enough that touching it fresh costs well under a millisecond.
 */
export const ZSTD_READ_BYTES = 256 * 1024;

/**
 * fzstd's streaming decoder holds back a frame start shorter than this (it waits for a full frame header),
 * keeping a view of it: such pieces are copied so that the read buffer can be reused.
 */
const FZSTD_HELD_BYTES = 18;

/**
 * Most decoded bytes waiting at once: the block a piece ends, plus at most two blocks of a short frame start
 * that fzstd held back (a frame header is at least 6 bytes and a non-empty block at least 4, so fewer than
 * 18 bytes end at most two).
 */
export const ZSTD_MAX_QUEUED_BYTES = 3 * ZSTD_MAX_BLOCK_BYTES;

/**
 * The decompressed bytes of a zstd file, decoded as they are read: compressed bytes come through one reused
 * buffer, are fed to fzstd one block at a time ({@link ZstdFrameScanner}), and each decoded block waits in
 * a short queue until `read` copies it out. Memory: the read buffer, at most {@link ZSTD_MAX_QUEUED_BYTES}
 * of decoded blocks, and fzstd's history window (the frame's Window_Size: 2 MiB in the ESH4 day file; a
 * single-segment frame's window is its whole content). fzstd allocates each decoded block anew; they are
 * garbage once copied out.
 *
 * Integrity: fzstd does not verify content checksums, so the source does: each decoded block of a frame that
 * declares one is hashed (XXH64) as it arrives, and the frame's stored checksum is compared when it is read
 * (BAD_RECORD on a mismatch: one flipped byte used to turn a 113-lot bar into 114). A frame's window is checked
 * against ZSTD_MAX_WINDOW_BYTES before fzstd allocates it.
 */
export class ZstdStreamSource implements ByteSource {
  readonly size = undefined;
  private readonly path: string;
  private readonly file: PlainFileSource;
  /** Compressed bytes read and not yet fed: `raw[rawAt, rawEnd)`. */
  private readonly raw: Uint8Array;
  private rawAt = 0;
  private rawEnd = 0;
  private readonly readBytes: number;
  private readonly scanner: ZstdFrameScanner;
  private readonly decoder: Decompress;
  /** Decoded blocks not yet read: `queue[head]` from `headAt` on, then the rest. */
  private readonly queue: Uint8Array[] = [];
  private head = 0;
  private headAt = 0;
  private queued = 0;
  /** True once the decoder has had its last input. */
  private ended = false;
  /** XXH64 of the current frame's decoded bytes, checked against the frame's content checksum when it has one. */
  private readonly hash = new Xxh64();
  /** The content checksum bytes read so far (a checksum piece may be cut by a read). */
  private readonly stored = new Uint8Array(4);
  private storedLength = 0;
  /** Most decoded bytes that waited at once (tests check it against {@link ZSTD_MAX_QUEUED_BYTES}). */
  peakQueuedBytes = 0;

  /** Decodes `file` (its compressed bytes, which the source now owns), reading `readBytes` at a time. */
  constructor(path: string, file: PlainFileSource, readBytes = ZSTD_READ_BYTES) {
    this.path = path;
    this.file = file;
    this.readBytes = readBytes;
    this.scanner = new ZstdFrameScanner(path);
    // The longest piece must fit, whatever the read size.
    this.raw = new Uint8Array(Math.max(readBytes, ZSTD_MAX_PIECE_BYTES));
    this.decoder = new Decompress((block) => {
      if (block.length === 0) return;
      if (this.scanner.hasChecksum) this.hash.update(block);
      this.queue.push(block);
      this.queued += block.length;
      if (this.queued > this.peakQueuedBytes) this.peakQueuedBytes = this.queued;
    });
  }

  get atEnd(): boolean {
    return this.ended && this.queued === 0;
  }

  read(into: Uint8Array, at: number, want: number): Promise<number> {
    return this.take(into, at, want);
  }

  /** Passes over `n` decoded bytes (the metadata, before the records); fewer only where the bytes end. */
  skip(n: number): Promise<number> {
    return this.take(undefined, 0, n);
  }

  async close(): Promise<void> {
    this.queue.length = 0;
    this.queued = 0;
    await this.file.close();
  }

  private async take(into: Uint8Array | undefined, at: number, want: number): Promise<number> {
    let got = 0;
    while (got < want) {
      if (this.queued === 0) {
        if (this.ended) break;
        if (!this.feedPiece()) await this.readMore();
        continue;
      }
      const block = this.queue[this.head]!;
      const n = Math.min(want - got, block.length - this.headAt);
      into?.set(block.subarray(this.headAt, this.headAt + n), at + got);
      got += n;
      this.headAt += n;
      this.queued -= n;
      if (this.headAt === block.length) {
        this.head++;
        this.headAt = 0;
        if (this.head === this.queue.length) {
          this.queue.length = 0;
          this.head = 0;
        }
      }
    }
    return got;
  }

  /** Feeds the decoder the next whole piece in the read buffer; false when the buffer holds none. */
  private feedPiece(): boolean {
    const raw = this.raw;
    const end = this.scanner.next(raw, this.rawAt, this.rawEnd);
    if (end < 0) return false;
    const piece = raw.subarray(this.rawAt, end);
    this.rawAt = end;
    const kind = this.scanner.piece;
    if (kind === Piece.FrameStart) {
      this.hash.reset();
      this.storedLength = 0;
    }
    if (kind === Piece.Checksum) {
      this.stored.set(piece, this.storedLength);
      this.storedLength += piece.length;
    }
    const checksumDone = kind === Piece.Checksum && this.storedLength === 4;
    // Ending a frame as `final` makes fzstd decode what it held back of it now: the next frame's hash must not get it.
    this.push(piece.length < FZSTD_HELD_BYTES ? piece.slice() : piece, checksumDone || (this.scanner.frameEnded && !this.scanner.hasChecksum));
    if (checksumDone) this.verifyChecksum();
    return true;
  }

  /** Compares the frame's content checksum with the low 32 bits of the XXH64 of what it decoded to. */
  private verifyChecksum(): void {
    const s = this.stored;
    const want = (s[0]! | (s[1]! << 8) | (s[2]! << 16) | (s[3]! << 24)) >>> 0;
    const got = this.hash.digestLow32();
    if (got !== want) {
      this.ended = true;
      throw corruptZstd(this.path, `content checksum mismatch (frame says ${hex(want)}, the decoded data hash to ${hex(got)})`);
    }
  }

  /** Reads the next compressed bytes after those not yet fed; at the end of the file, ends the stream. */
  private async readMore(): Promise<void> {
    if (this.file.atEnd) {
      // A piece cut short, or a frame missing its blocks or checksum: fzstd reports the stream as truncated.
      const rest = this.raw.slice(this.rawAt, this.rawEnd);
      this.rawAt = this.rawEnd;
      this.ended = true;
      this.push(rest, true);
      if (rest.length > 0 || !this.scanner.atFrameStart) throw corruptZstd(this.path, 'unexpected EOF');
      return;
    }
    // Moving the unfed bytes (less than a piece) only when the next read would not fit after them keeps
    // reads of a few bytes from moving a block's worth each time.
    if (this.rawEnd + this.readBytes > this.raw.length && this.rawAt > 0) {
      this.raw.copyWithin(0, this.rawAt, this.rawEnd);
      this.rawEnd -= this.rawAt;
      this.rawAt = 0;
    }
    const want = Math.min(this.readBytes, this.raw.length - this.rawEnd);
    // Unreachable while every piece fits the buffer (the scanner caps blocks); a guard against a silent hang.
    if (want <= 0) throw corruptZstd(this.path, `a piece is larger than the ${this.raw.length}-byte read buffer`);
    this.rawEnd += await this.file.read(this.raw, this.rawEnd, want);
  }

  private push(piece: Uint8Array, final: boolean): void {
    try {
      this.decoder.push(piece, final);
    } catch (e) {
      this.ended = true;
      throw corruptZstd(this.path, e);
    }
  }
}

const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;
