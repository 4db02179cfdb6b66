import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { dataFile, HAVE_DATA } from '../../test/real-data/data-dir.js';
import { ErrorCode, MiaError } from '../common/errors.js';
import { Side } from '../model/side.js';
import type { TradeSource } from '../model/trade-batch.js';
import { CsvTradeReader } from './csv-trade-reader.js';
import { CsvTextReader } from '../../test/reference/csv-text-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'mia-csv-'));
let n = 0;
function file(text: string | Buffer, ext = '.csv'): string {
  const p = join(dir, `t${n++}${ext}`);
  writeFileSync(p, text);
  return p;
}

async function all(source: TradeSource): Promise<{ ts: bigint; price: number; size: number; side: number; origin: number }[]> {
  const out = [];
  for await (const b of source.batches()) {
    for (let i = 0; i < b.length; i++) out.push({ ts: b.tsNs(i), price: b.price[i]!, size: b.size[i]!, side: b.side[i]!, origin: b.origin[i]! });
  }
  return out;
}

async function failure(text: string): Promise<MiaError> {
  try {
    await all(await CsvTradeReader.open(file(text)));
  } catch (e) {
    if (e instanceof MiaError) return e;
    throw e;
  }
  throw new Error('no error raised');
}

describe('CsvTradeReader', () => {
  test('timestamps in ns, ms and s by magnitude, and ISO-8601 with nanoseconds', async () => {
    const t = await all(await CsvTradeReader.open(file(
      'ts,price,size\n1703545200000000001,1,1\n1703545200001,1,1\n1703545201,1,1\n2023-12-25T23:00:02.123456789Z,1,1\n2023-12-25 23:00:03-01:00,1,1\n',
    )));
    expect(t.map((x) => x.ts)).toEqual([
      1703545200000000001n, 1703545200001000000n, 1703545201000000000n, 1703545202123456789n, 1703548803000000000n,
    ]);
  });

  test('headers by name in any order, case-insensitive, with an index column', async () => {
    const r = await CsvTradeReader.open(file(',Timestamp,id,Side,Price,Amount\n0,1675329600138,9,buy,1666.8,26.062\n1,1675329600214,10,sell,1666.79,0.152\n'));
    expect(r.info.sizeDecimals).toBe(3);
    expect(r.info.hasSides).toBe(true);
    expect(await all(r)).toEqual([
      { ts: 1675329600138000000n, price: 1666.8, size: 26062, side: Side.Buy, origin: 2 },
      { ts: 1675329600214000000n, price: 1666.79, size: 152, side: Side.Sell, origin: 3 },
    ]);
  });

  test('side spellings: B, buy, S, A, sell, N, empty', async () => {
    const t = await all(await CsvTradeReader.open(file('ts,price,size,aggressor_side\n1,1,1,B\n2,1,1,buy\n3,1,1,S\n4,1,1,A\n5,1,1,SELL\n6,1,1,N\n7,1,1,\n')));
    expect(t.map((x) => x.side)).toEqual([1, 1, 2, 2, 2, 0, 0]);
  });

  test('fractional sizes become exact raw integers at the finest precision in the file', async () => {
    const r = await CsvTradeReader.open(file('ts,price,qty\n1,90000.5,0.00027625\n2,90000.5,1.5\n3,90000.5,42\n'));
    expect(r.info.sizeDecimals).toBe(8);
    expect((await all(r)).map((x) => x.size)).toEqual([27625, 150000000, 4200000000]);
  });

  test('a size finer than an explicit precision is refused with its code', async () => {
    const r = await CsvTradeReader.open(file('ts,price,size\n1,1,0.5\n'), { sizeDecimals: 0 });
    await expect(all(r)).rejects.toMatchObject({ code: ErrorCode.BAD_SIZE, message: expect.stringContaining('row 2') });
  });

  test('rows whose action is not T are book events, counted as ignored', async () => {
    const r = await CsvTradeReader.open(file('ts_event,action,side,price,size\n1,A,B,1,5\n2,T,A,1,2\n3,C,A,1,2\n'));
    expect(await all(r)).toHaveLength(1);
    expect(r.stats).toMatchObject({ read: 3, trades: 1, ignored: 2 });
  });

  test('a malformed row stops the read with file, row and reason', async () => {
    const e = await failure('ts,price,size\n1,1,1\n2,abc,1\n');
    expect(e.code).toBe(ErrorCode.BAD_PRICE);
    expect(e.message).toMatch(/t\d+\.csv: row 3: price "abc"/);
    expect((await failure('ts,price,size\n1,1,1\n2,1\n')).code).toBe(ErrorCode.BAD_ROW);
    expect((await failure('ts,price,size\nnot-a-time,1,1\n')).code).toBe(ErrorCode.BAD_ROW);
    expect((await failure('ts,price,size\n1,-5,1\n')).code).toBe(ErrorCode.BAD_PRICE);
    expect((await failure('ts,price,size\n1,5,0\n')).code).toBe(ErrorCode.BAD_SIZE);
    expect((await failure('ts,price,size,side\n1,5,1,X\n')).code).toBe(ErrorCode.BAD_ROW);
    expect((await failure('ts,price,size\n2,5,1\n1,5,1\n')).code).toBe(ErrorCode.OUT_OF_ORDER);
    expect((await failure('ts,price,size\n1,"5,1\n')).code).toBe(ErrorCode.BAD_ROW);
  });

  test('a header without the needed columns, and a missing file, are coded errors', async () => {
    await expect(CsvTradeReader.open(file('time,px,qty\n1,1,1\n'))).rejects.toMatchObject({ code: ErrorCode.BAD_HEADER });
    await expect(CsvTradeReader.open(join(dir, 'absent.csv'))).rejects.toMatchObject({ code: ErrorCode.INPUT_UNREADABLE });
  });

  test('a bad header is one sentence naming the file, the columns missing, the columns found and the ones a trade file needs', async () => {
    const needs = 'a trade file needs a timestamp (ts_event_ns, ts_event, ts or timestamp), a price (price) and a size (size, qty, amount or volume) column';
    const path = file('ts,qty,side\n1,1,B\n');
    await expect(CsvTradeReader.open(path)).rejects.toMatchObject({
      code: ErrorCode.BAD_HEADER, details: { file: path, row: 1, missing: ['price'], found: ['ts', 'qty', 'side'] },
      message: `${path}: the header has no price column (found: ts, qty, side); ${needs}`,
    });
    const two = file('time,Px,qty\n1,1,1\n');
    await expect(CsvTradeReader.open(two)).rejects.toMatchObject({ message: `${two}: the header has no timestamp or price column (found: time, px, qty); ${needs}` });
    const data = file('1703545200,4800.25,3\n');
    await expect(CsvTradeReader.open(data)).rejects.toMatchObject({
      message: `${data}: the header has no timestamp, price or size column (found: 1703545200, 4800.25, 3); ${needs}`,
    });
    const empty = file('');
    await expect(CsvTradeReader.open(empty)).rejects.toMatchObject({ code: ErrorCode.BAD_HEADER, message: `${empty}: the file is empty, with no header line; ${needs}` });
  });

  test('skipBad skips, counts by code and reports each bad row', async () => {
    const seen: string[] = [];
    const r = await CsvTradeReader.open(file('ts,price,size\n1,1,1\n2,x,1\n3,1,-1\n4,1,2\n'), { skipBad: true, onSkip: (e) => seen.push(e.message) });
    expect((await all(r)).map((x) => x.size)).toEqual([1, 2]);
    expect(r.stats.skipped).toEqual({ [ErrorCode.BAD_PRICE]: 1, [ErrorCode.BAD_SIZE]: 1 });
    expect(seen).toHaveLength(2);
  });

  test('property: any valid trades written as CSV read back exactly', async () => {
    const trade = fc.record({
      dt: fc.bigInt({ min: 0n, max: 10n ** 12n }),
      ticks: fc.integer({ min: 1, max: 4_000_000 }),
      size: fc.integer({ min: 1, max: 4_000_000_000 }),
      side: fc.constantFrom('B', 'A', 'N', ''),
    });
    await fc.assert(fc.asyncProperty(fc.array(trade, { minLength: 1, maxLength: 50 }), async (trades) => {
      let ts = 1_700_000_000_000_000_000n;
      const lines = ['ts_event_ns,price,size,side'];
      const expected = trades.map((t, i) => {
        ts += t.dt;
        const price = t.ticks * 0.25;
        lines.push(`${ts},${price},${(t.size / 1e4).toFixed(4)},${t.side}`);
        return { ts, price, size: t.size, side: t.side === 'B' ? 1 : t.side === 'A' ? 2 : 0, origin: i + 2 };
      });
      const r = await CsvTradeReader.open(file(lines.join('\n')), { sizeDecimals: 4 });
      expect(await all(r)).toEqual(expected);
    }), { numRuns: 40 });
  });
});

describe('CsvTradeReader with a symbol column', () => {
  const two = 'ts,symbol,price,size,side\n1,ESU4,5500,1,B\n2,NQU4,19000,2,A\n3,ESU4,5500.25,3,B\n';

  test('two instruments in one file stop the read unless --symbol chooses one', async () => {
    await expect(all(await CsvTradeReader.open(file(two)))).rejects.toMatchObject({
      code: ErrorCode.MULTIPLE_INSTRUMENTS, message: expect.stringContaining('row 3: trades of ESU4 and NQU4'),
    });
    const nq = await CsvTradeReader.open(file(two), { symbol: 'NQU4' });
    expect((await all(nq)).map((t) => t.price)).toEqual([19000]);
    expect(nq.stats.ignored).toBe(2);
    await expect(CsvTradeReader.open(file(two), { symbol: 'YMU4' })).rejects.toMatchObject({ code: ErrorCode.UNKNOWN_SYMBOL });
  });
});

describe('CsvTradeReader without a symbol column', () => {
  /** A one-instrument file under the name `name`, as Databento's per-contract trade files are named. */
  function named(name: string): string {
    const p = join(mkdtempSync(join(dir, 'named-')), name);
    writeFileSync(p, 'ts,price,size,side\n1,4800.25,2,B\n2,4800.5,1,A\n');
    return p;
  }

  test('the file is known by its name: the symbol is the name before the first dot', async () => {
    expect((await CsvTradeReader.open(named('esh4_20231225_trades.csv'))).info.symbol).toBe('esh4_20231225_trades');
  });

  test('--symbol naming the file (its name or the name\'s first word, in any case) reads every trade under that symbol', async () => {
    for (const symbol of ['ESH4', 'esh4', 'esh4_20231225_trades', 'ESH4_20231225_TRADES']) {
      const r = await CsvTradeReader.open(named('esh4_20231225_trades.csv'), { symbol });
      expect(r.info.symbol, symbol).toBe(symbol);
      expect(await all(r), symbol).toHaveLength(2);
    }
  });

  test('any other --symbol is UNKNOWN_SYMBOL saying the file has no symbol column and the name it is known by', async () => {
    for (const [symbol, options] of [['NQ', {}], ['ES', {}], ['ESH', { sizeDecimals: 0 }], ['', {}]] as const) {
      const path = named('esh4_20231225_trades.csv');
      const e = await CsvTradeReader.open(path, { ...options, symbol }).catch((x: unknown) => x);
      expect(e, symbol).toMatchObject({ code: ErrorCode.UNKNOWN_SYMBOL, details: { file: path, symbol } });
      expect((e as Error).message).toBe(`${path}: the file has no symbol column, so it holds one instrument, known by its file name as "ESH4"; ` +
        `--symbol "${symbol}" is not that name (leave --symbol out, or give "ESH4")`);
    }
  });
});

describe('CsvTradeReader chunks', () => {
  const text = 'ts,price,size,side\r\n1,4800.25,2,B\r\n\r\n2,"4800,5",1,A\r\n3,4800.5,1,S\r\n4,4801,7,N';

  test('a BOM, CRLF line ends, an empty line, a quoted row and no final line end read the same with any chunk size', async () => {
    const path = file(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    const expected = [
      { ts: 1_000_000_000n, price: 4800.25, size: 2, side: Side.Buy, origin: 2 },
      { ts: 3_000_000_000n, price: 4800.5, size: 1, side: Side.Sell, origin: 5 },
      { ts: 4_000_000_000n, price: 4801, size: 7, side: Side.None, origin: 6 },
    ];
    for (let chunkBytes = 1; chunkBytes <= text.length + 4; chunkBytes++) {
      const r = await CsvTradeReader.open(path, { chunkBytes, skipBad: true });
      expect(await all(r), `chunk ${chunkBytes}`).toEqual(expected);
      expect(r.stats).toEqual({ read: 4, trades: 3, ignored: 0, skipped: { [ErrorCode.BAD_PRICE]: 1 } });
    }
  });

  test('a row longer than the chunk buffer grows it', async () => {
    const wide = `ts,price,size,note\n1,5,1,${'x'.repeat(5000)}\n2,6,1,y\n`;
    const r = await CsvTradeReader.open(file(wide), { chunkBytes: 64 });
    expect((await all(r)).map((t) => t.price)).toEqual([5, 6]);
  });

  test('gzip files read as their plain text', async () => {
    const r = await CsvTradeReader.open(file(gzipSync(text), '.csv.gz'), { chunkBytes: 7, skipBad: true });
    expect((await all(r)).map((t) => t.size)).toEqual([2, 1, 7]);
  });

  test('a read stopped early closes the file; the next read starts over in the same buffer', async () => {
    const r = await CsvTradeReader.open(file(text), { batchSize: 1, skipBad: true, chunkBytes: 16 });
    for await (const b of r.batches()) {
      expect(b.price[0]).toBe(4800.25);
      break;
    }
    const [a, b] = await Promise.all([all(r), all(r)]); // two reads at once: each its own buffer
    expect(a.map((t) => t.origin)).toEqual([2, 5, 6]);
    expect(b).toEqual(a);
  });

  test('a file that shrinks while read, or cannot be read, is INPUT_UNREADABLE, not a shorter tape', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i + 1},5,1\n`).join('');
    const p = file(`ts,price,size\n${rows}`);
    const r = await CsvTradeReader.open(p, { batchSize: 1, chunkBytes: 16 });
    const it = r.batches()[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    truncateSync(p, 14 + 9 * 6); // on a row boundary: nothing in the bytes left looks wrong
    await expect((async () => { while (!(await it.next()).done); })()).rejects.toMatchObject({ code: ErrorCode.INPUT_UNREADABLE });

    // A directory opens, and its first read fails (EISDIR): a system error mid-file, coded.
    await expect(CsvTradeReader.open(dir)).rejects.toMatchObject({ code: ErrorCode.INPUT_UNREADABLE });
  });

  test('chunkBytes must be a positive integer', async () => {
    for (const chunkBytes of [0, -1, 1.5, Number.NaN]) {
      await expect(CsvTradeReader.open(file(text), { chunkBytes })).rejects.toMatchObject({ code: ErrorCode.BAD_ARGUMENT });
    }
  });
});

describe.skipIf(!HAVE_DATA)('CsvTradeReader on real data (cme-esh4-mbo)', () => {
  test('ESH4 2023-12-25 still gives 2,973 trades, 9,892 contracts, first 4800.25 and last 4810, as the string reader did', async () => {
    const path = dataFile('cme-esh4-mbo/esh4_20231225_trades.csv');
    const r = await CsvTradeReader.open(path);
    const trades = await all(r);
    expect(trades).toHaveLength(2973);
    expect(trades.reduce((s, t) => s + t.size, 0)).toBe(9892);
    expect(trades[0]).toEqual({ ts: 1703545200000000000n, price: 4800.25, size: 44, side: Side.None, origin: 2 });
    expect(trades.at(-1)).toEqual({ ts: 1703548796799167221n, price: 4810, size: 1, side: Side.Sell, origin: 2974 });
    expect(r.stats).toEqual({ read: 2973, trades: 2973, ignored: 0, skipped: {} });
    expect(trades).toEqual(await all(await CsvTextReader.open(path)));
    expect(await all(await CsvTradeReader.open(path, { chunkBytes: 4099 }))).toEqual(trades);
  });
});
