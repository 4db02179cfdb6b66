// The DBN reader on real Databento files: record counts from data/README.md, and trade-for-trade
// equality with the CSVs derived from the same files by ../shared/data/tools/dbn2csv.py.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decompress } from 'fzstd';
import { describe, expect, test } from 'vitest';
import { CsvTradeReader } from '../../src/data/csv-trade-reader.js';
import { countDbnRecords, DbnTradeReader } from '../../src/data/dbn/dbn-trade-reader.js';
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

  test('ESH4 MBO 2023-12-25 decompressed to plain DBN streams the same 2,973 trades, whatever the chunk size', async () => {
    const zst = dataFile('cme-esh4-mbo/esh4-glbx-mdp3-20231225.mbo.dbn.zst');
    const dir = mkdtempSync(join(tmpdir(), 'mia-dbn-plain-'));
    const plain = join(dir, 'esh4-glbx-mdp3-20231225.mbo.dbn');
    writeFileSync(plain, decompress(readFileSync(zst)));
    try {
      const fromZst = await DbnTradeReader.open(zst);
      const expected = await rows(fromZst);
      expect(expected).toHaveLength(2973);
      for (const chunkBytes of [undefined, 65536, 4099]) { // 4099: records straddle nearly every chunk boundary
        const r = await DbnTradeReader.open(plain, { chunkBytes });
        expect(await rows(r), `chunk ${chunkBytes ?? 'default'}`).toEqual(expected);
        expect(r.stats).toEqual(fromZst.stats);
      }
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
