// BarLineEncoder against its definition, JSON.stringify(barJson(bar)) + '\n', on random bars in random order.
// MIA_FUZZ_RUNS raises the number of runs. The real ESH4 bars are in test/cli-features-output.test.ts.
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { BarFeatures, FootprintLevel } from '../model/bar-features.js';
import { barJson } from '../model/bar-json.js';
import { BarLineEncoder } from './bar-line-encoder.js';
import { ChunkedLineWriter } from './chunked-line-writer.js';

const RUNS = Number(process.env.MIA_FUZZ_RUNS ?? 300);

/** Everything written to a stream, as one buffer. */
function collector(): { stream: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, bytes: () => Buffer.concat(chunks) };
}

/** The bytes the encoder writes for `bars`, one encoder and one writer for all of them, as `mia features` uses them. */
async function encoded(bars: BarFeatures[]): Promise<Buffer> {
  const { stream, bytes } = collector();
  const w = new ChunkedLineWriter(stream);
  const e = new BarLineEncoder();
  for (const b of bars) e.encode(w, b);
  await w.end();
  return bytes();
}

const oracle = (bars: BarFeatures[]): Buffer => Buffer.from(bars.map((b) => `${JSON.stringify(barJson(b))}\n`).join(''));

/** Numbers of every kind the writer tells apart: ticks, integers, shares, NaN, ±Infinity, -0, huge and tiny. */
const num = fc.oneof(
  fc.double(),
  fc.integer({ min: 16_000, max: 24_000 }).map((t) => t / 4),
  fc.integer({ min: -1e6, max: 1e6 }),
  fc.integer({ min: -1e7, max: 1e7 }).map((s) => s / 10),
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 1e21, 1e-7, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53 + 2),
);

/** Bar times: mostly near today (many on one day, as real bars are), some anywhere int64 allows, sub-ms or not. */
const DAY_NS = 86_400_000_000_000n;
const tsNs = fc.oneof(
  { arbitrary: fc.bigInt({ min: 0n, max: 3n * DAY_NS }).map((d) => 1_703_462_400_000_000_000n + d), weight: 4 },
  { arbitrary: fc.bigInt({ min: 0n, max: 1000n }).map((s) => 1_703_462_400_000_000_000n + s * 60_000_000_000n), weight: 4 },
  { arbitrary: fc.tuple(fc.bigInt({ min: 0n, max: 3n }), fc.bigInt({ min: -2n, max: 2n })).map(([d, e]) => 1_703_462_400_000_000_000n + d * DAY_NS + e), weight: 2 }, // midnights
  { arbitrary: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), weight: 1 }, // before 1970, after 9999, out of Date's range
  { arbitrary: fc.bigInt({ min: 253_402_300_799_000_000_000n, max: 253_402_300_801_000_000_000n }), weight: 1 }, // the year 10000
  { arbitrary: fc.bigInt({ min: -2_000_000n, max: 2_000_000n }), weight: 1 }, // around the epoch
);

const level: fc.Arbitrary<FootprintLevel> = fc.record({ price: num, bid: num, ask: num, bidTrades: num, askTrades: num });

const bar: fc.Arbitrary<BarFeatures> = fc.record({
  tsNs,
  timeframeSec: fc.oneof(fc.constantFrom(30, 60, 300, 900, 3600, 14400, 86400, 172800, 90, 7), num),
  open: num, high: num, low: num, close: num, volume: num, trades: num, buyVolume: num, sellVolume: num, delta: num,
  cumDelta: num, cumDeltaHigh: num, cumDeltaLow: num, barVwap: num, vwap: num, vwapSigma: num, poc: num, vah: num,
  val: num, vaCoverage: num, inferredShare: num, buyImbalances: num, sellImbalances: num, stackedBuy: num,
  stackedSell: num,
  hvn: fc.oneof(fc.array(num, { maxLength: 4 }), fc.array(num, { maxLength: 600 })),
  lvn: fc.oneof(fc.array(num, { maxLength: 4 }), fc.array(num, { maxLength: 600 })),
  levels: fc.option(fc.oneof(fc.array(level, { maxLength: 8 }), fc.array(level, { maxLength: 1500 })), { nil: undefined }),
}, { requiredKeys: ['tsNs', 'timeframeSec', 'open', 'high', 'low', 'close', 'volume', 'trades', 'buyVolume', 'sellVolume',
  'delta', 'cumDelta', 'cumDeltaHigh', 'cumDeltaLow', 'barVwap', 'vwap', 'vwapSigma', 'poc', 'vah', 'val', 'vaCoverage',
  'inferredShare', 'buyImbalances', 'sellImbalances', 'stackedBuy', 'stackedSell', 'hvn', 'lvn'] });

/** The oracle's answer for a bar: its line, or the error it throws (a time outside Date's range). */
function oracleOrError(b: BarFeatures): { line: string } | { error: string } {
  try {
    return { line: `${JSON.stringify(barJson(b))}\n` };
  } catch (e) {
    return { error: String(e) };
  }
}

describe('BarLineEncoder', () => {
  test('the bytes of JSON.stringify(barJson(bar)) for random bars, one encoder for a whole random sequence', async () => {
    await fc.assert(fc.asyncProperty(fc.array(bar, { maxLength: 40 }), async (bars) => {
      const ok = bars.filter((b) => 'line' in oracleOrError(b));
      expect((await encoded(ok)).equals(oracle(ok))).toBe(true);
    }), { numRuns: RUNS });
  });

  test('a time isoNs refuses (outside Date range) throws the same error before any byte of its line', async () => {
    await fc.assert(fc.asyncProperty(bar, bar, async (good, bad) => {
      bad.tsNs = (bad.tsNs < 0n ? -1n : 1n) * (8_640_000_000_000_001_000_000n + (bad.tsNs < 0n ? -bad.tsNs : bad.tsNs) % 10n ** 18n);
      const expected = oracleOrError(bad);
      expect('error' in expected).toBe(true);
      const { stream, bytes } = collector();
      const w = new ChunkedLineWriter(stream);
      const e = new BarLineEncoder();
      e.encode(w, good);
      expect(() => e.encode(w, bad)).toThrow((expected as { error: string }).error.replace(/^RangeError: /, ''));
      await w.end();
      expect(bytes().equals(oracle([good]))).toBe(true);
    }), { numRuns: Math.ceil(RUNS / 3) });
  });

  test('bars of the same day out of order, across midnight and at the edges of the year 10000', async () => {
    const day = 1_703_462_400_000_000_000n;
    const times = [day + 5n, day - 1n, day + DAY_NS - 1n, day + DAY_NS, day, day + 999_999n, day + 1_000_000n,
      253_402_300_799_999_999_999n, 253_402_300_800_000_000_000n, 0n, -1n, -1_000_001n, 999n];
    const base = fc.sample(bar, { numRuns: 1, seed: 5 })[0]!;
    const bars = times.map((tsNs) => ({ ...base, tsNs }));
    expect((await encoded(bars)).toString()).toBe(oracle(bars).toString());
  });
});
