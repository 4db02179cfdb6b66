// The kernels write structs at the offsets of asm/layout.ts; FlatBuffers readers use the schema. Build
// each struct with the generated code and read it back at the kernel offsets: they must agree field by
// field, and in size.
import * as flatbuffers from 'flatbuffers';
import { describe, expect, test } from 'vitest';
import { Bar } from '../../src/generated/mia/bar.js';
import { BookLevel } from '../../src/generated/mia/book-level.js';
import { FeatureFrame } from '../../src/generated/mia/feature-frame.js';
import { FootprintLevel } from '../../src/generated/mia/footprint-level.js';
import { Quote } from '../../src/generated/mia/quote.js';
import { Snapshot } from '../../src/generated/mia/snapshot.js';
import { Trade } from '../../src/generated/mia/trade.js';
import * as L from '../../src/kernels/layout.js';

/** Builds one struct as the root of a buffer and returns a view of its bytes. */
function bytesOf(create: (b: flatbuffers.Builder) => flatbuffers.Offset, size: number): DataView {
  const b = new flatbuffers.Builder(256);
  b.finish(create(b));
  const buf = b.asUint8Array();
  const at = new DataView(buf.buffer, buf.byteOffset).getUint32(0, true);
  return new DataView(buf.buffer, buf.byteOffset + at, size);
}

describe('struct layouts: schema/mia.fbs = asm/layout.ts', () => {
  test('Trade', () => {
    expect(Trade.sizeOf()).toBe(L.TRADE_BYTES);
    const v = bytesOf((b) => Trade.createTrade(b, 1703545200085275419n, 4800.25, 44, 2, 1), L.TRADE_BYTES);
    expect(v.getBigInt64(L.TRADE_TS, true)).toBe(1703545200085275419n);
    expect(v.getFloat64(L.TRADE_PRICE, true)).toBe(4800.25);
    expect(v.getUint32(L.TRADE_SIZE, true)).toBe(44);
    expect(v.getUint8(L.TRADE_SIDE)).toBe(2);
    expect(v.getUint8(L.TRADE_FLAGS)).toBe(1);
  });

  test('Quote', () => {
    expect(Quote.sizeOf()).toBe(L.QUOTE_BYTES);
    const v = bytesOf((b) => Quote.createQuote(b, 7n, 4810, 4810.25, 12, 34), L.QUOTE_BYTES);
    expect([v.getBigInt64(L.QUOTE_TS, true), v.getFloat64(L.QUOTE_BID, true), v.getFloat64(L.QUOTE_ASK, true)]).toEqual([7n, 4810, 4810.25]);
    expect([v.getUint32(L.QUOTE_BID_SIZE, true), v.getUint32(L.QUOTE_ASK_SIZE, true)]).toEqual([12, 34]);
  });

  test('BookLevel', () => {
    expect(BookLevel.sizeOf()).toBe(L.BOOK_LEVEL_BYTES);
    const v = bytesOf((b) => BookLevel.createBookLevel(b, 4810.5, 99n, 3, 1), L.BOOK_LEVEL_BYTES);
    expect([v.getFloat64(L.BOOK_LEVEL_PRICE, true), v.getBigInt64(L.BOOK_LEVEL_SIZE, true)]).toEqual([4810.5, 99n]);
    expect([v.getUint32(L.BOOK_LEVEL_ORDERS, true), v.getUint8(L.BOOK_LEVEL_SIDE)]).toEqual([3, 1]);
  });

  test('FootprintLevel', () => {
    expect(FootprintLevel.sizeOf()).toBe(L.LEVEL_BYTES);
    const v = bytesOf((b) => FootprintLevel.createFootprintLevel(b, 4800.5, 10n, 20n, 31n, 4, 5), L.LEVEL_BYTES);
    expect([v.getFloat64(L.LEVEL_PRICE, true), v.getBigInt64(L.LEVEL_BID, true), v.getBigInt64(L.LEVEL_ASK, true), v.getBigInt64(L.LEVEL_VOLUME, true)])
      .toEqual([4800.5, 10n, 20n, 31n]);
    expect([v.getUint32(L.LEVEL_BID_TRADES, true), v.getUint32(L.LEVEL_ASK_TRADES, true)]).toEqual([4, 5]);
  });

  test('Bar: every field at its kernel offset', () => {
    expect(Bar.sizeOf()).toBe(L.BAR_BYTES);
    const v = bytesOf((b) => Bar.createBar(b, 1n, 2.5, 3.5, 4.5, 5.5, 6n, 7n, 8n, 9n, 10n, 11n, 12.5, 13.5, 14.5, 15.5, 16.5, 17.5, 18n, 19n, 20, 21, 22, 23, 24, 25), L.BAR_BYTES);
    const i64 = (o: number) => v.getBigInt64(o, true);
    const f64 = (o: number) => v.getFloat64(o, true);
    expect([i64(L.BAR_TS_OPEN), f64(L.BAR_OPEN), f64(L.BAR_HIGH), f64(L.BAR_LOW), f64(L.BAR_CLOSE)]).toEqual([1n, 2.5, 3.5, 4.5, 5.5]);
    expect([i64(L.BAR_VOLUME), i64(L.BAR_BUY_VOLUME), i64(L.BAR_SELL_VOLUME), i64(L.BAR_CUM_DELTA), i64(L.BAR_CUM_DELTA_HIGH), i64(L.BAR_CUM_DELTA_LOW)])
      .toEqual([6n, 7n, 8n, 9n, 10n, 11n]);
    expect([f64(L.BAR_VWAP), f64(L.BAR_SESSION_VWAP), f64(L.BAR_SESSION_SIGMA), f64(L.BAR_POC), f64(L.BAR_VAH), f64(L.BAR_VAL)])
      .toEqual([12.5, 13.5, 14.5, 15.5, 16.5, 17.5]);
    expect([i64(L.BAR_VA_VOLUME), i64(L.BAR_INFERRED_VOLUME)]).toEqual([18n, 19n]);
    expect([v.getUint32(L.BAR_TIMEFRAME_SEC, true), v.getUint32(L.BAR_TRADES, true)]).toEqual([20, 21]);
    expect([L.BAR_BUY_IMBALANCES, L.BAR_SELL_IMBALANCES, L.BAR_STACKED_BUY, L.BAR_STACKED_SELL].map((o) => v.getUint16(o, true))).toEqual([22, 23, 24, 25]);
  });
});

test('a Snapshot with two frames round-trips through the generated accessors', () => {
  const b = new flatbuffers.Builder(1024);
  const frame = (tf: number, poc: number): flatbuffers.Offset => {
    const hvn = FeatureFrame.createHvnVector(b, [poc - 1, poc + 1]);
    FeatureFrame.startFootprintVector(b, 1);
    FootprintLevel.createFootprintLevel(b, poc, 3n, 4n, 7n, 1, 2);
    const fp = b.endVector();
    FeatureFrame.startFeatureFrame(b);
    FeatureFrame.addTimeframeSec(b, tf);
    FeatureFrame.addBar(b, Bar.createBar(b, 60n, 1, 2, 0.5, 1.5, 10n, 6n, 4n, 2n, 3n, -1n, 1.2, 1.1, 0.3, poc, poc + 1, poc - 1, 7n, 0n, tf, 5, 1, 0, 0, 0));
    FeatureFrame.addFootprint(b, fp);
    FeatureFrame.addHvn(b, hvn);
    FeatureFrame.addSessionPoc(b, poc);
    FeatureFrame.addVwap(b, 4801.5);
    return FeatureFrame.endFeatureFrame(b);
  };
  const frames = Snapshot.createFramesVector(b, [frame(60, 4800), frame(300, 4802)]);
  const symbol = b.createString('ESH4');
  Snapshot.startSnapshot(b);
  Snapshot.addSymbol(b, symbol);
  Snapshot.addSequence(b, 42n);
  Snapshot.addTsNs(b, 1703545200000000000n);
  Snapshot.addTickSize(b, 0.25);
  Snapshot.addFrames(b, frames);
  Snapshot.addQuote(b, Quote.createQuote(b, 5n, 4800, 4800.25, 10, 11));
  Snapshot.addQuality(b, 2 | 16);
  Snapshot.finishSnapshotBuffer(b, Snapshot.endSnapshot(b));

  const s = Snapshot.getRootAsSnapshot(new flatbuffers.ByteBuffer(b.asUint8Array()));
  expect(Snapshot.bufferHasIdentifier(new flatbuffers.ByteBuffer(b.asUint8Array()))).toBe(true);
  expect([s.symbol(), s.sequence(), s.tsNs(), s.tickSize(), s.framesLength(), s.quality()]).toEqual(['ESH4', 42n, 1703545200000000000n, 0.25, 2, 18]);
  expect(s.quote()!.ask()).toBe(4800.25);
  const f1 = s.frames(1)!;
  expect([f1.timeframeSec(), f1.sessionPoc(), f1.vwap(), f1.hvnLength(), f1.hvn(1)]).toEqual([300, 4802, 4801.5, 2, 4803]);
  expect([f1.bar()!.poc(), f1.bar()!.cumDeltaLow(), f1.footprint(0)!.askTrades()]).toEqual([4802, -1n, 2]);
});
