// Issue 14's findings on trade values, through both readers: times the kernels cannot take and implausible
// prices are coded errors (or counted skips with --skip-bad), never trades.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { mbo, metadataV2 } from '../../test/fixtures/dbn-writer.js';
import { dataFile, HAVE_DATA } from '../../test/real-data/data-dir.js';
import { ErrorCode, MiaError } from '../common/errors.js';
import type { TradeSource } from '../model/trade-batch.js';
import { CsvTradeReader } from './csv-trade-reader.js';
import { DbnTradeReader } from './dbn/dbn-trade-reader.js';
import { ZstdFrameScanner } from './dbn/zstd-frame-scanner.js';

const dir = mkdtempSync(join(tmpdir(), 'mia-hostile-'));
let n = 0;
function file(name: string, bytes: string | Buffer): string {
  const folder = join(dir, String(n++)); // the name alone: a CSV's instrument is its file's name
  mkdirSync(folder);
  const p = join(folder, name);
  writeFileSync(p, bytes);
  return p;
}

async function count(s: TradeSource): Promise<number> {
  let trades = 0;
  for await (const b of s.batches()) trades += b.length;
  return trades;
}

const GOOD = '1703545200000000000,4800.25,3,B\n';
const csv = (...rows: string[]): string => `ts_event_ns,price,size,side\n${GOOD}${rows.join('')}`;

describe('trade times outside 1970-01-01 .. 2100-01-01', () => {
  // 2^63 - 60 s: hung the kernels; 2^64 + 5: wrapped to 1970; 2100-01-01 itself; an ISO time before the epoch.
  test.each(['9223372036794775807', '18446744073709551621', '4102444800000000000', '1969-12-31T23:59:59Z'])('CSV time %s is TIMESTAMP_OUT_OF_RANGE', async (ts) => {
    const p = file('esh4.csv', csv(`${ts},4800.5,1,S\n`));
    await expect(count(await CsvTradeReader.open(p))).rejects.toMatchObject({ code: ErrorCode.TIMESTAMP_OUT_OF_RANGE, message: expect.stringContaining('row 3') });
    const skipped = await CsvTradeReader.open(p, { skipBad: true });
    expect(await count(skipped)).toBe(1);
    expect(skipped.stats.skipped).toEqual({ [ErrorCode.TIMESTAMP_OUT_OF_RANGE]: 1 });
  });

  test.each([(1n << 63n) - 60_000_000_000n, (1n << 64n) - 1n, 4_102_444_800_000_000_000n])('DBN ts_event %s is TIMESTAMP_OUT_OF_RANGE', async (ts) => {
    const p = file('t.dbn', Buffer.concat([metadataV2('ESH4'), mbo(1_703_545_200_000_000_000n, 4800, 1, 'T', 'B'), mbo(ts, 4800, 1, 'T', 'B')]));
    await expect(count(await DbnTradeReader.open(p))).rejects.toMatchObject({ code: ErrorCode.TIMESTAMP_OUT_OF_RANGE, message: expect.stringContaining('record 1') });
    const skipped = await DbnTradeReader.open(p, { skipBad: true });
    expect(await count(skipped)).toBe(1);
    expect(skipped.stats.skipped).toEqual({ [ErrorCode.TIMESTAMP_OUT_OF_RANGE]: 1 });
  });
});

describe('implausible prices are refused, not clamped', () => {
  test.each(['1e300', '1000000.25', '0.1'])('an ES CSV price of %s is BAD_PRICE', async (price) => {
    const p = file('esh4_20231225_trades.csv', csv(`1703545200000000001,${price},1,S\n`));
    await expect(count(await CsvTradeReader.open(p))).rejects.toMatchObject({ code: ErrorCode.BAD_PRICE, message: expect.stringContaining('ESH4') });
  });

  test('a price over 100,000,000 of an instrument without a contract specification is BAD_PRICE', async () => {
    const p = file('btcusdt.csv', csv(`1703545200000000001,100000000.5,1,S\n`));
    await expect(count(await CsvTradeReader.open(p))).rejects.toMatchObject({ code: ErrorCode.BAD_PRICE, message: expect.stringContaining('up to 100000000') });
  });

  test('an ES DBN price of 1e9 is BAD_PRICE, and a skipped one is counted', async () => {
    const p = file('p.dbn', Buffer.concat([metadataV2('ESH4'), mbo(1n, 4800, 1, 'T', 'B'), mbo(2n, 1e9, 1, 'T', 'B')]));
    await expect(count(await DbnTradeReader.open(p))).rejects.toMatchObject({ code: ErrorCode.BAD_PRICE, message: expect.stringContaining("ESH4's plausible range") });
    const skipped = await DbnTradeReader.open(p, { skipBad: true });
    expect(await count(skipped)).toBe(1);
    expect(skipped.stats.skipped).toEqual({ [ErrorCode.BAD_PRICE]: 1 });
  });
});

describe('silent losses of issue 14 are coded errors', () => {
  test('CSV lines ending in a bare CR are BAD_HEADER, not an empty tape', async () => {
    const p = file('esh4.csv', csv('1703545200000000001,4800.5,1,S\n').replace(/\n/g, '\r'));
    await expect(CsvTradeReader.open(p)).rejects.toMatchObject({ code: ErrorCode.BAD_HEADER, message: expect.stringContaining('bare CR') });
  });

  test('a header with an action column the rows lack is BAD_ROW, not every row a book event', async () => {
    const p = file('esh4.csv', 'ts_event_ns,price,size,side,action\n1703545200000000000,4800.25,3,B\n1703545200000000001,4800.5,1,S\n');
    await expect(count(await CsvTradeReader.open(p))).rejects.toMatchObject({ code: ErrorCode.BAD_ROW, message: expect.stringContaining('row 2: the row has 4 fields, the header 5') });
  });

  test('a last row cut inside its size field is BAD_ROW, not a trade of size 1', async () => {
    const p = file('esh4.csv', 'ts_event_ns,ts_recv_ns,price,size,aggressor_side,order_id\n1703545200000000000,1703545200105900877,4800.25,44,N,0\n1703545200085275419,1703545200107250074,4800.25,1');
    await expect(count(await CsvTradeReader.open(p))).rejects.toMatchObject({ code: ErrorCode.BAD_ROW, message: expect.stringContaining('row 3') });
  });

  test('a truncated .csv.gz is one coded error (INPUT_UNREADABLE), not zlib\'s exception', async () => {
    const gz = gzipSync(Buffer.from(csv(...Array.from({ length: 200 }, (_, i) => `${1703545200000000001n + BigInt(i)},4800.5,1,S\n`))));
    const p = file('esh4.csv.gz', gz.subarray(0, gz.length - 30));
    const outcome = await CsvTradeReader.open(p).then(count).catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(MiaError);
    expect(outcome).toMatchObject({ code: ErrorCode.INPUT_UNREADABLE, message: expect.stringContaining('gzip data is corrupt or truncated') });
  });

  test('a DBN file with metadata and no records (a .dbn.zst cut after its metadata frame) is BAD_RECORD', async () => {
    const p = file('t.dbn', metadataV2('ESH4'));
    await expect(count(await DbnTradeReader.open(p))).rejects.toMatchObject({ code: ErrorCode.BAD_RECORD, message: expect.stringContaining('no records after the metadata') });
  });
});

describe.skipIf(!HAVE_DATA)('silent losses on the real ESH4 files (cme-esh4-mbo)', () => {
  test('the .dbn.zst cut after its first zstd frame (the metadata) is BAD_RECORD, not an empty tape', async () => {
    const b = readFileSync(dataFile('cme-esh4-mbo/esh4-glbx-mdp3-20231225.mbo.dbn.zst'));
    const scanner = new ZstdFrameScanner('cut');
    let at = 0;
    do at = scanner.next(b, at, b.length); while (!scanner.atFrameStart);
    expect(at).toBeLessThan(b.length / 10);
    const p = file('cut.dbn.zst', b.subarray(0, at));
    await expect(count(await DbnTradeReader.open(p))).rejects.toMatchObject({ code: ErrorCode.BAD_RECORD, message: expect.stringContaining('no records after the metadata') });
  });

  test('the trades CSV cut inside the size field of a row is BAD_ROW', async () => {
    const text = readFileSync(dataFile('cme-esh4-mbo/esh4_20231225_trades.csv'), 'latin1');
    const row = text.indexOf('\n1703545200085275419,');
    const sizeAt = text.indexOf(',4800.25,', row) + ',4800.25,'.length;
    const p = file('esh4_20231225_trades.csv', text.slice(0, sizeAt + 1));
    await expect(count(await CsvTradeReader.open(p))).rejects.toMatchObject({ code: ErrorCode.BAD_ROW, message: expect.stringContaining('row 3') });
  });
});
