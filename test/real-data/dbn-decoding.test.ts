// The DBN reader on real Databento files: record counts from data/README.md, and trade-for-trade
// equality with the CSVs derived from the same files by ../shared/data/tools/dbn2csv.py; the zstd stream
// decoder against fzstd's whole-file decompress.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decompress } from 'fzstd';
import { describe, expect, test } from 'vitest';
import { ErrorCode } from '../../src/common/errors.js';
import { PlainFileSource } from '../../src/data/byte-source.js';
import { CsvTradeReader } from '../../src/data/csv-trade-reader.js';
import { countDbnRecords, DbnTradeReader, type DbnReaderOptions } from '../../src/data/dbn/dbn-trade-reader.js';
import { ZSTD_MAX_BLOCK_BYTES } from '../../src/data/dbn/zstd-frame-scanner.js';
import { ZstdStreamSource } from '../../src/data/dbn/zstd-stream-source.js';
import type { TradeSource } from '../../src/model/trade-batch.js';
import { dataFile, HAVE_DATA } from './data-dir.js';

/** All trades of a source as comparable rows; `tsUnitNs` rounds times down to that unit. */
async function rows(source: TradeSource, tsUnitNs = 1n): Promise<string[]> {
  const out: string[] = [];
  for await (const b of source.batches()) {
    for (let i = 0; i < b.length; i++) out.push(`${b.tsNs(i) / tsUnitNs} ${b.price[i]} ${b.size[i]} ${b.side[i]}`);
  }
  return out;
}

/** Trades with their record index, and the stats, of a whole read; or the error's code and message. */
async function outcome(path: string, options: DbnReaderOptions): Promise<{ rows: string[]; stats: unknown } | string> {
  try {
    const r = await DbnTradeReader.open(path, options);
    const out: string[] = [];
    for await (const b of r.batches()) for (let i = 0; i < b.length; i++) out.push(`${b.origin[i]} ${b.tsNs(i)} ${b.price[i]} ${b.size[i]} ${b.side[i]}`);
    return { rows: out, stats: r.stats };
  } catch (e) {
    const { code, message } = e as { code: string; message: string };
    return `${code} ${message.replace(path, 'FILE')}`;
  }
}

/**
 * The cme-es-nq-window CSVs carry ISO times that dbn2csv.py formats through a float (n / 1e9), whose
 * microsecond digit can round up by one (DBN 23:58:01.218218853 is written .218219853). Times are compared
 * to the microsecond after undoing that: a row matches when the CSV time is the DBN time or 1 µs above it.
 */
async function expectSameTradesIsoCsv(dbn: TradeSource, csv: TradeSource): Promise<number> {
  const a = await rows(dbn);
  const c = await rows(csv);
  expect(a).toHaveLength(c.length);
  for (let i = 0; i < a.length; i++) {
    const [ta, ...ra] = a[i]!.split(' ');
    const [tc, ...rc] = c[i]!.split(' ');
    expect(ra, `trade ${i}`).toEqual(rc);
    const diff = BigInt(tc!) - BigInt(ta!);
    expect(diff === 0n || diff === 1000n, `trade ${i}: ${ta} vs ${tc}`).toBe(true);
  }
  return a.length;
}

describe.skipIf(!HAVE_DATA)('Databento DBN decoding (cme-esh4-mbo, cme-es-nq-window)', () => {
  test('ESH4 MBO 2023-12-24 holds 8,725 records', async () => {
    const c = await countDbnRecords(dataFile('cme-esh4-mbo/esh4-glbx-mdp3-20231224.mbo.dbn.zst'));
    expect(c.records).toBe(8725);
    expect(c.byRType[0xa0]).toBe(8725);
  });

  test('ESM4 MBO start-of-day snapshot holds 13,796 records (DBN v1)', async () => {
    const c = await countDbnRecords(dataFile('l2-books/esm4_orderbooks_mbo_2024-05-08T00-00-00_2024-05-08T00-00-02.dbn.zst'));
    expect(c).toMatchObject({ version: 1, records: 13796 });
  });

  test('ESH4 MBO 2023-12-25 holds 68,792 records', async () => {
    const c = await countDbnRecords(dataFile('cme-esh4-mbo/esh4-glbx-mdp3-20231225.mbo.dbn.zst'));
    expect(c.records).toBe(68792);
  });

  test('ESH4 MBO 2023-12-25 yields exactly the 2,973 trades of the derived CSV, in order', async () => {
    const dbn = await DbnTradeReader.open(dataFile('cme-esh4-mbo/esh4-glbx-mdp3-20231225.mbo.dbn.zst'));
    const fromDbn = await rows(dbn);
    const fromCsv = await rows(await CsvTradeReader.open(dataFile('cme-esh4-mbo/esh4_20231225_trades.csv')));
    expect(fromDbn).toHaveLength(2973);
    expect(fromDbn).toEqual(fromCsv);
    expect(dbn.stats.trades).toBe(2973);
    expect(dbn.stats.read).toBe(68792);
    expect(dbn.info.symbol).toBe('ESH4');
  });

  // The reference is the whole-file path the reader used before it streamed zstd: fzstd's one-shot
  // decompress of the whole file, written out and read as plain DBN.
  test('each real zstd file streams the trades, record indexes, stats or error of its whole-file decompression', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mia-dbn-plain-'));
    try {
      const files: [string, [number | undefined, number | undefined][]][] = [
        ['cme-esh4-mbo/esh4-glbx-mdp3-20231224.mbo.dbn.zst', [[undefined, undefined], [1, 5], [56, 1024], [4099, 3]]],
        ['cme-esh4-mbo/esh4-glbx-mdp3-20231225.mbo.dbn.zst', [[undefined, undefined], [65536, 4096], [4099, 257], [1000, 65536]]],
        ['l2-books/esm4_orderbooks_mbo_2024-05-08T00-00-00_2024-05-08T00-00-02.dbn.zst', [[undefined, undefined], [333, 100]]],
        ['cme-es-nq-window/futures_trades_2024-07-01T23-58_2024-07-02T00-02.dbn.zst', [[undefined, undefined], [1, 1], [7, 19]]],
        ['cme-es-nq-window/futures_mbp-1_2024-07-01T23-58_2024-07-02T00-02.dbn.zst', [[undefined, undefined], [80, 64]]],
      ];
      for (const [name, sizes] of files) {
        const zst = dataFile(name);
        const plain = join(dir, 'plain.dbn');
        writeFileSync(plain, decompress(readFileSync(zst)));
        const expected = await outcome(plain, {});
        for (const [chunkBytes, zstdReadBytes] of sizes) {
          expect(await outcome(zst, { chunkBytes, zstdReadBytes }), `${name}, chunk ${chunkBytes}, read ${zstdReadBytes}`).toEqual(expected);
        }
      }
      expect(await outcome(dataFile(files[1]![0]), {})).toMatchObject({ rows: { length: 2973 } });
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  test('decoded block by block, with one block waiting at most, two files\' frames concatenated decode to both files', async () => {
    const a = readFileSync(dataFile('cme-esh4-mbo/esh4-glbx-mdp3-20231224.mbo.dbn.zst'));
    const b = readFileSync(dataFile('cme-esh4-mbo/esh4-glbx-mdp3-20231225.mbo.dbn.zst'));
    const dir = mkdtempSync(join(tmpdir(), 'mia-dbn-frames-'));
    const both = join(dir, 'both.zst');
    writeFileSync(both, Buffer.concat([a, b]));
    try {
      const z = new ZstdStreamSource(both, await PlainFileSource.open(both, 0, a.length + b.length));
      const out = new Uint8Array(8 << 20);
      const got = await z.read(out, 0, out.length);
      await z.close();
      expect(z.atEnd).toBe(true);
      expect(Buffer.from(out.subarray(0, got)).equals(Buffer.concat([decompress(a), decompress(b)]))).toBe(true);
      expect(z.peakQueuedBytes).toBeLessThanOrEqual(ZSTD_MAX_BLOCK_BYTES);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  test('ESH4 MBO 2023-12-25 cut mid-stream opens, streams trades, then is BAD_RECORD; cut in its metadata it does not open', async () => {
    const whole = readFileSync(dataFile('cme-esh4-mbo/esh4-glbx-mdp3-20231225.mbo.dbn.zst'));
    const dir = mkdtempSync(join(tmpdir(), 'mia-dbn-cut-'));
    const cut = join(dir, 'cut.dbn.zst');
    try {
      writeFileSync(cut, whole.subarray(0, whole.length >> 1));
      for (const chunkBytes of [undefined, 4096]) {
        const r = await DbnTradeReader.open(cut, { chunkBytes, batchSize: 1 });
        await expect(rows(r)).rejects.toMatchObject({ code: ErrorCode.BAD_RECORD, message: expect.stringContaining('zstd data is corrupt') });
        expect(r.stats.read).toBeGreaterThan(chunkBytes ? 10_000 : -1);
      }
      writeFileSync(cut, whole.subarray(0, 50)); // the metadata is the first frame, 92 bytes
      await expect(DbnTradeReader.open(cut)).rejects.toMatchObject({ code: ErrorCode.BAD_RECORD, message: expect.stringContaining('zstd data is corrupt') });
      // Cut between frames, the stream is whole as far as zstd can tell; a file with no record is refused (issue 14).
      writeFileSync(cut, whole.subarray(0, 92));
      await expect(rows(await DbnTradeReader.open(cut))).rejects.toMatchObject({ code: ErrorCode.BAD_RECORD, message: expect.stringContaining('no records after the metadata') });
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  test('ESU4 trades DBN equals its derived CSV; the MBP-1 DBN trades equal the MBP-1 CSV rows with action T', async () => {
    const dir = 'cme-es-nq-window/';
    const trades = 'futures_trades_2024-07-01T23-58_2024-07-02T00-02';
    const mbp = 'futures_mbp-1_2024-07-01T23-58_2024-07-02T00-02';
    const n = await expectSameTradesIsoCsv(
      await DbnTradeReader.open(dataFile(`${dir}${trades}.dbn.zst`)),
      await CsvTradeReader.open(dataFile(`${dir}${trades}.csv`)),
    );
    expect(n).toBeGreaterThan(0);
    const mbpCsv = await CsvTradeReader.open(dataFile(`${dir}${mbp}.csv`));
    const m = await expectSameTradesIsoCsv(await DbnTradeReader.open(dataFile(`${dir}${mbp}.dbn.zst`)), mbpCsv);
    expect(mbpCsv.stats.read).toBe(2288);
    expect(mbpCsv.stats.ignored).toBe(2288 - m);
    expect(m).toBe(n); // the MBP-1 feed carries the same trades as the trades feed
  });
});
