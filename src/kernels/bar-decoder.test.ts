// decodeBar and decodeLevel read int64 fields as two 32-bit halves; the reference reads them as BigInt, as the
// decoder did before. Both must give the same doubles for every bit pattern.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeBar, decodeLevel } from './bar-decoder.js';
import * as L from './layout.js';

const RUNS = Number(process.env.MIA_FUZZ_RUNS ?? 500);

/** int64 values of every size: small, around 2^53 where doubles start to round, and the extremes. */
const int64 = fc.oneof(
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.bigInt({ min: -1_000_000n, max: 1_000_000n }),
  fc.bigInt({ min: 2n ** 53n - 4n, max: 2n ** 53n + 4n }).chain((x) => fc.constantFrom(x, -x)),
  fc.constantFrom(-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n, 2n ** 32n - 1n, 2n ** 32n, -(2n ** 32n)),
);

const INT64_FIELDS = [L.BAR_VOLUME, L.BAR_BUY_VOLUME, L.BAR_SELL_VOLUME, L.BAR_CUM_DELTA, L.BAR_CUM_DELTA_HIGH,
  L.BAR_CUM_DELTA_LOW, L.BAR_VA_VOLUME, L.BAR_INFERRED_VOLUME];

describe('bar decoder', () => {
  test('int64 sizes read as halves are the doubles Number(getBigInt64) gives', () => {
    fc.assert(fc.property(fc.array(int64, { minLength: 10, maxLength: 10 }), fc.constantFrom(1, 10, 100, 1e8), (xs, unit) => {
      const v = new DataView(new ArrayBuffer(L.BAR_BYTES + L.LEVEL_BYTES));
      INT64_FIELDS.forEach((off, i) => v.setBigInt64(off, xs[i]!, true));
      v.setBigInt64(L.BAR_BYTES + L.LEVEL_BID, xs[8]!, true);
      v.setBigInt64(L.BAR_BYTES + L.LEVEL_ASK, xs[9]!, true);
      const n = (off: number): number => Number(v.getBigInt64(off, true));
      const bar = decodeBar(v, 0, unit);
      const vol = n(L.BAR_VOLUME);
      expect([bar.volume, bar.buyVolume, bar.sellVolume, bar.delta, bar.cumDelta, bar.cumDeltaHigh, bar.cumDeltaLow,
        bar.vaCoverage, bar.inferredShare]).toEqual([vol / unit, n(L.BAR_BUY_VOLUME) / unit, n(L.BAR_SELL_VOLUME) / unit,
        (n(L.BAR_BUY_VOLUME) - n(L.BAR_SELL_VOLUME)) / unit, n(L.BAR_CUM_DELTA) / unit, n(L.BAR_CUM_DELTA_HIGH) / unit,
        n(L.BAR_CUM_DELTA_LOW) / unit, n(L.BAR_VA_VOLUME) / vol, n(L.BAR_INFERRED_VOLUME) / vol]);
      const level = decodeLevel(v, L.BAR_BYTES, unit);
      expect([level.bid, level.ask]).toEqual([n(L.BAR_BYTES + L.LEVEL_BID) / unit, n(L.BAR_BYTES + L.LEVEL_ASK) / unit]);
    }), { numRuns: RUNS });
  });
});
