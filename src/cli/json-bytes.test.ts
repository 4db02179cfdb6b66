// writeJsonNumber against JSON.stringify, the definition of the bytes `mia features` prints for a number.
// MIA_FUZZ_RUNS raises the number of runs.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { writeJsonNumber, writeUint } from './json-bytes.js';

const RUNS = Number(process.env.MIA_FUZZ_RUNS ?? 20_000);
const buf = Buffer.alloc(64);
const json = (x: number): string => buf.toString('latin1', 0, writeJsonNumber(buf, 0, x));

/** Doubles that take each of the writer's paths, and their neighbours a unit in the last place away. */
const doubles = fc.oneof(
  fc.double(), // any double: NaN, ±Infinity, -0, subnormals, huge and tiny
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map((q) => q / 64), // quarter ticks and the like
  fc.integer({ min: -1e13 + 1, max: 1e13 - 1 }).map((s) => s / 1e6), // up to six decimals, to the edge of the fixed path
  fc.integer({ min: -1e9, max: 1e9 }).map((s) => s / 100), // cents
  fc.integer({ min: -1e6, max: 1e6 }).map((s) => s / 10), // 0.1 ticks (not binary fractions)
  fc.double({ min: -1e8, max: 1e8, noNaN: true }), // prices, vwaps, sigmas
  fc.double({ min: 0, max: 1, noNaN: true }), // shares
  fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }).map(Number), // whole numbers beyond int32 and beyond 2^53
  fc.integer({ min: -400, max: 400 }).map((e) => 10 ** e), // powers of ten: where the notation changes (1e-7, 1e21)
).chain((x) => fc.constantFrom(x, nextUp(x), nextDown(x)));

function nextUp(x: number): number {
  if (!Number.isFinite(x)) return x;
  const b = new Float64Array([x]);
  const i = new BigInt64Array(b.buffer);
  if (x === 0) return Number.MIN_VALUE;
  i[0] = i[0]! + (x > 0 ? 1n : -1n);
  return b[0]!;
}

function nextDown(x: number): number {
  return -nextUp(-x);
}

describe('writeJsonNumber', () => {
  test('the bytes JSON.stringify prints, for any double', () => {
    fc.assert(fc.property(doubles, (x) => json(x) === JSON.stringify(x)), { numRuns: RUNS });
  });

  test('the edges of each path', () => {
    const edges = [
      0, -0, NaN, Infinity, -Infinity, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE,
      2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e21, 1e21 - 65536,
      1e-6, 1e-7, 9.999999e-7, 0.000001, 0.015625, -0.015625, 33554431.984375, -33554432 + 1 / 64, 1e7 - 1e-6,
      1e7, -1e7 + 1e-6, 9999999.999999, 0.1, 0.2, 0.1 + 0.2, 4800.25, 4802.425833333334, 1.4366190537353858, 5e-324,
    ];
    for (const x of edges) {
      for (const y of [x, nextUp(x), nextDown(x)]) expect(json(y)).toBe(JSON.stringify(y));
    }
  });
});

describe('writeUint', () => {
  test('the decimal digits of every width from 0 to 2^53', () => {
    for (let n = 1, d = 0; d < 17; n *= 10, d++) {
      for (const x of [n - 1, n, n + 1, Math.min(2 * n - 1, 2 ** 53)]) {
        expect(buf.toString('latin1', 0, writeUint(buf, 0, x))).toBe(String(x));
      }
    }
    expect(buf.toString('latin1', 0, writeUint(buf, 0, 2 ** 53))).toBe('9007199254740992');
  });
});
