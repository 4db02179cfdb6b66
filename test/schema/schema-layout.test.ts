// The kernels write structs at the offsets of asm/layout.ts (mirrored in src/kernels/layout.ts); FlatBuffers
// readers use schema/mia.fbs. A struct goes from shared memory onto the wire unchanged only if the two
// agree, so each struct is built with the generated createX helper and read back both at the kernel
// offsets and through the generated accessors. Values sit at the edges of their types (u32 max, negative
// and above-2^53 int64, u16 max) so a signedness or width mistake in the schema shows up too.
import * as flatbuffers from 'flatbuffers';
import { describe, expect, test } from 'vitest';
import { Bar } from '../../src/protocol/generated/mia/bar.js';
import { BookLevel } from '../../src/protocol/generated/mia/book-level.js';
import { FeatureFrame } from '../../src/protocol/generated/mia/feature-frame.js';
import { FootprintLevel } from '../../src/protocol/generated/mia/footprint-level.js';
import { QualityFlag } from '../../src/protocol/generated/mia/quality-flag.js';
import { Quote } from '../../src/protocol/generated/mia/quote.js';
import { Side } from '../../src/protocol/generated/mia/side.js';
import { Frame } from '../../src/protocol/generated/mia/frame.js';
import { Payload } from '../../src/protocol/generated/mia/payload.js';
import { Snapshot } from '../../src/protocol/generated/mia/snapshot.js';
import { Trade } from '../../src/protocol/generated/mia/trade.js';
import * as L from '../../src/kernels/layout.js';

type Kind = 'i64' | 'f64' | 'u32' | 'u16' | 'u8';
type Values = Record<string, bigint | number>;
/** One struct field: generated accessor name, kernel offset, machine type. Listed in offset order. */
type FieldSpec = readonly [accessor: string, offset: number, kind: Kind];
const WIDTH: Record<Kind, number> = { i64: 8, f64: 8, u32: 4, u16: 2, u8: 1 };
const U32_MAX = 0xffff_ffff;

const TRADE: FieldSpec[] = [['ts', L.TRADE_TS, 'i64'], ['price', L.TRADE_PRICE, 'f64'], ['size', L.TRADE_SIZE, 'u32'],
  ['side', L.TRADE_SIDE, 'u8'], ['flags', L.TRADE_FLAGS, 'u8']];
const QUOTE: FieldSpec[] = [['ts', L.QUOTE_TS, 'i64'], ['bid', L.QUOTE_BID, 'f64'], ['ask', L.QUOTE_ASK, 'f64'],
  ['bidSize', L.QUOTE_BID_SIZE, 'u32'], ['askSize', L.QUOTE_ASK_SIZE, 'u32']];
const BOOK_LEVEL: FieldSpec[] = [['price', L.BOOK_LEVEL_PRICE, 'f64'], ['size', L.BOOK_LEVEL_SIZE, 'i64'],
  ['orders', L.BOOK_LEVEL_ORDERS, 'u32'], ['side', L.BOOK_LEVEL_SIDE, 'u8']];
const LEVEL: FieldSpec[] = [['price', L.LEVEL_PRICE, 'f64'], ['bid', L.LEVEL_BID, 'i64'], ['ask', L.LEVEL_ASK, 'i64'],
  ['volume', L.LEVEL_VOLUME, 'i64'], ['bidTrades', L.LEVEL_BID_TRADES, 'u32'], ['askTrades', L.LEVEL_ASK_TRADES, 'u32']];
const BAR: FieldSpec[] = [['tsOpen', L.BAR_TS_OPEN, 'i64'], ['open', L.BAR_OPEN, 'f64'], ['high', L.BAR_HIGH, 'f64'],
  ['low', L.BAR_LOW, 'f64'], ['close', L.BAR_CLOSE, 'f64'], ['volume', L.BAR_VOLUME, 'i64'],
  ['buyVolume', L.BAR_BUY_VOLUME, 'i64'], ['sellVolume', L.BAR_SELL_VOLUME, 'i64'], ['cumDelta', L.BAR_CUM_DELTA, 'i64'],
  ['cumDeltaHigh', L.BAR_CUM_DELTA_HIGH, 'i64'], ['cumDeltaLow', L.BAR_CUM_DELTA_LOW, 'i64'], ['vwap', L.BAR_VWAP, 'f64'],
  ['sessionVwap', L.BAR_SESSION_VWAP, 'f64'], ['sessionSigma', L.BAR_SESSION_SIGMA, 'f64'], ['poc', L.BAR_POC, 'f64'],
  ['vah', L.BAR_VAH, 'f64'], ['val', L.BAR_VAL, 'f64'], ['vaVolume', L.BAR_VA_VOLUME, 'i64'],
  ['inferredVolume', L.BAR_INFERRED_VOLUME, 'i64'], ['timeframeSec', L.BAR_TIMEFRAME_SEC, 'u32'], ['trades', L.BAR_TRADES, 'u32'],
  ['buyImbalances', L.BAR_BUY_IMBALANCES, 'u16'], ['sellImbalances', L.BAR_SELL_IMBALANCES, 'u16'],
  ['stackedBuy', L.BAR_STACKED_BUY, 'u16'], ['stackedSell', L.BAR_STACKED_SELL, 'u16']];

// createX takes its fields positionally in schema order; these wrappers pass them by name.
const createTrade = (b: flatbuffers.Builder, v: Values): flatbuffers.Offset =>
  Trade.createTrade(b, big(v.ts), num(v.price), num(v.size), num(v.side), num(v.flags));
const createQuote = (b: flatbuffers.Builder, v: Values): flatbuffers.Offset =>
  Quote.createQuote(b, big(v.ts), num(v.bid), num(v.ask), num(v.bidSize), num(v.askSize));
const createBookLevel = (b: flatbuffers.Builder, v: Values): flatbuffers.Offset =>
  BookLevel.createBookLevel(b, num(v.price), big(v.size), num(v.orders), num(v.side));
const createLevel = (b: flatbuffers.Builder, v: Values): flatbuffers.Offset =>
  FootprintLevel.createFootprintLevel(b, num(v.price), big(v.bid), big(v.ask), big(v.volume), num(v.bidTrades), num(v.askTrades));
const createBar = (b: flatbuffers.Builder, v: Values): flatbuffers.Offset =>
  Bar.createBar(b, big(v.tsOpen), num(v.open), num(v.high), num(v.low), num(v.close), big(v.volume), big(v.buyVolume),
    big(v.sellVolume), big(v.cumDelta), big(v.cumDeltaHigh), big(v.cumDeltaLow), num(v.vwap), num(v.sessionVwap),
    num(v.sessionSigma), num(v.poc), num(v.vah), num(v.val), big(v.vaVolume), big(v.inferredVolume), num(v.timeframeSec),
    num(v.trades), num(v.buyImbalances), num(v.sellImbalances), num(v.stackedBuy), num(v.stackedSell));

function big(x: bigint | number | undefined): bigint {
  if (typeof x !== 'bigint') throw new TypeError(`expected a bigint, got ${String(x)}`);
  return x;
}
function num(x: bigint | number | undefined): number {
  if (typeof x !== 'number') throw new TypeError(`expected a number, got ${String(x)}`);
  return x;
}

/** Bar values, distinct per field and per `k`, with the edge cases described at the top of the file. */
function barValues(k: number): Values {
  return {
    tsOpen: 1703545200000000000n + BigInt(k), open: 4800.25 + k, high: 4803.5 + k, low: 4799 + k, close: 4801.75 + k,
    volume: 2n ** 62n + BigInt(k), buyVolume: 2n ** 61n + 3n, sellVolume: 2n ** 61n - 3n, cumDelta: -(2n ** 60n) - BigInt(k),
    cumDeltaHigh: 6n, cumDeltaLow: -(2n ** 63n), vwap: 4801.125 + k, sessionVwap: 4790.5, sessionSigma: 3.375,
    poc: 4801 + k, vah: 4802.5 + k, val: 4799.75 + k, vaVolume: 2n ** 53n + 1n, inferredVolume: 17n + BigInt(k),
    timeframeSec: 60 * (k + 1), trades: U32_MAX - k, buyImbalances: 3, sellImbalances: 0xfffe, stackedBuy: 1, stackedSell: 0xffff,
  };
}
const TRADE_VALUES: Values = { ts: 1703545200085275419n, price: 4800.25, size: U32_MAX, side: Side.Sell, flags: 0xa5 };
const QUOTE_VALUES: Values = { ts: 1703545200085275000n, bid: 4800, ask: 4800.25, bidSize: U32_MAX, askSize: 34 };
const BOOK_VALUES: Values = { price: 4810.5, size: 2n ** 62n + 1n, orders: U32_MAX, side: Side.Buy };
const levelValues = (price: number): Values =>
  ({ price, bid: 2n ** 60n + 1n, ask: 2n ** 59n + 3n, volume: 2n ** 60n + 2n ** 59n + 4n, bidTrades: U32_MAX, askTrades: 7 });

function readAt(v: DataView, kind: Kind, at: number): bigint | number {
  switch (kind) {
    case 'i64': return v.getBigInt64(at, true);
    case 'f64': return v.getFloat64(at, true);
    case 'u32': return v.getUint32(at, true);
    case 'u16': return v.getUint16(at, true);
    case 'u8': return v.getUint8(at);
  }
}

/** Calls each named zero-argument accessor of a generated struct or table object. */
function readAccessors(obj: object, names: readonly string[]): Values {
  const o = obj as Record<string, () => bigint | number>;
  return Object.fromEntries(names.map((n) => [n, o[n]!()]));
}

/** Builds one struct as a buffer's root; returns its bytes and the buffer position it starts at. */
function buildStruct(create: (b: flatbuffers.Builder) => flatbuffers.Offset): { bb: flatbuffers.ByteBuffer; pos: number } {
  const b = new flatbuffers.Builder(64);
  b.finish(create(b));
  const bb = new flatbuffers.ByteBuffer(b.asUint8Array());
  return { bb, pos: bb.readUint32(bb.position()) + bb.position() };
}

interface StructCase {
  name: string;
  bytes: number;
  sizeOf: number;
  spec: FieldSpec[];
  values: Values;
  create: (b: flatbuffers.Builder, v: Values) => flatbuffers.Offset;
  view: () => { __init(i: number, bb: flatbuffers.ByteBuffer): object };
}
const CASES: StructCase[] = [
  { name: 'Trade', bytes: L.TRADE_BYTES, sizeOf: Trade.sizeOf(), spec: TRADE, values: TRADE_VALUES, create: createTrade, view: () => new Trade() },
  { name: 'Quote', bytes: L.QUOTE_BYTES, sizeOf: Quote.sizeOf(), spec: QUOTE, values: QUOTE_VALUES, create: createQuote, view: () => new Quote() },
  { name: 'BookLevel', bytes: L.BOOK_LEVEL_BYTES, sizeOf: BookLevel.sizeOf(), spec: BOOK_LEVEL, values: BOOK_VALUES, create: createBookLevel, view: () => new BookLevel() },
  { name: 'FootprintLevel', bytes: L.LEVEL_BYTES, sizeOf: FootprintLevel.sizeOf(), spec: LEVEL, values: levelValues(4800.5), create: createLevel, view: () => new FootprintLevel() },
  { name: 'Bar', bytes: L.BAR_BYTES, sizeOf: Bar.sizeOf(), spec: BAR, values: barValues(1), create: createBar, view: () => new Bar() },
];

describe('struct layouts: schema/mia.fbs = asm/layout.ts', () => {
  describe.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    test('sizeof equals the kernel size', () => {
      expect(c.sizeOf).toBe(c.bytes);
    });

    test('fields are in offset order, packed without gaps, inside the struct', () => {
      expect(c.spec.map(([name]) => name).sort()).toEqual(Object.keys(c.values).sort());
      for (let i = 1; i < c.spec.length; i++) {
        const [, prevAt, prevKind] = c.spec[i - 1]!;
        expect(c.spec[i]![1]).toBe(prevAt + WIDTH[prevKind]);
      }
      const [, lastAt, lastKind] = c.spec.at(-1)!;
      expect(lastAt + WIDTH[lastKind]).toBeLessThanOrEqual(c.bytes);
    });

    test('each field written by createX sits at its kernel offset', () => {
      const { bb, pos } = buildStruct((b) => c.create(b, c.values));
      const v = new DataView(bb.bytes().buffer, bb.bytes().byteOffset + pos, c.bytes);
      for (const [name, at, kind] of c.spec) expect([name, readAt(v, kind, at)]).toEqual([name, c.values[name]]);
    });

    test('the generated accessors read back what was written', () => {
      const { bb, pos } = buildStruct((b) => c.create(b, c.values));
      expect(readAccessors(c.view().__init(pos, bb), c.spec.map(([name]) => name))).toEqual(c.values);
    });
  });
});

const FRAME_DOUBLES = ['sessionPoc', 'sessionVah', 'sessionVal', 'sessionVaCoverage', 'vwap', 'vwapSigma',
  'vwapUpper1', 'vwapLower1', 'vwapUpper2', 'vwapLower2', 'inferredShare'] as const;
const SNAPSHOT_SCALARS = ['sequence', 'tsNs', 'tickSize', 'sizeDecimals', 'quality', 'tTickReceived', 'tTapeCommitted',
  'tKernelsDone', 'tFrameBuilt', 'tPublished', 'tradesTotal', 'dataQuality'] as const;

interface FrameInput {
  timeframeSec: number;
  bar: Values;
  lastClosed: Values;
  footprint: Values[];
  hvn: number[];
  lvn: number[];
  doubles: Record<(typeof FRAME_DOUBLES)[number], number>;
}

function frameInput(k: number): FrameInput {
  const d = (x: number): number => x + 100 * k;
  return {
    timeframeSec: 60 * 5 ** k,
    bar: barValues(10 + k),
    lastClosed: barValues(20 + k),
    footprint: [levelValues(d(4800)), levelValues(d(4800.25)), levelValues(d(4800.5))],
    hvn: [d(4795.5), d(4801)],
    lvn: [d(4798.25)],
    doubles: {
      sessionPoc: d(4801), sessionVah: d(4803.5), sessionVal: d(4797.25), sessionVaCoverage: 0.7021, vwap: d(4800.875),
      vwapSigma: 2.5 + k, vwapUpper1: d(4803.375), vwapLower1: d(4798.375), vwapUpper2: d(4805.875), vwapLower2: d(4795.875),
      inferredShare: 0.125 * (k + 1),
    },
  };
}

function buildFrame(b: flatbuffers.Builder, f: FrameInput): flatbuffers.Offset {
  const hvn = FeatureFrame.createHvnVector(b, f.hvn);
  const lvn = FeatureFrame.createLvnVector(b, f.lvn);
  // The builder writes back to front: push struct vector elements last to first.
  FeatureFrame.startFootprintVector(b, f.footprint.length);
  for (const level of [...f.footprint].reverse()) createLevel(b, level);
  const footprint = b.endVector();
  FeatureFrame.startFeatureFrame(b);
  FeatureFrame.addTimeframeSec(b, f.timeframeSec);
  FeatureFrame.addBar(b, createBar(b, f.bar)); // structs are written inline, inside the table
  FeatureFrame.addLastClosed(b, createBar(b, f.lastClosed));
  FeatureFrame.addFootprint(b, footprint);
  FeatureFrame.addHvn(b, hvn);
  FeatureFrame.addLvn(b, lvn);
  const d = f.doubles;
  FeatureFrame.addSessionPoc(b, d.sessionPoc);
  FeatureFrame.addSessionVah(b, d.sessionVah);
  FeatureFrame.addSessionVal(b, d.sessionVal);
  FeatureFrame.addSessionVaCoverage(b, d.sessionVaCoverage);
  FeatureFrame.addVwap(b, d.vwap);
  FeatureFrame.addVwapSigma(b, d.vwapSigma);
  FeatureFrame.addVwapUpper1(b, d.vwapUpper1);
  FeatureFrame.addVwapLower1(b, d.vwapLower1);
  FeatureFrame.addVwapUpper2(b, d.vwapUpper2);
  FeatureFrame.addVwapLower2(b, d.vwapLower2);
  FeatureFrame.addInferredShare(b, d.inferredShare);
  return FeatureFrame.endFeatureFrame(b);
}

function readFrame(f: FeatureFrame): FrameInput {
  const fp: Values[] = [];
  for (let i = 0; i < f.footprintLength(); i++) fp.push(readAccessors(f.footprint(i)!, LEVEL.map(([n]) => n)));
  return {
    timeframeSec: f.timeframeSec(),
    bar: readAccessors(f.bar()!, BAR.map(([n]) => n)),
    lastClosed: readAccessors(f.lastClosed()!, BAR.map(([n]) => n)),
    footprint: fp,
    hvn: [...f.hvnArray()!],
    lvn: [...f.lvnArray()!],
    doubles: readAccessors(f, FRAME_DOUBLES) as FrameInput['doubles'],
  };
}

/** Wraps a finished Snapshot table in the Frame every stream message is, and finishes the buffer. */
function finishFrame(b: flatbuffers.Builder, snapshot: number): void {
  const topic = b.createString('snapshot.ES');
  Frame.finishFrameBuffer(b, Frame.createFrame(b, topic, Payload.Snapshot, snapshot));
}

/** The Snapshot inside a Frame buffer. */
function readSnapshot(bytes: Uint8Array): Snapshot {
  const f = Frame.getRootAsFrame(new flatbuffers.ByteBuffer(bytes));
  expect(f.payloadType()).toBe(Payload.Snapshot);
  return f.payload(new Snapshot()) as Snapshot;
}

describe('Snapshot', () => {
  test('a Snapshot with two frames round-trips through the generated accessors, every field', () => {
    const scalars = {
      sequence: 2n ** 64n - 2n, tsNs: 1703545200085275419n, tickSize: 0.25, sizeDecimals: 8,
      quality: QualityFlag.Gap | QualityFlag.Replay, tTickReceived: 1703545200085300000n, tTapeCommitted: 1703545200085310000n,
      tKernelsDone: 1703545200085420000n, tFrameBuilt: 1703545200085450000n, tPublished: 1703545200085460000n,
      tradesTotal: 2n ** 40n + 9n, dataQuality: 0.9375,
    };
    const frames = [frameInput(0), frameInput(1)];
    const b = new flatbuffers.Builder(1024);
    const frameVector = Snapshot.createFramesVector(b, frames.map((f) => buildFrame(b, f)));
    const symbol = b.createString('ESH4');
    Snapshot.startSnapshot(b);
    Snapshot.addSymbol(b, symbol);
    Snapshot.addSequence(b, scalars.sequence);
    Snapshot.addTsNs(b, scalars.tsNs);
    Snapshot.addTickSize(b, scalars.tickSize);
    Snapshot.addSizeDecimals(b, scalars.sizeDecimals);
    Snapshot.addFrames(b, frameVector);
    Snapshot.addQuote(b, createQuote(b, QUOTE_VALUES));
    Snapshot.addQuality(b, scalars.quality);
    Snapshot.addTTickReceived(b, scalars.tTickReceived);
    Snapshot.addTTapeCommitted(b, scalars.tTapeCommitted);
    Snapshot.addTKernelsDone(b, scalars.tKernelsDone);
    Snapshot.addTFrameBuilt(b, scalars.tFrameBuilt);
    Snapshot.addTPublished(b, scalars.tPublished);
    Snapshot.addTradesTotal(b, scalars.tradesTotal);
    Snapshot.addDataQuality(b, scalars.dataQuality);
    finishFrame(b, Snapshot.endSnapshot(b));

    expect(Frame.bufferHasIdentifier(new flatbuffers.ByteBuffer(b.asUint8Array()))).toBe(true);
    expect(Frame.getRootAsFrame(new flatbuffers.ByteBuffer(b.asUint8Array())).topic()).toBe('snapshot.ES');
    const s = readSnapshot(b.asUint8Array());
    expect(s.symbol()).toBe('ESH4');
    expect(readAccessors(s, SNAPSHOT_SCALARS)).toEqual(scalars);
    expect(readAccessors(s.quote()!, QUOTE.map(([n]) => n))).toEqual(QUOTE_VALUES);
    expect(s.framesLength()).toBe(2);
    expect([readFrame(s.frames(0)!), readFrame(s.frames(1)!)]).toEqual(frames);
  });

  test('absent fields read as their zero defaults (data quality: NaN); quality 0 means no flag', () => {
    const b = new flatbuffers.Builder(64);
    Snapshot.startSnapshot(b);
    finishFrame(b, Snapshot.endSnapshot(b));
    const s = readSnapshot(b.asUint8Array());
    expect(s.quality()).toBe(0);
    expect([s.symbol(), s.quote(), s.framesLength(), s.sequence(), s.tradesTotal()]).toEqual([null, null, 0, 0n, 0n]);
    // An absent data-quality score is unknown (NaN), never a perfect or a null score.
    expect(s.dataQuality()).toBeNaN();
  });

  test('a lone Stale flag is written, not dropped as a default, and reads back as 1', () => {
    const build = (quality: number | undefined): Uint8Array => {
      const b = new flatbuffers.Builder(64);
      Snapshot.startSnapshot(b);
      if (quality !== undefined) Snapshot.addQuality(b, quality);
      finishFrame(b, Snapshot.endSnapshot(b));
      return b.asUint8Array();
    };
    const stale = build(QualityFlag.Stale);
    expect(stale.length).toBeGreaterThan(build(undefined).length);
    expect(readSnapshot(stale).quality()).toBe(1);
  });
});
