// The byte path of CsvTradeReader against the string reader it replaced (test/reference/csv-text-reader.ts, the
// reader as it was): same trades bit for bit, same stats and info, same coded errors with the same rows
// and messages, on random files and whatever the chunk size. MIA_FUZZ_RUNS raises the number of runs.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { ReaderOptions } from '../model/trade-batch.js';
import { CsvTradeReader, type CsvReaderOptions } from './csv-trade-reader.js';
import { GENERIC_MAX_PRICE } from './price-range.js';
import { CsvTextReader } from '../../test/reference/csv-text-reader.js';
import { outcome, type Open, type Outcome } from '../../test/reference/csv-outcome.js';

const RUNS = Number(process.env.MIA_FUZZ_RUNS ?? 60);
const dir = mkdtempSync(join(tmpdir(), 'mia-csv-bytes-'));
let n = 0;
function file(bytes: Buffer, gz = false): string {
  const p = join(dir, `f${n++}.csv${gz ? '.gz' : ''}`);
  writeFileSync(p, gz ? gzipSync(bytes) : bytes);
  return p;
}

const byteReader: Open = (path, options) => CsvTradeReader.open(path, options);
const textReader: Open = (path, options) => CsvTextReader.open(path, options);

/** Reads `path` with both readers and expects the same outcome; returns it. */
async function expectSame(path: string, options: CsvReaderOptions): Promise<Outcome> {
  const { chunkBytes, ...common } = options;
  const expected = await outcome(textReader, path, common);
  const actual = await outcome(byteReader, path, { ...common, chunkBytes });
  expect(actual).toEqual(expected);
  return actual;
}

const chunkBytes = fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 65, max: 4096 }));
const ending = fc.constantFrom('\n', '\n', '\r\n');

describe('CsvTradeReader byte path', () => {
  test('property: valid files read as the string reader reads them, prices equal to Number(text) bit for bit', async () => {
    const row = fc.record({
      dt: fc.bigInt({ min: 0n, max: 10n ** 12n }),
      mantissa: fc.oneof(fc.integer({ min: 1, max: 999_999 }), fc.integer({ min: 1, max: 999_999_999_999 })),
      priceDecimals: fc.integer({ min: 0, max: 9 }),
      zeros: fc.integer({ min: 0, max: 2 }),
      size: fc.integer({ min: 1, max: 400_000 }), // at most 4.3e9 raw units at the finest (4) decimals
      sizeDecimals: fc.integer({ min: 0, max: 4 }),
      side: fc.constantFrom('B', 'b', 'buy', 'Buy', 'S', 's', 'A', 'a', 'sell', 'SELL', 'N', 'n', ''),
      eol: ending,
    }).filter((r) => r.mantissa / 10 ** r.priceDecimals <= GENERIC_MAX_PRICE); // valid: within the plausible range
    const layout = fc.constantFrom(['ts_event_ns', 'price', 'size', 'side'], ['ts_event_ns', 'ts_recv_ns', 'price', 'size', 'aggressor_side', 'order_id'],
      ['timestamp', 'side', 'price', 'qty'], ['price', 'amount', 'ts']);
    await fc.assert(fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 60 }), layout, fc.boolean(), chunkBytes,
      fc.integer({ min: 1, max: 70 }), async (rows, names, finalEol, chunk, batchSize) => {
        let ts = 1_700_000_000_000_000_000n;
        const texts: string[] = [];
        const lines = rows.map((r) => {
          ts += r.dt;
          // Prices with 0–9 decimals, trailing zeros kept as written.
          const digits = String(r.mantissa).padStart(r.priceDecimals + 1, '0');
          const price = `${digits.slice(0, digits.length - r.priceDecimals)}${r.priceDecimals ? '.' : ''}${digits.slice(digits.length - r.priceDecimals)}${'0'.repeat(r.zeros)}`;
          texts.push(price);
          const size = (r.size / 10 ** r.sizeDecimals).toFixed(r.sizeDecimals);
          const fields: Record<string, string> = { ts_event_ns: `${ts}`, timestamp: `${ts}`, ts: `${ts}`, ts_recv_ns: `${ts + 7n}`, price, size, qty: size,
            amount: size, side: r.side, aggressor_side: r.side, order_id: '6412777265520' };
          return names.map((k) => fields[k]).join(',') + r.eol;
        });
        const body = [names.join(',') + '\n', ...lines].join('');
        const path = file(Buffer.from(finalEol ? body : body.replace(/\r?\n$/, '')));
        const got = await expectSame(path, { chunkBytes: chunk, batchSize });
        expect(got.error).toBeUndefined();
        expect(got.trades.map((t) => t[1])).toEqual(texts.map(Number));
      }), { numRuns: RUNS });
  });

  test('property: files with malformed, unusual and quoted rows give the same trades, stats and coded errors', async () => {
    const { header, rows } = messyFile();
    await fc.assert(fc.asyncProperty(header, rows, options, fc.boolean(), fc.boolean(), fc.boolean(),
      async (h, body, opts, bom, finalEol, gz) => {
        const bytes = Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(h.line + '\n'),
          ...body.map((r) => r(h.names)), Buffer.from(finalEol ? '' : '')]);
        const text = finalEol ? bytes : trimFinalEol(bytes);
        await expectSame(file(text, gz), opts);
      }), { numRuns: RUNS * 4 });
  });
});

function trimFinalEol(b: Buffer): Buffer {
  let e = b.length;
  if (e > 0 && b[e - 1] === 0x0a) e--;
  if (e > 0 && b[e - 1] === 0x0d) e--;
  return b.subarray(0, e);
}

const options: fc.Arbitrary<CsvReaderOptions & ReaderOptions> = fc.record({
  skipBad: fc.boolean(),
  chunkBytes,
  batchSize: fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }),
  sizeDecimals: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(0, 1, 2, 4, 8, 12, 16) }),
  symbol: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('ESH4', 'NQH4', 'ZZ', '') }),
}, { requiredKeys: ['skipBad', 'chunkBytes'] });

/** Field texts by kind: mostly valid, and every odd form the text path accepts or refuses. */
const fieldText = {
  price: fc.oneof(
    { weight: 20, arbitrary: fc.tuple(fc.integer({ min: 1, max: 4_000_000 }), fc.integer({ min: 0, max: 9 })).map(([t, d]) => (t * 0.25).toFixed(d)) },
    { weight: 3, arbitrary: fc.stringMatching(/^[0-9]{0,20}(\.[0-9]{0,25})?$/) },
    { weight: 1, arbitrary: fc.double().map(String) },
    { weight: 2, arbitrary: fc.constantFrom('', '0', '0.0', '-5', '+5', '1e3', '1E-2', '.5', '5.', '.', ' 5', '5 ', '\t5', 'abc', 'Infinity', 'NaN',
      '0x10', '1_000', '00012.50', '9007199254740993', '123456789012345678', '0.000000000000000000000001', '4800.25.1', '\u00a05', '5\r', 'é') },
  ),
  size: fc.oneof(
    { weight: 20, arbitrary: fc.tuple(fc.integer({ min: 1, max: 400_000 }), fc.integer({ min: 0, max: 3 })).map(([v, d]) => (v / 10 ** d).toFixed(d)) },
    { weight: 2, arbitrary: fc.stringMatching(/^[0-9]{0,18}(\.[0-9]{0,18})?$/) },
    { weight: 2, arbitrary: fc.constantFrom('', '0', '0.000', '-1', '1e3', '.5', '5.', ' 5', '5 ', '4294967296', '4294967295', '00001', '1.50000000000000000000',
      '12345678901234567', '\u00a07.25', '7.25\u00a0', '1,5') },
  ),
  side: fc.oneof({ weight: 10, arbitrary: fc.constantFrom('B', 'b', 'buy', 'BUY', 'S', 's', 'A', 'a', 'sell', 'Sell', 'N', 'n', '') },
    { weight: 1, arbitrary: fc.constantFrom(' B', 'B ', 'X', 'bu', 'sells', 'é', '\u00a0B', 'buyer') }),
  action: fc.constantFrom('T', 'T', 'T', 'T', 'A', 'C', '', 't', ' T', 'TT', 'T '),
  symbol: fc.oneof({ weight: 12, arbitrary: fc.constant('ESH4') }, { weight: 1, arbitrary: fc.constantFrom('NQH4', '', 'ESH4 ', 'é') }),
  extra: fc.constantFrom('', '6412777265520', 'x', 'é'),
};

/** A timestamp: mostly increasing ns (step `dt` from the row before), or one of the other forms. */
const tsForm = fc.oneof(
  { weight: 30, arbitrary: fc.constant('ns') },
  { weight: 4, arbitrary: fc.constantFrom('ms', 's', 'iso', 'decimal', 'padded', 'spaced', 'e') },
  { weight: 2, arbitrary: fc.stringMatching(/^[0-9]{1,22}$/) },
  { weight: 1, arbitrary: fc.constantFrom('', 'x', '-1', '2023-12-25 23:00:03-01:00', '18446744073709551616', '0000', '1970-01-01T00:00:00Z',
    '1969-12-31T23:59:59Z', '17035452000000000', '1703545200000000', '99999999999', '4294967296') },
);

function tsText(form: string, ts: bigint): string {
  switch (form) {
    case 'ns': return `${ts}`;
    case 'ms': return `${ts / 1_000_000n}`;
    case 's': return `${ts / 1_000_000_000n}`;
    case 'iso': return new Date(Number(ts / 1_000_000n)).toISOString();
    case 'decimal': return `${ts / 1_000_000_000n}.${`${ts % 1_000_000_000n}`.padStart(9, '0')}`;
    case 'padded': return `000${ts}`;
    case 'spaced': return ` ${ts} `;
    case 'e': return `${Number(ts)}`;
    default: return form;
  }
}

/** How a row is written: as is, or with one of the damages that send it to the text path or an error. */
const damage = fc.oneof(
  { weight: 40, arbitrary: fc.constant('none') },
  { weight: 1, arbitrary: fc.constantFrom('quoted', 'quoted-comma', 'unbalanced', 'missing', 'extra', 'empty', 'cr', 'space', 'lone-cr', 'invalid-utf8',
    'nul') },
);

function messyFile(): { header: fc.Arbitrary<{ names: string[]; line: string }>; rows: fc.Arbitrary<((names: string[]) => Buffer)[]> } {
  const header = fc.record({
    ts: fc.constantFrom('ts_event_ns', 'ts_event', 'ts', 'timestamp', 'Timestamp', ' TS '),
    price: fc.constantFrom('price', 'Price', ' price'),
    size: fc.constantFrom('size', 'qty', 'amount', 'volume', 'Size'),
    side: fc.option(fc.constantFrom('side', 'aggressor_side', 'Side'), { nil: undefined }),
    action: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constant('action') }),
    symbol: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constant('symbol') }),
    extra: fc.array(fc.constantFrom('id', 'ts_recv_ns', 'order_id', ''), { maxLength: 2 }),
    order: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }),
    eol: ending,
  }).map((h) => {
    const cols: [kind: string, name: string][] = [['ts', h.ts], ['price', h.price], ['size', h.size]];
    if (h.side) cols.push(['side', h.side]);
    if (h.action) cols.push(['action', h.action]);
    if (h.symbol) cols.push(['symbol', h.symbol]);
    for (const e of h.extra) cols.push(['extra', e]);
    const order = cols.map((c, i) => [h.order[i]!, c] as const).sort((a, b) => a[0] - b[0]).map(([, c]) => c);
    return { names: order.map(([k]) => k), line: order.map(([, name]) => name).join(',') + h.eol.slice(0, -1) };
  });
  const row = fc.record({
    dt: fc.oneof({ weight: 30, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 12n }) }, { weight: 1, arbitrary: fc.bigInt({ min: -(10n ** 9n), max: -1n }) }),
    ts: tsForm, price: fieldText.price, size: fieldText.size, side: fieldText.side, action: fieldText.action, symbol: fieldText.symbol,
    extra: fieldText.extra, damage, at: fc.nat(), eol: ending,
  });
  const rows = fc.array(row, { maxLength: 40 }).map((list) => {
    let ts = 1_703_545_200_000_000_000n;
    return list.map((r) => {
      ts += r.dt;
      const at = ts;
      return (names: string[]): Buffer => {
        const values: Record<string, string> = { ts: tsText(r.ts, at), price: r.price, size: r.size, side: r.side, action: r.action, symbol: r.symbol,
          extra: r.extra };
        const fields = names.map((k) => values[k]!);
        const i = r.at % fields.length;
        switch (r.damage) {
          case 'quoted': fields[i] = `"${fields[i]}"`; break;
          case 'quoted-comma': fields[i] = `"${fields[i]},x"`; break;
          case 'unbalanced': fields[i] = `"${fields[i]}`; break;
          case 'missing': fields.length = i; break;
          case 'extra': fields.push('9'); break;
          case 'empty': fields.length = 0; break;
          case 'cr': fields.length = 0; fields.push('\r'); break;
          case 'space': fields[i] = ` ${fields[i]}`; break;
          case 'lone-cr': fields[i] = `${fields[i]}\r`; break;
          case 'nul': fields[i] = `${fields[i]}\u0000`; break;
        }
        const line = Buffer.from(fields.join(',') + r.eol);
        if (r.damage === 'invalid-utf8') return Buffer.concat([line.subarray(0, i), Buffer.from([0xff, 0xc3]), line.subarray(i)]);
        return line;
      };
    });
  });
  return { header, rows };
}
