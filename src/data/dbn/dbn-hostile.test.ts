import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { mbo, metadataV2 } from '../../../test/fixtures/dbn-writer.js';
import { dataFile, HAVE_DATA } from '../../../test/real-data/data-dir.js';
import { ErrorCode } from '../../common/errors.js';
import { DbnTradeReader } from './dbn-trade-reader.js';

// Issue 14's findings on DBN and zstd files: each of these read with exit 0 (or crashed the process) before.

const dir = mkdtempSync(join(tmpdir(), 'mia-dbn-hostile-'));
let n = 0;
function file(bytes: Uint8Array, ext = 'dbn'): string {
  const p = join(dir, `f${n++}.${ext}`);
  writeFileSync(p, bytes);
  return p;
}

async function tradeCount(path: string): Promise<number> {
  const r = await DbnTradeReader.open(path);
  let count = 0;
  for await (const b of r.batches()) count += b.length;
  return count;
}

/** Offset of the symbol count in {@link metadataV2}'s output: magic 8, then the fixed v2 header (104 bytes). */
const SYMBOL_COUNT_AT = 8 + 16 + 2 + 24 + 3 + 2 + 53 + 4;

describe('DBN metadata as hostile input', () => {
  test('a header claiming 2^32 - 1 symbols is refused before anything is allocated for them', async () => {
    const meta = metadataV2('ESH4');
    meta.writeUInt32LE(0xffffffff, SYMBOL_COUNT_AT);
    const p = file(Buffer.concat([meta, mbo(1n, 4800, 1, 'T', 'B')]));
    await expect(DbnTradeReader.open(p)).rejects.toMatchObject({ code: ErrorCode.BAD_RECORD, message: expect.stringContaining('4294967295 symbols') });
  });

  test('metadata cut inside its fixed header, and a metadata length over the limit, are BAD_RECORD', async () => {
    const meta = metadataV2('ESH4');
    const short = Buffer.concat([Buffer.from('DBN\x02'), Buffer.alloc(4), meta.subarray(8, 40)]);
    short.writeUInt32LE(32, 4);
    await expect(DbnTradeReader.open(file(short))).rejects.toMatchObject({ code: ErrorCode.BAD_RECORD, message: expect.stringContaining('metadata is corrupt') });
    const huge = Buffer.from(meta);
    huge.writeUInt32LE(0xfffffff0, 4);
    await expect(DbnTradeReader.open(file(huge))).rejects.toMatchObject({ code: ErrorCode.BAD_RECORD, message: expect.stringContaining('over the') });
  });

  test('a zstd frame declaring a 1 GiB window is refused before the decoder allocates it', async () => {
    // Frame header: magic, descriptor 0 (a window descriptor follows), window 2^(10+20); then a raw last block.
    const zst = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 20 << 3]), Buffer.from([(4 << 3) | 1, 0, 0]), Buffer.from('DBN\x02')]);
    await expect(DbnTradeReader.open(file(zst, 'dbn.zst'))).rejects.toMatchObject({ code: ErrorCode.BAD_RECORD, message: expect.stringContaining('window') });
  });
});

describe.skipIf(!HAVE_DATA)('zstd content checksum on the real ESH4 day (cme-esh4-mbo)', () => {
  const real = dataFile('cme-esh4-mbo/esh4-glbx-mdp3-20231225.mbo.dbn.zst');

  test('the file as Databento wrote it passes its checksums (2 frames, XXH64) and reads its 2,973 trades', async () => {
    expect(await tradeCount(real)).toBe(2973);
  });

  // Bit flips that `zstd -t` rejects and the reader took before: fewer trades, other prices, sizes of 152,740 lots.
  test.each([[595427, 2], [382104, 2], [256130, 1], [909236, 1], [554444, 7]])('a flipped bit at byte %i (bit %i) is BAD_RECORD, not different trades', async (at, bit) => {
    const b = readFileSync(real);
    b[at] = b[at]! ^ (1 << bit);
    await expect(tradeCount(file(b, 'dbn.zst'))).rejects.toMatchObject({ code: ErrorCode.BAD_RECORD, message: expect.stringMatching(/zstd data is corrupt \(content checksum mismatch/) });
  });
});
