import { existsSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { metadataV2, mbo } from '../../../test/fixtures/dbn-writer.js';
import { ErrorCode } from '../../common/errors.js';
import type { TradeSource } from '../../model/trade-batch.js';
import { Xxh64 } from './xxh64.js';
import { countDbnRecords, DbnTradeReader, type DbnReaderOptions } from './dbn-trade-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'mia-dbn-'));
let n = 0;
function file(...parts: Buffer[]): string {
  const p = join(dir, `f${n++}.dbn`);
  writeFileSync(p, Buffer.concat(parts));
  return p;
}

/**
 * `data` as a zstd stream without a compressor (RFC 8878 §3.1.1): frames of `frameBytes`, each in raw (stored)
 * blocks of `blockBytes` with a 128 KiB window; every other frame ends with a content checksum (XXH64's low
 * 32 bits, which the reader verifies).
 */
function zstdStored(data: Uint8Array, frameBytes: number, blockBytes: number): Buffer {
  const out: Uint8Array[] = [];
  for (let f = 0, k = 0; f === 0 || f < data.length; f += frameBytes, k++) {
    const content = data.subarray(f, f + frameBytes);
    const checksum = k % 2 === 1;
    out.push(Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, checksum ? 4 : 0, (17 - 10) << 3));
    for (let b = 0; b === 0 || b < content.length; b += blockBytes) {
      const block = content.subarray(b, b + blockBytes);
      const h = (b + blockBytes >= content.length ? 1 : 0) | (block.length << 3);
      out.push(Uint8Array.of(h & 0xff, (h >> 8) & 0xff, h >> 16), block);
    }
    if (checksum) {
      const h = new Xxh64();
      h.update(content);
      const c = Buffer.alloc(4);
      c.writeUInt32LE(h.digestLow32());
      out.push(c);
    }
  }
  return Buffer.concat(out);
}

async function trades(s: TradeSource): Promise<string[]> {
  const out: string[] = [];
  for await (const b of s.batches()) for (let i = 0; i < b.length; i++) out.push(`${b.tsNs(i)} ${b.price[i]} ${b.size[i]} ${b.side[i]}`);
  return out;
}

describe('DbnTradeReader on hand-built files', () => {
  test('MBO trades (action T) with aggressor sides; book actions are ignored', async () => {
    const p = file(metadataV2('ESH4'), mbo(10n, 4800.25, 3, 'A', 'B'), mbo(11n, 4800.25, 2, 'T', 'B'), mbo(12n, 4800, 1, 'T', 'A'), mbo(13n, 4800, 5, 'T', 'N'), mbo(14n, 4800, 5, 'C', 'A'));
    const r = await DbnTradeReader.open(p);
    expect(r.info).toMatchObject({ symbol: 'ESH4', sizeDecimals: 0, hasSides: true });
    expect(await trades(r)).toEqual(['11 4800.25 2 1', '12 4800 1 2', '13 4800 5 0']);
    expect(r.stats).toMatchObject({ read: 5, trades: 3, ignored: 2 });
    expect(await countDbnRecords(p)).toMatchObject({ version: 2, records: 5 });
  });

  test('a truncated record names its index', async () => {
    const p = file(metadataV2('ESH4'), mbo(1n, 1, 1, 'T', 'B'), mbo(2n, 1, 1, 'T', 'B').subarray(0, 30));
    await expect(trades(await DbnTradeReader.open(p))).rejects.toMatchObject({ code: ErrorCode.BAD_RECORD, message: expect.stringContaining('record 1: record is truncated') });
  });

  test('bad magic, unknown version and out-of-order trades are coded errors', async () => {
    await expect(DbnTradeReader.open(file(Buffer.from('XYZ\x02\0\0\0\0')))).rejects.toMatchObject({ code: ErrorCode.BAD_RECORD });
    const v9 = metadataV2('ESH4');
    v9[3] = 9;
    await expect(DbnTradeReader.open(file(v9))).rejects.toMatchObject({ code: ErrorCode.BAD_RECORD, message: expect.stringContaining('version 9') });
    const p = file(metadataV2('ESH4'), mbo(5n, 1, 1, 'T', 'B'), mbo(4n, 1, 1, 'T', 'B'));
    await expect(trades(await DbnTradeReader.open(p))).rejects.toMatchObject({ code: ErrorCode.OUT_OF_ORDER });
    const skipped = await DbnTradeReader.open(p, { skipBad: true });
    expect(await trades(skipped)).toEqual(['5 1 1 1']);
    expect(skipped.stats.skipped).toEqual({ [ErrorCode.OUT_OF_ORDER]: 1 });
  });
});

function ohlcv1m(ts: bigint, o: number, h: number, l: number, c: number, vol: bigint): Buffer {
  const r = Buffer.alloc(56);
  r[0] = 56 / 4;
  r[1] = 0x21;
  r.writeUInt32LE(118, 4);
  r.writeBigUInt64LE(ts, 8);
  [o, h, l, c].forEach((p, i) => r.writeBigInt64LE(BigInt(Math.round(p * 1e9)), 16 + i * 8));
  r.writeBigUInt64LE(vol, 48);
  return r;
}

describe('DBN OHLCV records', () => {
  test('1-minute bars decode with prices, volume and interval', async () => {
    const { readDbnBars } = await import('./dbn-bar-reader.js');
    const bars = await readDbnBars(file(metadataV2('ESU4'), ohlcv1m(60n, 5528.75, 5529.5, 5528.25, 5529, 812n), mbo(61n, 1, 1, 'T', 'B')));
    expect(bars).toEqual([{ tsNs: 60n, intervalSec: 60, instrumentId: 118, open: 5528.75, high: 5529.5, low: 5528.25, close: 5529, volume: 812n }]);
  });
});

describe('DBN fuzzing', () => {
  test('property: corrupt record bytes give trades or a coded error, never a crash', async () => {
    const fc = (await import('fast-check')).default;
    const { MiaError } = await import('../../common/errors.js');
    const good = Buffer.concat([mbo(1n, 4800, 1, 'T', 'B'), mbo(2n, 4800.25, 2, 'T', 'A'), mbo(3n, 4800.5, 3, 'T', 'N')]);
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({ at: fc.nat(good.length - 1), byte: fc.nat(255) }), { minLength: 1, maxLength: 8 }),
      fc.nat(good.length),
      async (flips, cut) => {
        const body = Buffer.from(good.subarray(0, Math.max(1, cut)));
        for (const f of flips) if (f.at < body.length) body[f.at] = f.byte;
        try {
          await trades(await DbnTradeReader.open(file(metadataV2('ESH4'), body)));
        } catch (e) {
          expect(e).toBeInstanceOf(MiaError);
        }
      },
    ), { numRuns: 300 });
  });
});

describe('DBN files with several instruments', () => {
  function withId(r: Buffer, id: number): Buffer {
    r.writeUInt32LE(id, 4);
    return r;
  }

  test('a second instrument stops the read unless a symbol or instrument id chooses one', async () => {
    const p = file(metadataV2('ESU4'), withId(mbo(1n, 5500, 1, 'T', 'B'), 118), withId(mbo(2n, 19000, 2, 'T', 'A'), 9200), withId(mbo(3n, 5500.25, 3, 'T', 'B'), 118));
    await expect(trades(await DbnTradeReader.open(p))).rejects.toMatchObject({ code: ErrorCode.MULTIPLE_INSTRUMENTS, message: expect.stringContaining('record 1') });
    expect(await trades(await DbnTradeReader.open(p, { symbol: '9200' }))).toEqual(['2 19000 2 2']);
    await expect(DbnTradeReader.open(p, { symbol: 'YMU4' })).rejects.toMatchObject({ code: ErrorCode.UNKNOWN_SYMBOL });
  });
});

describe('DbnTradeReader reads plain and zstd files in chunks', () => {
  // MBP-1 record (80 bytes): with 56-byte MBO records, record starts fall at every offset of a small chunk.
  function mbp1(ts: bigint, price: number, size: number, action: string, side: string): Buffer {
    const r = Buffer.alloc(80);
    r[0] = 80 / 4;
    r[1] = 0x01;
    r.writeUInt32LE(118, 4);
    r.writeBigUInt64LE(ts, 8);
    r.writeBigInt64LE(BigInt(Math.round(price * 1e9)), 16);
    r.writeUInt32LE(size, 24);
    r.write(action, 28, 'latin1');
    r.write(side, 29, 'latin1');
    return r;
  }

  /** 200 records: MBO and MBP-1 trades, book events, an undefined price and a trade out of order. */
  function mixedRecords(): Buffer[] {
    const out: Buffer[] = [];
    for (let i = 0; i < 200; i++) {
      const ts = BigInt(1000 + i);
      const price = 4800 + (i % 9) * 0.25;
      if (i === 57) out.push(mbo(ts, 0, 1, 'T', 'B')); // BAD_PRICE
      else if (i === 131) out.push(mbo(5n, price, 1, 'T', 'A')); // OUT_OF_ORDER
      else if (i % 5 === 0) out.push(mbp1(ts, price, 1 + (i % 4), i % 2 ? 'T' : 'A', 'AB'[i % 2]!));
      else out.push(mbo(ts, price, 1 + (i % 3), i % 3 ? 'T' : 'C', 'NBA'[i % 3]!));
    }
    return out;
  }

  /** Trades with their record index, and the stats, of a whole read. */
  async function readAll(path: string, options: DbnReaderOptions): Promise<{ rows: string[]; stats: unknown }> {
    const r = await DbnTradeReader.open(path, options);
    const rows: string[] = [];
    for await (const b of r.batches()) for (let i = 0; i < b.length; i++) rows.push(`${b.origin[i]} ${b.tsNs(i)} ${b.price[i]} ${b.size[i]} ${b.side[i]}`);
    return { rows, stats: r.stats };
  }

  test('records split across chunks give the same trades and stats as one chunk', async () => {
    const p = file(metadataV2('ESH4'), ...mixedRecords());
    const whole = await readAll(p, { skipBad: true });
    expect(whole.rows.length).toBeGreaterThan(100);
    expect(whole.stats).toMatchObject({ read: 200, skipped: { [ErrorCode.BAD_PRICE]: 1, [ErrorCode.OUT_OF_ORDER]: 1 } });
    for (const [chunkBytes, batchSize] of [[1, 65536], [2, 7], [55, 1], [56, 7], [57, 65536], [79, 1], [80, 7], [100, 65536], [4096, 1]] as const) {
      expect(await readAll(p, { skipBad: true, chunkBytes, batchSize }), `chunk ${chunkBytes}, batch ${batchSize}`).toEqual(whole);
    }
  });

  test('property: any chunk size reads what one chunk reads, or fails with the same coded error', async () => {
    const fc = (await import('fast-check')).default;
    const records = Buffer.concat(mixedRecords());
    await fc.assert(fc.asyncProperty(fc.integer({ min: 8, max: 400 }), fc.nat(records.length), fc.boolean(), async (chunkBytes, cut, skipBad) => {
      const p = file(metadataV2('ESH4'), records.subarray(0, cut));
      const outcome = (o: DbnReaderOptions) => readAll(p, o).catch((e: { code: string; message: string }) => `${e.code} ${e.message}`);
      expect(await outcome({ skipBad, chunkBytes })).toEqual(await outcome({ skipBad }));
    }), { numRuns: 100 });
  });

  test('a file cut mid-record gives BAD_RECORD naming the cut record, whatever the chunk size', async () => {
    const records = mixedRecords();
    const full = Buffer.concat(records);
    const cutAt = records.slice(0, 150).reduce((n, r) => n + r.length, 0) + 30; // 30 bytes into record 150
    const p = file(metadataV2('ESH4'), full.subarray(0, cutAt));
    for (const chunkBytes of [1, 56, 100, 4096, undefined]) {
      await expect(readAll(p, { skipBad: true, chunkBytes })).rejects.toMatchObject({
        code: ErrorCode.BAD_RECORD, message: expect.stringContaining('record 150: record is truncated'),
      });
    }
  });

  test('a trade earlier than the one before, in the next chunk, is OUT_OF_ORDER', async () => {
    const p = file(metadataV2('ESH4'), mbo(5n, 1, 1, 'T', 'B'), mbo(6n, 1, 1, 'T', 'B'), mbo(4n, 1, 1, 'T', 'B'));
    for (const chunkBytes of [56, 100, 112, 130]) { // record 2 starts a chunk, or straddles two
      await expect(readAll(p, { chunkBytes })).rejects.toMatchObject({ code: ErrorCode.OUT_OF_ORDER, message: expect.stringContaining('record 2:') });
    }
  });

  test('a file that shrinks or vanishes while read is INPUT_UNREADABLE, not a shorter tape', async () => {
    const body = Array.from({ length: 20 }, (_, i) => mbo(BigInt(i + 1), 1, 1, 'T', 'B'));
    const meta = metadataV2('ESH4');
    const p = file(meta, ...body);
    const r = await DbnTradeReader.open(p, { chunkBytes: 100, batchSize: 1 });
    const it = r.batches()[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    truncateSync(p, meta.length + 10 * 56); // on a record boundary: nothing in the bytes left looks wrong
    await expect((async () => { while (!(await it.next()).done); })()).rejects.toMatchObject({ code: ErrorCode.INPUT_UNREADABLE });

    const q = file(meta, ...body);
    const opened = await DbnTradeReader.open(q);
    truncateSync(q, meta.length);
    await expect(trades(opened)).rejects.toMatchObject({ code: ErrorCode.INPUT_UNREADABLE });

    const gone = file(meta, ...body);
    const orphan = await DbnTradeReader.open(gone);
    rmSync(gone);
    await expect(trades(orphan)).rejects.toMatchObject({ code: ErrorCode.INPUT_UNREADABLE });
  });

  test.skipIf(!existsSync('/proc/self/fd'))('the file is closed when the records end, on an error and when the consumer stops early', async () => {
    const openFds = () => readdirSync('/proc/self/fd').length;
    const p = file(metadataV2('ESH4'), ...Array.from({ length: 50 }, (_, i) => mbo(BigInt(i + 1), 1, 1, 'T', 'B')));
    const before = openFds();
    const r = await DbnTradeReader.open(p, { chunkBytes: 100, batchSize: 1 });
    for await (const b of r.batches()) if (b.length > 0) break;
    expect(openFds()).toBe(before);
    await trades(await DbnTradeReader.open(p, { chunkBytes: 100 }));
    expect(openFds()).toBe(before);
    const bad = file(metadataV2('ESH4'), mbo(2n, 1, 1, 'T', 'B'), mbo(1n, 1, 1, 'T', 'B'));
    await expect(trades(await DbnTradeReader.open(bad, { chunkBytes: 100 }))).rejects.toMatchObject({ code: ErrorCode.OUT_OF_ORDER });
    expect(openFds()).toBe(before);
  });

  test('a chunk size that is not a positive integer is BAD_ARGUMENT', async () => {
    const p = file(metadataV2('ESH4'), mbo(1n, 1, 1, 'T', 'B'));
    for (const chunkBytes of [0, -1, 1.5, Number.NaN]) {
      await expect(DbnTradeReader.open(p, { chunkBytes })).rejects.toMatchObject({ code: ErrorCode.BAD_ARGUMENT });
      await expect(DbnTradeReader.open(p, { zstdReadBytes: chunkBytes })).rejects.toMatchObject({ code: ErrorCode.BAD_ARGUMENT });
    }
  });

  test('property: a zstd file reads what its plain form reads, or fails with the same coded error, whatever the chunk sizes', async () => {
    const fc = (await import('fast-check')).default;
    const records = Buffer.concat(mixedRecords());
    const outcome = (p: string, o: DbnReaderOptions) => readAll(p, o).catch((e: { code: string; message: string }) => `${e.code} ${e.message.replace(p, 'FILE')}`);
    await fc.assert(fc.asyncProperty(
      fc.nat(records.length), fc.boolean(), fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 2000 }),
      async (cut, skipBad, chunkBytes, zstdReadBytes, frameBytes, blockBytes) => {
        const plain = Buffer.concat([metadataV2('ESH4'), records.subarray(0, cut)]);
        const zst = file(zstdStored(plain, frameBytes, blockBytes));
        expect(await outcome(zst, { skipBad, chunkBytes, zstdReadBytes })).toEqual(await outcome(file(plain), { skipBad }));
      },
    ), { numRuns: 50 });
  });

  test.skipIf(!existsSync('/proc/self/fd'))('a zstd file cut mid-stream streams the trades before the cut, then is BAD_RECORD and closed', async () => {
    const openFds = () => readdirSync('/proc/self/fd').length;
    const before = openFds();
    const plain = Buffer.concat([metadataV2('ESH4'), ...Array.from({ length: 200 }, (_, i) => mbo(BigInt(i + 1), 1, 1, 'T', 'B'))]);
    const z = zstdStored(plain, 4000, 1000);
    const p = file(z.subarray(0, Math.floor(z.length * 0.6)));
    for (const [chunkBytes, zstdReadBytes] of [[undefined, undefined], [56, 7], [1, 1]]) {
      const r = await DbnTradeReader.open(p, { chunkBytes, zstdReadBytes, batchSize: 1 });
      await expect(trades(r)).rejects.toMatchObject({ code: ErrorCode.BAD_RECORD, message: expect.stringContaining('zstd data is corrupt (unexpected EOF)') });
      // Small chunks pass trades on before the cut is reached; the default chunk holds the whole cut file.
      expect(r.stats.trades).toBeGreaterThan(chunkBytes ? 50 : -1);
      expect(openFds()).toBe(before);
    }
    // Cut inside the metadata: the file cannot be opened.
    await expect(DbnTradeReader.open(file(z.subarray(0, 60)))).rejects.toMatchObject({ code: ErrorCode.BAD_RECORD, message: expect.stringContaining('zstd data is corrupt') });
    expect(openFds()).toBe(before);
  });

  test('a zstd file that shrinks while read is INPUT_UNREADABLE', async () => {
    const body = Array.from({ length: 200 }, (_, i) => mbo(BigInt(i + 1), 1, 1, 'T', 'B'));
    const p = file(zstdStored(Buffer.concat([metadataV2('ESH4'), ...body]), 1000, 500));
    const r = await DbnTradeReader.open(p, { chunkBytes: 100, zstdReadBytes: 100, batchSize: 1 });
    const it = r.batches()[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    truncateSync(p, 3000);
    await expect((async () => { while (!(await it.next()).done); })()).rejects.toMatchObject({ code: ErrorCode.INPUT_UNREADABLE });
  });
});
