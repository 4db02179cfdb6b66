// The bulk path of CsvTradeReader (readTradeRun and CsvFirstPass.run: whole rows in one loop, over chunks of
// a MiB) against the general path (test/reference/csv-text-reader.ts, the reader as it was: one string per
// row): same trades bit for bit, same stats and info, same coded errors with the same line numbers, the same
// --skip-bad counts, on long files like the real ones with bad rows among the good. The bulk path must have
// read most rows, or the comparison would hold the per-row path only. MIA_FUZZ_RUNS raises the number of runs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, test, vi } from 'vitest';
import { CsvFirstPass } from './csv-first-pass.js';
import { CsvTradeReader } from './csv-trade-reader.js';
import { CsvTradeRows } from './csv-trade-rows.js';
import { CsvTextReader } from '../../test/reference/csv-text-reader.js';
import { outcome } from '../../test/reference/csv-outcome.js';

const RUNS = Number(process.env.MIA_FUZZ_RUNS ?? 60);
const dir = mkdtempSync(join(tmpdir(), 'mia-csv-bulk-'));
let n = 0;

const LAYOUTS = [
  ['ts_event_ns', 'price', 'size', 'aggressor_side'], // what bench/e2e.bench.ts writes
  ['ts_event_ns', 'ts_recv_ns', 'price', 'size', 'aggressor_side', 'order_id', 'sequence'], // the real ESH4 file
  ['ts_event', 'action', 'side', 'price', 'size', 'symbol'], // Databento-like, with book events
  ['price', 'qty', 'timestamp'],
];

/** Ways a row goes wrong (or merely unusual), each a path the bulk path must leave to the row code. */
const DAMAGES = ['price-word', 'price-zero', 'price-huge', 'price-exp', 'size-zero', 'size-fraction', 'size-empty', 'size-neg', 'earlier', 'year-2200',
  'ms-time', 'side-x', 'quoted', 'missing', 'extra', 'empty-line', 'space', 'book-event', 'other-symbol', 'leading-zero-price', 'padded-time'] as const;

interface Row {
  dt: number;
  tick: number;
  size: number;
  side: string;
  crlf: boolean;
  damage: (typeof DAMAGES)[number] | undefined;
}

function line(names: string[], r: Row, ts: bigint): string {
  const f: Record<string, string> = {
    ts_event_ns: `${ts}`, ts_event: `${ts}`, timestamp: `${ts}`, ts_recv_ns: `${ts + 105_900_877n}`, price: (4800 + r.tick * 0.25).toFixed(2),
    size: `${r.size}`, qty: `${r.size}`, aggressor_side: r.side, side: r.side, order_id: '6412777265520', sequence: '6006', action: 'T', symbol: 'ESH4',
  };
  const ts0 = names.find((k) => k.startsWith('ts') || k === 'timestamp')!;
  const size0 = names.includes('qty') ? 'qty' : 'size';
  const side0 = names.includes('side') ? 'side' : 'aggressor_side';
  switch (r.damage) {
    case 'price-word': f.price = 'abc'; break;
    case 'price-zero': f.price = '0'; break;
    case 'price-huge': f.price = '2000000'; break;
    case 'price-exp': f.price = '4.8e3'; break;
    case 'size-zero': f[size0] = '0'; break;
    case 'size-fraction': f[size0] = `${r.size}.5`; break;
    case 'size-empty': f[size0] = ''; break;
    case 'size-neg': f[size0] = `-${r.size}`; break;
    case 'earlier': f[ts0] = `${ts - 3_600_000_000_000n}`; break;
    case 'year-2200': f[ts0] = '7258118400000000000'; break;
    case 'ms-time': f[ts0] = `${ts / 1_000_000n}`; break;
    case 'side-x': f[side0] = 'X'; break;
    case 'quoted': f.price = `"${f.price}"`; break;
    case 'space': f.price = ` ${f.price}`; break;
    case 'book-event': f.action = 'A'; break;
    case 'other-symbol': f.symbol = 'NQH4'; break;
    case 'leading-zero-price': f.price = `0${f.price}`; break;
    case 'padded-time': f[ts0] = `00${f[ts0]}`; break;
  }
  let fields = names.map((k) => f[k]!);
  if (r.damage === 'missing') fields = fields.slice(0, -1);
  if (r.damage === 'extra') fields.push('9');
  if (r.damage === 'empty-line') fields = [];
  return fields.join(',') + (r.crlf ? '\r\n' : '\n');
}

const row = fc.record({
  dt: fc.integer({ min: 0, max: 2_000_000_000 }),
  tick: fc.integer({ min: -400, max: 400 }),
  size: fc.integer({ min: 1, max: 500 }),
  side: fc.constantFrom('B', 'A', 'N', 'S', 'b', ''),
  crlf: fc.boolean(),
  damage: fc.oneof({ weight: 60, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...DAMAGES) }),
});

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('CsvTradeReader bulk path', () => {
  test('property: long files with bad rows read as the general path reads them, most rows in bulk', async () => {
    await fc.assert(fc.asyncProperty(fc.array(row, { minLength: 500, maxLength: 4000 }), fc.nat(LAYOUTS.length - 1), fc.boolean(),
      fc.oneof(fc.constant(undefined), fc.integer({ min: 4096, max: 40_000 })), fc.constantFrom(undefined, 0, 2), fc.constantFrom(undefined, 'ESH4'),
      async (rows, layout, skipBad, chunkBytes, sizeDecimals, symbol) => {
        const names = LAYOUTS[layout]!;
        let ts = 1_703_545_200_000_000_000n;
        const body = [names.join(',') + '\n', ...rows.map((r) => line(names, r, (ts += BigInt(r.dt))))].join('');
        const path = join(dir, `esh4_${n++}.csv`);
        writeFileSync(path, body);
        const options = { skipBad, sizeDecimals, symbol: names.includes('symbol') ? symbol : undefined };
        const expected = await outcome((p, o) => CsvTextReader.open(p, o), path, options);
        const tradeRun = vi.spyOn(CsvTradeRows.prototype, 'run');
        const firstRun = vi.spyOn(CsvFirstPass.prototype, 'run');
        const actual = await outcome((p, o) => CsvTradeReader.open(p, o), path, { ...options, chunkBytes });
        expect(actual).toEqual(expected);
        const bulk = (spy: typeof tradeRun | typeof firstRun): number => spy.mock.results.reduce((sum, r) => sum + (r.type === 'return' ? r.value : 0), 0);
        // Where the read got past the first rows, the bulk path read most of them (bad rows are 1 in 60).
        if (actual.error === undefined) expect(bulk(tradeRun)).toBeGreaterThan(rows.length / 2);
        if (sizeDecimals === undefined) expect(bulk(firstRun)).toBeGreaterThan(rows.length / 2);
        vi.restoreAllMocks();
      }), { numRuns: RUNS });
  });
});
