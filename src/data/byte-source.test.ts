import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { ErrorCode } from '../common/errors.js';
import { GunzipSource, openByteSource, PlainFileSource, type ByteSource } from './byte-source.js';

const dir = mkdtempSync(join(tmpdir(), 'mia-bytes-'));
let n = 0;
function file(bytes: Uint8Array, ext = '.bin'): string {
  const p = join(dir, `b${n++}${ext}`);
  writeFileSync(p, bytes);
  return p;
}

const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff);

/** Everything the source delivers, `want` bytes at a time into one reused buffer; checks the end contract. */
async function readAll(s: ByteSource, want: number): Promise<Buffer> {
  const out: Buffer[] = [];
  const into = new Uint8Array(want + 3);
  try {
    for (;;) {
      const got = await s.read(into, 3, want);
      out.push(Buffer.from(into.subarray(3, 3 + got)));
      if (got < want) {
        expect(s.atEnd).toBe(true);
        return Buffer.concat(out);
      }
    }
  } finally {
    await s.close();
    await s.close(); // idempotent
  }
}

describe('ByteSource', () => {
  test('plain and gzip files deliver their bytes whole, fewer than asked only at the end', async () => {
    const plain = file(bytes);
    const gz = file(gzipSync(bytes), '.gz');
    for (const want of [1, 7, 999, 1000, 1001, 4096]) {
      expect((await readAll(await openByteSource(plain), want)).equals(bytes), `plain ${want}`).toBe(true);
      expect((await readAll(await openByteSource(gz), want)).equals(bytes), `gzip ${want}`).toBe(true);
    }
  });

  test('a plain file knows its size and its end without a read past it', async () => {
    const s = await PlainFileSource.open(file(bytes), 100);
    expect(s.size).toBe(900);
    expect(await s.read(new Uint8Array(900), 0, 900)).toBe(900);
    expect(s.atEnd).toBe(true);
    await s.close();
  });

  test('a plain file that shrinks while read is INPUT_UNREADABLE, not a shorter input', async () => {
    const p = file(bytes);
    const s = await PlainFileSource.open(p);
    expect(await s.read(new Uint8Array(400), 0, 400)).toBe(400);
    truncateSync(p, 600);
    await expect(s.read(new Uint8Array(400), 0, 400)).rejects.toMatchObject({
      code: ErrorCode.INPUT_UNREADABLE, message: expect.stringContaining('ends at byte 600, before the 1000 bytes'),
    });
    await s.close();
  });

  test('a missing file and a read that fails are INPUT_UNREADABLE', async () => {
    await expect(openByteSource(join(dir, 'absent.bin'))).rejects.toMatchObject({ code: ErrorCode.INPUT_UNREADABLE });
    await expect(readAll(await openByteSource(dir), 16)).rejects.toMatchObject({ code: ErrorCode.INPUT_UNREADABLE }); // EISDIR
    const gone = new GunzipSource(join(dir, 'absent.gz'));
    await expect(readAll(gone, 16)).rejects.toMatchObject({ code: ErrorCode.INPUT_UNREADABLE });
  });
});
