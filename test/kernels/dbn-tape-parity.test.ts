// The DBN reader's two paths onto the tape held to each other: `batches()` (JS decode into a TradeBatch, then
// TapeWriter.append) and `fillTape()` (the kernels' decoder, asm/dbn-trades.ts, writing Trade structs in place
// from the file bytes read into the shared memory). Over generated DBN streams with every kind of record the
// reader accepts, ignores, skips or refuses, at any chunk size, batch size, tape size, --symbol and --skip-bad,
// both must put the same trades on the tape (every byte of each Trade struct), hand them to the kernels in the
// same runs (which fixes the order `mia features` writes bars in), and end with the same stats or the same coded
// error and message.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { MiaError } from '../../src/common/errors.js';
import { DbnTradeReader, type DbnReaderOptions } from '../../src/data/dbn/dbn-trade-reader.js';
import * as L from '../../src/kernels/layout.js';
import { MemoryPlan } from '../../src/kernels/memory-plan.js';
import { SymbolState } from '../../src/kernels/symbol-state.js';
import { inputRegionBytes, TapeIntake } from '../../src/kernels/tape-intake.js';
import { TapeWriter } from '../../src/kernels/tape-writer.js';
import { DEFAULT_FEATURE_CONFIG } from '../../src/model/bar-features.js';
import { DbnInstruments, DbnStop } from '../../src/model/trade-tape.js';
import { loadDbn } from '../../src/data/dbn/dbn-file.js';
import { metadataV2 } from '../fixtures/dbn-writer.js';
import { dataFile, HAVE_DATA } from '../real-data/data-dir.js';

const dir = mkdtempSync(join(tmpdir(), 'mia-dbn-parity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

const UNDEF_PRICE = 0x7fffffffffffffffn;
const NS_2100 = 4_102_444_800_000_000_000n;
/** ES, 9200 and 7 are the instruments of the generated files; the metadata maps ESU4 to two of them. */
const MAPPINGS = { ESU4: [118, 9200], NQU4: [7] };

/** One generated record: a trade or book event of a trade schema, another record type, or a record too short. */
interface GenRecord {
  kind: 'mbo' | 'mbp0' | 'mbp1' | 'ohlcv' | 'other' | 'short';
  id: number;
  ts: bigint;
  price: bigint; // 1e-9 units, as the file holds it
  size: number;
  action: string;
  side: string;
  /** For `short`: the rtype and a length below its minimum (records.ts minRecordBytes). */
  short: readonly [number, number];
}

function bytesOf(r: GenRecord): Buffer {
  const len = r.kind === 'short' ? r.short[1] : { mbo: 56, mbp0: 48, mbp1: 80, ohlcv: 56, other: 16 }[r.kind];
  const b = Buffer.alloc(Math.max(len, 16));
  b[0] = len / 4;
  b[1] = r.kind === 'short' ? r.short[0] : { mbo: 0xa0, mbp0: 0x00, mbp1: 0x01, ohlcv: 0x21, other: 0x17 }[r.kind];
  b.writeUInt32LE(r.id, 4);
  b.writeBigUInt64LE(r.ts, 8);
  if (r.kind === 'mbo') {
    b.writeBigInt64LE(r.price, 24);
    b.writeUInt32LE(r.size, 32);
    b.write(r.action, 38, 'latin1');
    b.write(r.side, 39, 'latin1');
  } else if (r.kind === 'mbp0' || r.kind === 'mbp1') {
    b.writeBigInt64LE(r.price, 16);
    b.writeUInt32LE(r.size, 24);
    b.write(r.action, 28, 'latin1');
    b.write(r.side, 29, 'latin1');
  }
  return b;
}

const TICK_9 = 250_000_000n; // 0.25 in 1e-9 units
const record: fc.Arbitrary<GenRecord> = fc.record({
  kind: fc.oneof(
    { weight: 12, arbitrary: fc.constant('mbo' as const) },
    { weight: 3, arbitrary: fc.constantFrom('mbp0' as const, 'mbp1' as const) },
    { weight: 1, arbitrary: fc.constantFrom('ohlcv' as const, 'other' as const, 'short' as const) },
  ),
  id: fc.oneof({ weight: 20, arbitrary: fc.constant(118) }, { weight: 1, arbitrary: fc.constantFrom(9200, 7) }),
  ts: fc.oneof(
    { weight: 30, arbitrary: fc.bigInt(0n, 40n) }, // steps from the record before (below); 0 repeats its time
    { weight: 1, arbitrary: fc.constantFrom(-5n, NS_2100, 1n << 63n, (1n << 64n) - 1n) }, // back in time, or out of range
  ),
  price: fc.oneof(
    { weight: 30, arbitrary: fc.bigInt(19_000n, 19_400n).map((t) => t * TICK_9) },
    { weight: 1, arbitrary: fc.constantFrom(0n, -TICK_9, UNDEF_PRICE, 100_000_000n, 1_000_000n * 1_000_000_000n + 1n, 1n << 62n) },
  ),
  size: fc.oneof({ weight: 20, arbitrary: fc.integer({ min: 1, max: 50 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 0xffffffff) }),
  action: fc.oneof({ weight: 6, arbitrary: fc.constant('T') }, { weight: 1, arbitrary: fc.constantFrom('A', 'C', 'M', 'F', 'R') }),
  side: fc.constantFrom('A', 'B', 'N', 'x'),
  short: fc.constantFrom([0xa0, 52], [0xa0, 40], [0x00, 44], [0x01, 76], [0x01, 48], [0x21, 52], [0x24, 20], [0x17, 12], [0x17, 0]) as fc.Arbitrary<readonly [number, number]>,
});

/** A file of generated records: times run forward from 10^18 ns by each record's step; out-of-range times as drawn. */
function fileOf(records: GenRecord[], cut: number): string {
  let t = 1_000_000_000_000_000_000n;
  const parts = [metadataV2('ESU4', MAPPINGS)];
  for (const r of records) {
    const special = r.ts === NS_2100 || r.ts >= 1n << 63n;
    if (r.ts === -5n) t -= 5n;
    else if (!special) t += r.ts;
    parts.push(bytesOf({ ...r, ts: special ? r.ts : t }));
  }
  const all = Buffer.concat(parts);
  const p = join(dir, `f${files++}.dbn`);
  writeFileSync(p, cut > 0 ? all.subarray(0, Math.max(all.length - cut, 0)) : all);
  return p;
}

/** What a path gave: the kernels' runs (each the Trade structs on the tape it covered), then stats or the error. */
interface PathOutcome {
  runs: string[][];
  stats: unknown;
  error?: { code: string; message: string };
}

/** A one-symbol memory whose tape holds `tapeTrades`, and a fresh writer on it. */
function tapeOf(tapeTrades: number, inputBytes: number): { memory: WebAssembly.Memory; plan: MemoryPlan; writer: TapeWriter } {
  const plan = new MemoryPlan({ symbols: 1, timeframes: 1, tapeCapacity: tapeTrades, gridRows: 16, ringBars: 4, footprintLevels: 4, inputBytes });
  const memory = plan.allocate();
  const state = new SymbolState(memory, plan.regions[0]!, { ...DEFAULT_FEATURE_CONFIG, timeframesSec: [60], sizeDecimals: 0 }, { ringMode: 'replay', footprint: false });
  return { memory, plan, writer: new TapeWriter(state, memory, false) };
}

/** Reads `path` through one path, as the feature pass consumes it: a run of the kernels at each hand-over, a full tape rewound. */
async function outcomeOf(path: string, options: DbnReaderOptions, tapeTrades: number, direct: boolean): Promise<PathOutcome> {
  let reader: DbnTradeReader;
  try {
    reader = await DbnTradeReader.open(path, options);
  } catch (e) {
    if (!(e instanceof MiaError)) throw e;
    return { runs: [], stats: undefined, error: { code: e.code, message: e.message } };
  }
  const { memory, plan, writer } = tapeOf(tapeTrades, inputRegionBytes(reader.tapeInputBytes));
  const mem = new DataView(memory.buffer);
  const runs: string[][] = [];
  let cursor = 0;
  // Stands in for the kernels: takes the trades committed since the last run, marks them processed.
  const run = (): void => {
    const trades: string[] = [];
    for (; cursor < writer.length; cursor++) {
      const at = plan.regions[0]!.tape + cursor * L.TRADE_BYTES;
      trades.push(`${mem.getBigUint64(at, true)} ${mem.getFloat64(at + L.TRADE_PRICE, true)} ${mem.getUint32(at + L.TRADE_SIZE, true)} ` +
        `${mem.getUint8(at + L.TRADE_SIDE)} ${mem.getUint8(at + L.TRADE_FLAGS)}`);
    }
    runs.push(trades);
    mem.setInt32(plan.regions[0]!.state + L.S_CURSOR, cursor, true);
    if (writer.free === 0) {
      writer.rewind();
      cursor = 0;
    }
  };
  try {
    if (direct) {
      for await (const n of reader.fillTape(new TapeIntake(writer, memory, plan.input))) if (n >= 0) run();
    } else {
      for await (const batch of reader.batches()) {
        for (let from = 0; from < batch.length;) {
          from += writer.append(batch, from);
          run();
        }
      }
    }
  } catch (e) {
    if (!(e instanceof MiaError)) throw e;
    return { runs, stats: structuredClone(reader.stats), error: { code: e.code, message: e.message } };
  }
  return { runs, stats: structuredClone(reader.stats) };
}

describe('DBN onto the tape: the kernels decoder and the JS reader agree', () => {
  test('the decoder block constants of the model mirror asm/layout.ts', () => {
    expect(DbnInstruments).toEqual({ First: L.DBN_FIRST, Any: L.DBN_ANY, One: L.DBN_ONE });
    expect(DbnStop).toEqual({ More: L.DBN_STOP_MORE, Full: L.DBN_STOP_FULL, Record: L.DBN_STOP_RECORD });
  });

  test('property: same trades, same kernel runs, same stats or the same coded error, whatever the chunk, batch and tape sizes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { minLength: 0, maxLength: 120 }),
        fc.record({
          cut: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 60 }) }),
          skipBad: fc.boolean(),
          chunkBytes: fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined }),
          batchSize: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
          symbol: fc.constantFrom(undefined, '9200', 'ESU4', 'NQU4', '118'),
          tapeTrades: fc.integer({ min: 1, max: 60 }),
        }),
        async (records, o) => {
          const path = fileOf(records, o.cut);
          const options: DbnReaderOptions = { skipBad: o.skipBad, chunkBytes: o.chunkBytes, batchSize: o.batchSize, symbol: o.symbol };
          const viaBatches = await outcomeOf(path, options, o.tapeTrades, false);
          const inPlace = await outcomeOf(path, options, o.tapeTrades, true);
          expect(inPlace).toEqual(viaBatches);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('a file of plain good trades is decoded by the kernels, not handed back record by record', async () => {
    const records: GenRecord[] = Array.from({ length: 500 }, (_, i) => ({
      kind: i % 7 === 0 ? 'mbp1' : 'mbo', id: 118, ts: 3n, price: 19_100n * TICK_9, size: 1 + (i % 5), action: i % 4 === 0 ? 'C' : 'T', side: 'AB'[i % 2]!, short: [0, 0],
    }));
    const path = fileOf(records, 0);
    const reader = await DbnTradeReader.open(path);
    const { memory, plan, writer } = tapeOf(1000, inputRegionBytes(reader.tapeInputBytes));
    const intake = new TapeIntake(writer, memory, plan.input);
    let calls = 0;
    const decode = intake.decodeDbn.bind(intake);
    intake.decodeDbn = (step) => {
      calls++;
      decode(step);
    };
    for await (const n of reader.fillTape(intake)) void n;
    expect(reader.stats).toMatchObject({ read: 500, trades: 375, ignored: 125 });
    expect(writer.length).toBe(375);
    // The first trade fixes the instrument (the reader's), then one call per 8,192-trade batch and chunk end.
    expect(calls).toBeLessThanOrEqual(3);
  });

  test.skipIf(!HAVE_DATA)('property: the real ESH4 MBO day, cut to 400 records and with bytes set anywhere, reads the same on both paths', async () => {
    const all = await loadDbn(dataFile('cme-esh4-mbo/esh4-glbx-mdp3-20231225.mbo.dbn.zst'));
    const reader = await DbnTradeReader.open(dataFile('cme-esh4-mbo/esh4-glbx-mdp3-20231225.mbo.dbn.zst'));
    const start = reader.metadata.recordsOffset;
    // From the first trade on: 400 records of trades and book events, as Databento wrote them.
    let at = start;
    while (!(all[at + 1] === 0xa0 && all[at + 38] === 0x54)) at += all[at]! * 4;
    let end = at;
    for (let i = 0; i < 400; i++) end += all[end]! * 4;
    const seed = Buffer.concat([all.subarray(0, start), all.subarray(at, end)]);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.integer({ min: start, max: seed.length - 1 }), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 6 }),
        fc.record({ skipBad: fc.boolean(), chunkBytes: fc.option(fc.integer({ min: 64, max: 4000 }), { nil: undefined }),
          batchSize: fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }), tapeTrades: fc.integer({ min: 1, max: 300 }) }),
        async (sets, o) => {
          const bytes = Buffer.from(seed);
          for (const x of sets) bytes[x.at] = x.value;
          const path = join(dir, `esh4-${files++}.dbn`);
          writeFileSync(path, bytes);
          const options: DbnReaderOptions = { skipBad: o.skipBad, chunkBytes: o.chunkBytes, batchSize: o.batchSize };
          expect(await outcomeOf(path, options, o.tapeTrades, true)).toEqual(await outcomeOf(path, options, o.tapeTrades, false));
        },
      ),
      { numRuns: 100 },
    );
  });
});
