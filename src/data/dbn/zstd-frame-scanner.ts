import { corruptZstd } from '../../common/errors.js';

/** Zstd frame magic number 0xFD2FB528 (RFC 8878 §3.1.1), stored little-endian as 28 B5 2F FD. */
const ZSTD_MAGIC = 0xfd2fb528;

/** True when `b` starts with the zstd frame magic number. */
export function isZstd(b: Uint8Array): boolean {
  return b.length >= 4 && u32(b, 0) === ZSTD_MAGIC;
}

/** Largest zstd block, decompressed or not (RFC 8878 §3.1.1.2.4, Block_Maximum_Size). */
export const ZSTD_MAX_BLOCK_BYTES = 128 * 1024;

/** Longest frame header (magic 4, descriptor 1, window 1, dictionary id 4, content size 8; RFC 8878 §3.1.1.1). */
const MAX_FRAME_HEADER_BYTES = 18;

/** Longest piece: a frame header with its first block. */
export const ZSTD_MAX_PIECE_BYTES = MAX_FRAME_HEADER_BYTES + 3 + ZSTD_MAX_BLOCK_BYTES;

/** What a piece is. */
export const Piece = {
  /** A frame header with the frame's first block. */
  FrameStart: 0,
  /** A further block. */
  Block: 1,
  /** (Part of) a frame's 4-byte content checksum. */
  Checksum: 2,
  /** (Part of) a skippable frame. */
  Skippable: 3,
} as const;

/**
 * Largest window a frame may declare: zstd's own decoder refuses more by default (ZSTD_WINDOWLOG_LIMIT_DEFAULT
 * 27), and fzstd would allocate the declared window (up to 2 GiB) before decoding a byte.
 */
export const ZSTD_MAX_WINDOW_BYTES = 1 << 27;

/** What the scanner expects next. */
const Expect = {
  /** A frame: zstd or skippable. */
  Frame: 0,
  /** A block header of the current frame. */
  Block: 1,
  /** Bytes passed on without looking at them: a content checksum, or a skippable frame's content. */
  Skip: 2,
} as const;

/**
 * Cuts a zstd stream (RFC 8878) into the pieces a decoder is fed one at a time, each ending after at most
 * one block: a frame header with the frame's first block, one more block, a content checksum, or (part
 * of) a skippable frame. Only headers are read; block contents are the decoder's business.
 *
 * Why: fzstd's `Decompress.push` decodes every block its input completes, so feeding it whole read chunks
 * would queue as many decoded blocks as a chunk holds (an RLE block of 4 bytes decodes to 128 KiB), and it
 * keeps views of input it has not used, so the caller could not reuse its read buffer. Fed these pieces,
 * it uses each whole and decodes the one block the piece ends, except at a frame start shorter than 18
 * bytes, which it holds back (see `ZstdStreamSource`).
 */
export class ZstdFrameScanner {
  /** What the last piece `next` returned was (the stream source hashes and checks the frame around it). */
  piece: (typeof Piece)[keyof typeof Piece] = Piece.Skippable;
  /** True after a piece that ended a frame's last block. */
  frameEnded = false;
  /** Whether the frame of the last piece declares a content checksum. */
  get hasChecksum(): boolean {
    return this.checksum;
  }
  private inChecksum = false;
  private expect: (typeof Expect)[keyof typeof Expect] = Expect.Frame;
  /** Bytes still to pass on in the Skip state. */
  private skipping = 0;
  /** Whether the current frame ends with a 4-byte content checksum. */
  private checksum = false;
  /** The file, for error messages. */
  private readonly path: string;

  /** Scans the zstd stream of `path`; wrong framing throws BAD_RECORD naming what is wrong. */
  constructor(path: string) {
    this.path = path;
  }

  /** True between frames: the stream may end here. */
  get atFrameStart(): boolean {
    return this.expect === Expect.Frame;
  }

  /**
   * End of the next piece of `b[at, end)`, after `at`; -1 when the bytes are too few to tell (read more).
   * The piece is taken as fed to the decoder; a skip piece may stop at `end`, a frame or block piece not.
   */
  next(b: Uint8Array, at: number, end: number): number {
    const have = end - at;
    this.frameEnded = false;
    if (this.expect === Expect.Skip) {
      if (have === 0) return -1;
      this.piece = this.inChecksum ? Piece.Checksum : Piece.Skippable;
      const n = Math.min(have, this.skipping);
      this.skipping -= n;
      if (this.skipping === 0) this.expect = Expect.Frame;
      return at + n;
    }
    if (this.expect === Expect.Block) {
      this.piece = Piece.Block;
      return this.block(b, at, end, this.checksum);
    }
    if (have < 4) return -1;
    if (b[at + 1] === 0x2a && b[at + 2] === 0x4d && b[at + 3] === 0x18 && (b[at]! & 0xf0) === 0x50) {
      // Skippable frame: magic 0x184D2A5?, 4-byte length, then content nobody decodes.
      if (have < 8) return -1;
      this.skipping = u32(b, at + 4);
      this.inChecksum = false;
      this.piece = Piece.Skippable;
      this.expect = this.skipping === 0 ? Expect.Frame : Expect.Skip;
      return at + 8;
    }
    if (u32(b, at) !== ZSTD_MAGIC) throw corruptZstd(this.path, 'invalid zstd data');
    if (have < 5) return -1;
    const flags = b[at + 4]!;
    if (flags & 8) throw corruptZstd(this.path, 'invalid zstd data'); // the reserved bit
    const singleSegment = (flags >> 5) & 1;
    const contentSizeFlag = flags >> 6;
    const dictionaryBytes = [0, 1, 2, 4][flags & 3]!;
    const contentSizeBytes = contentSizeFlag === 0 ? singleSegment : 1 << contentSizeFlag;
    const header = 5 + (1 - singleSegment) + dictionaryBytes + contentSizeBytes;
    if (have < header) return -1;
    this.checkWindow(b, at, singleSegment, contentSizeBytes, header);
    this.piece = Piece.FrameStart;
    // The header goes with the first block: a decoder cannot start a frame on its header alone.
    return this.block(b, at + header, end, (flags & 4) !== 0);
  }

  /** Refuses a declared window (or single-segment content size) over {@link ZSTD_MAX_WINDOW_BYTES}, before fzstd allocates it. */
  private checkWindow(b: Uint8Array, at: number, singleSegment: number, contentSizeBytes: number, header: number): void {
    let window: number;
    if (singleSegment) {
      window = 0;
      for (let i = contentSizeBytes - 1; i >= 0; i--) window = window * 256 + b[at + header - contentSizeBytes + i]!;
      if (contentSizeBytes === 2) window += 256;
    } else {
      const d = b[at + 5]!;
      const base = 2 ** (10 + (d >> 3));
      window = base + (base / 8) * (d & 7);
    }
    if (window > ZSTD_MAX_WINDOW_BYTES) {
      throw corruptZstd(this.path, `a frame declares a ${window}-byte window, more than the ${ZSTD_MAX_WINDOW_BYTES} allowed (zstd's own default limit)`);
    }
  }

  /**
   * End of the block whose header is at `at` (-1: too few bytes); when whole, moves past it to the next
   * block, the frame's `checksum`, or the next frame.
   */
  private block(b: Uint8Array, at: number, end: number, checksum: boolean): number {
    if (end - at < 3) return -1;
    const h = b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);
    const type = (h >> 1) & 3;
    const size = h >>> 3;
    if (type === 3) throw corruptZstd(this.path, 'invalid block type');
    if (size > ZSTD_MAX_BLOCK_BYTES) throw corruptZstd(this.path, `block of ${size} bytes is larger than the ${ZSTD_MAX_BLOCK_BYTES} zstd allows`);
    const blockEnd = at + 3 + (type === 1 ? 1 : size); // an RLE block holds its one byte; its size is decoded
    if (blockEnd > end) return -1;
    this.checksum = checksum;
    if ((h & 1) === 0) this.expect = Expect.Block;
    else {
      this.frameEnded = true;
      if (checksum) {
        this.expect = Expect.Skip;
        this.inChecksum = true;
        this.skipping = 4;
      } else this.expect = Expect.Frame;
    }
    return blockEnd;
  }
}

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}
