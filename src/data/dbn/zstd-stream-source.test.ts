import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ErrorCode } from '../../common/errors.js';
import { PlainFileSource } from '../byte-source.js';
import { ZSTD_MAX_BLOCK_BYTES } from './zstd-frame-scanner.js';
import { ZSTD_MAX_QUEUED_BYTES, ZstdStreamSource } from './zstd-stream-source.js';
import { Xxh64 } from './xxh64.js';

// zstd streams built by hand from the frame format (RFC 8878 §3.1): no compressor is needed, because raw
// (stored) and RLE blocks carry their content as is. Compressed blocks are covered by the real Databento
// files in test/real-data/dbn-decoding.test.ts.

/** One block: raw (its bytes) or RLE (one byte, repeated `size` times). */
type Block = { raw: Uint8Array } | { rle: number; size: number };

interface FrameOptions {
  /** Single_Segment_flag with a 1-, 2-, 4- or 8-byte Frame_Content_Size; otherwise a 128 KiB window. */
  contentSizeBytes?: 1 | 2 | 4 | 8;
  /** A Content_Checksum after the last block: the low 32 bits of the content's XXH64, as the source verifies. */
  checksum?: boolean;
}

function blockHeader(last: boolean, type: number, size: number): Buffer {
  const h = (last ? 1 : 0) | (type << 1) | (size << 3);
  return Buffer.from([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff]);
}

function frame(blocks: Block[], options: FrameOptions = {}): Buffer {
  const content = blocks.reduce((n, b) => n + ('raw' in b ? b.raw.length : b.size), 0);
  const fcs = options.contentSizeBytes;
  const flag = fcs === undefined ? 0 : { 1: 0, 2: 1, 4: 2, 8: 3 }[fcs];
  const descriptor = (flag << 6) | (fcs === undefined ? 0 : 0x20) | (options.checksum ? 4 : 0);
  const size = Buffer.alloc(fcs ?? 0);
  if (fcs === 2) size.writeUInt16LE(content - 256);
  else if (fcs !== undefined) size.writeUIntLE(content, 0, Math.min(fcs, 6));
  const parts: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, descriptor]), fcs === undefined ? Buffer.from([(17 - 10) << 3]) : Buffer.alloc(0), size];
  blocks.forEach((b, i) => {
    const last = i === blocks.length - 1;
    parts.push('raw' in b ? Buffer.concat([blockHeader(last, 0, b.raw.length), b.raw]) : Buffer.concat([blockHeader(last, 1, b.size), Buffer.from([b.rle])]));
  });
  if (options.checksum) parts.push(checksumOf(decoded(blocks)));
  return Buffer.concat(parts);
}

function checksumOf(content: Uint8Array): Buffer {
  const h = new Xxh64();
  h.update(content);
  const b = Buffer.alloc(4);
  b.writeUInt32LE(h.digestLow32());
  return b;
}

function skippable(n: number): Buffer {
  const b = Buffer.alloc(8 + n, 0xee);
  b.writeUInt32LE(0x184d2a53, 0);
  b.writeUInt32LE(n, 4);
  return b;
}

function decoded(blocks: Block[]): Buffer {
  return Buffer.concat(blocks.map((b) => ('raw' in b ? b.raw : Buffer.alloc(b.size, b.rle))));
}

const dir = mkdtempSync(join(tmpdir(), 'mia-zstd-'));
let n = 0;
function file(bytes: Uint8Array): { path: string; size: number } {
  const path = join(dir, `z${n++}.zst`);
  writeFileSync(path, bytes);
  return { path, size: bytes.length };
}

async function source(bytes: Uint8Array, readBytes?: number): Promise<ZstdStreamSource> {
  const f = file(bytes);
  return new ZstdStreamSource(f.path, await PlainFileSource.open(f.path, 0, f.size), readBytes);
}

/** Everything the source decodes, read `want` bytes at a time; the source is closed. */
async function readAll(s: ZstdStreamSource, want = 4096): Promise<Buffer> {
  const out: Buffer[] = [];
  try {
    for (;;) {
      const into = new Uint8Array(want);
      const got = await s.read(into, 0, want);
      out.push(Buffer.from(into.subarray(0, got)));
      if (got < want) {
        expect(s.atEnd).toBe(true);
        return Buffer.concat(out);
      }
    }
  } finally {
    await s.close();
  }
}

/** Byte-for-byte equality, without a diff of megabytes when it fails. */
function expectSame(got: Buffer, expected: Buffer): void {
  expect(got.length).toBe(expected.length);
  expect(got.equals(expected), 'same bytes').toBe(true);
}

const bytes = (len: number, seed: number): Uint8Array => Uint8Array.from({ length: len }, (_, i) => (i * 31 + seed * 7) & 0xff);

describe('ZstdStreamSource on hand-built streams', () => {
  test('frames of every header layout, skippable frames and checksums decode to their content, in order', async () => {
    const f1: Block[] = [{ raw: bytes(300, 1) }, { rle: 9, size: 1000 }, { raw: bytes(0, 0) }, { raw: bytes(5, 2) }];
    const f2: Block[] = [{ raw: bytes(200, 3) }];
    const f3: Block[] = [{ rle: 4, size: 70_000 }, { raw: bytes(40, 4) }];
    const f4: Block[] = [{ raw: bytes(3, 5) }];
    const stream = Buffer.concat([frame(f1, { checksum: true }), skippable(0), frame(f2, { contentSizeBytes: 1 }), skippable(33),
      frame(f3, { contentSizeBytes: 4, checksum: true }), frame(f4, { contentSizeBytes: 8 })]);
    const expected = decoded([...f1, ...f2, ...f3, ...f4]);
    for (const [readBytes, want] of [[1, 1], [1, 999], [2, 1 << 20], [17, 999], [18, 1], [19, 999], [4096, 1], [undefined, 1 << 20]] as const) {
      expect(await readAll(await source(stream, readBytes), want), `read ${readBytes}, want ${want}`).toEqual(expected);
    }
  });

  test('property: any frames, blocks and read sizes decode to the content, with at most three blocks waiting', async () => {
    const block = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((raw): Block => ({ raw })),
      fc.record({ rle: fc.nat(255), size: fc.nat(3000) }).map((b): Block => b),
    );
    const frames = fc.array(fc.record({
      blocks: fc.array(block, { minLength: 1, maxLength: 5 }),
      checksum: fc.boolean(),
      contentSizeBytes: fc.constantFrom(undefined, 4 as const, 8 as const),
      skippableAfter: fc.option(fc.nat(40), { nil: undefined }),
    }), { minLength: 1, maxLength: 6 });
    await fc.assert(fc.asyncProperty(frames, fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 4000 }), async (fs, readBytes, want) => {
      const stream = Buffer.concat(fs.flatMap((f) => [frame(f.blocks, f), ...(f.skippableAfter === undefined ? [] : [skippable(f.skippableAfter)])]));
      const s = await source(stream, readBytes);
      expectSame(await readAll(s, want), decoded(fs.flatMap((f) => f.blocks)));
      expect(s.peakQueuedBytes).toBeLessThanOrEqual(ZSTD_MAX_QUEUED_BYTES);
    }), { numRuns: 60 });
  });

  test('one block waits at a time, however much a read chunk decodes to; three at most behind short frame starts', async () => {
    // A raw block, then 64 RLE blocks of 128 KiB: 8 MiB from 366 bytes, all in the first read, which
    // fzstd fed at once would decode into 8 MiB of blocks waiting.
    const big: Block[] = [{ raw: bytes(100, 1) }, ...Array.from({ length: 64 }, (_, i): Block => ({ rle: i, size: ZSTD_MAX_BLOCK_BYTES }))];
    const s = await source(frame(big));
    expectSame(await readAll(s, 1 << 20), decoded(big));
    expect(s.peakQueuedBytes).toBe(ZSTD_MAX_BLOCK_BYTES);
    // Frames of 14 bytes (header 6, two RLE blocks): fzstd waits for 18 bytes before it starts a frame.
    const short = Array.from({ length: 40 }, (_, i) => frame([{ rle: i, size: ZSTD_MAX_BLOCK_BYTES }, { rle: i + 1, size: ZSTD_MAX_BLOCK_BYTES }]));
    expect(short[0]!.length).toBeLessThan(18);
    const t = await source(Buffer.concat(short));
    expect((await readAll(t, 1 << 20)).length).toBe(80 * ZSTD_MAX_BLOCK_BYTES);
    expect(t.peakQueuedBytes).toBeLessThanOrEqual(ZSTD_MAX_QUEUED_BYTES);
    // A frame starting with short blocks: fzstd holds them until the frame start is 18 bytes long.
    const u = await source(frame(big.slice(1)));
    expect((await readAll(u, 1 << 20)).length).toBe(64 * ZSTD_MAX_BLOCK_BYTES);
    expect(u.peakQueuedBytes).toBe(ZSTD_MAX_QUEUED_BYTES);
    expect(t.peakQueuedBytes).toBeGreaterThan(ZSTD_MAX_BLOCK_BYTES);
    expect(t.peakQueuedBytes).toBeLessThanOrEqual(ZSTD_MAX_QUEUED_BYTES);
  });

  test('a stream cut anywhere decodes whole frames only at a frame boundary, and is otherwise corrupt', async () => {
    const blocks1: Block[] = [{ raw: bytes(50, 1) }, { rle: 7, size: 90 }];
    const f1 = frame(blocks1, { checksum: true });
    const f2 = frame([{ raw: bytes(30, 2) }], { contentSizeBytes: 4 });
    const stream = Buffer.concat([f1, skippable(5), f2]);
    const first = decoded(blocks1);
    const boundaries = new Map([[f1.length, first], [f1.length + 13, first], [stream.length, Buffer.concat([first, bytes(30, 2)])]]);
    for (let cut = 1; cut <= stream.length; cut++) {
      for (const readBytes of [1, 7, undefined]) {
        const outcome = await readAll(await source(stream.subarray(0, cut), readBytes)).catch((e: { code: string; message: string }) => e);
        const whole = boundaries.get(cut);
        if (whole) expect(outcome, `cut ${cut}`).toEqual(whole);
        else expect(outcome, `cut ${cut}`).toMatchObject({ code: ErrorCode.BAD_RECORD, message: expect.stringContaining('zstd data is corrupt') });
      }
    }
  });

  test('wrong framing is BAD_RECORD naming what is wrong', async () => {
    const good = frame([{ raw: bytes(10, 1) }]);
    const badMagic = Buffer.concat([good, Buffer.from([0x28, 0xb5, 0x2f, 0xfe, 0, 0x38, 1, 0, 0])]);
    const reserved = Buffer.from(good);
    reserved[4] = reserved[4]! | 8;
    const blockType3 = Buffer.from(good);
    blockType3[6] = blockType3[6]! | 6;
    const oversized = Buffer.concat([good.subarray(0, 6), blockHeader(true, 0, ZSTD_MAX_BLOCK_BYTES + 1)]);
    for (const [stream, reason] of [[badMagic, 'invalid zstd data'], [reserved, 'invalid zstd data'], [blockType3, 'invalid block type'],
      [oversized, `block of ${ZSTD_MAX_BLOCK_BYTES + 1} bytes is larger than`]] as const) {
      await expect(readAll(await source(stream))).rejects.toMatchObject({ code: ErrorCode.BAD_RECORD, message: expect.stringContaining(`zstd data is corrupt (${reason}`) });
    }
  });

  test('skip passes over decoded bytes without copying them, then read goes on from there', async () => {
    const content = bytes(5000, 3);
    const s = await source(frame([{ raw: content.subarray(0, 2000) }, { raw: content.subarray(2000) }]), 100);
    expect(await s.skip(2345)).toBe(2345);
    expect(await readAll(s)).toEqual(Buffer.from(content.subarray(2345)));
  });
});
