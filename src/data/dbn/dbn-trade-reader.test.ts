import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ErrorCode } from '../../common/errors.js';
import type { TradeSource } from '../../model/trade-batch.js';
import { countDbnRecords, DbnTradeReader } from './dbn-trade-reader.js';

// Hand-built DBN v2: metadata (layout of databento/dbn metadata.rs, as in ../shared/data/tools/dbn2csv.py)
// followed by MBO records. symbol_cstr_len 71, one symbol, no mappings.
function metadataV2(symbol: string): Buffer {
  const body: Buffer[] = [];
  const u16 = (v: number) => { const b = Buffer.alloc(2); b.writeUInt16LE(v); return b; };
  const u32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };
  const u64 = (v: bigint) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(v); return b; };
  const fixed = (s: string, n: number) => { const b = Buffer.alloc(n); b.write(s, 'latin1'); return b; };
  body.push(fixed('GLBX.MDP3', 16), u16(0), u64(1n), u64(2n), u64(0n), Buffer.from([1, 1, 0]), u16(71), Buffer.alloc(53), u32(0));
  body.push(u32(1), fixed(symbol, 71), u32(0), u32(0), u32(0));
  const b = Buffer.concat(body);
  return Buffer.concat([Buffer.from('DBN'), Buffer.from([2]), u32(b.length), b]);
}

function mbo(ts: bigint, price: number, size: number, action: string, side: string): Buffer {
  const r = Buffer.alloc(56);
  r[0] = 56 / 4;
  r[1] = 0xa0;
  r.writeUInt32LE(118, 4);
  r.writeBigUInt64LE(ts, 8);
  r.writeBigInt64LE(BigInt(Math.round(price * 1e9)), 24);
  r.writeUInt32LE(size, 32);
  r.write(action, 38, 'latin1');
  r.write(side, 39, 'latin1');
  return r;
}

const dir = mkdtempSync(join(tmpdir(), 'mia-dbn-'));
let n = 0;
function file(...parts: Buffer[]): string {
  const p = join(dir, `f${n++}.dbn`);
  writeFileSync(p, Buffer.concat(parts));
  return p;
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
