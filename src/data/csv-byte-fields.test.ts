// The byte token parsers against the text field parsers they stand in for: whatever a byte parser reads,
// it reads exactly as the text parser does; the forms of real trade files are all read.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { splitNs } from '../model/time.js';
import { ns19At, plainPriceAt, POW10, priceAt, sideAt, sizeAt, sizeDecimalsAt, timestampAt, Token } from './csv-byte-fields.js';
import { skipField, skipFieldWide } from './csv-row-walker.js';
import { parseRawSize, parseSide, parseTimestampNs, sizeDecimalsOf } from './csv-fields.js';

const RUNS = Number(process.env.MIA_FUZZ_RUNS ?? 60) * 50;

/** A field as it sits in a row: its bytes followed by a comma, so parsers must stop there. */
function field(text: string): Buffer {
  return Buffer.from(`${text},9`, 'latin1');
}

/** Runs a token parser on `text` and returns its value, or undefined when it did not read to the comma. */
function read<T>(text: string, parse: (b: Buffer, t: Token) => T): T | undefined {
  const t = new Token();
  const value = parse(field(text), t);
  return t.q === text.length ? value : undefined;
}

const digits = (max: number): fc.Arbitrary<string> => fc.stringMatching(new RegExp(`^[0-9]{0,${max}}$`));
const decimal = fc.tuple(digits(20), fc.boolean(), digits(25)).map(([i, dot, f]) => (dot ? `${i}.${f}` : i));

describe('byte token parsers', () => {
  test('10 ** d and the exact products of POW10 agree, so sizes scale as parseRawSize scales them', () => {
    for (let d = 0; d <= 22; d++) expect(POW10[d]).toBe(10 ** d);
  });

  test('property: timestamps read as parseTimestampNs reads them, split in two 32-bit halves', () => {
    const text = fc.oneof(digits(25), fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String),
      fc.tuple(fc.stringMatching(/^0{0,3}$/), fc.bigInt({ min: 10n ** 17n, max: 10n ** 19n - 1n })).map(([z, v]) => `${z}${v}`));
    fc.assert(fc.property(text, (s) => {
      const t = new Token();
      const ok = timestampAt(field(s), 0, s.length + 2, t);
      if (!ok) return;
      expect(t.q).toBe(s.length);
      expect([t.hi, t.lo]).toEqual(splitNs(parseTimestampNs(s)!));
    }), { numRuns: RUNS });
  });

  test('ns, ms and s timestamps of real files are all read', () => {
    for (const s of ['1703545200085275419', '999999999999999999', '9999999999999999999', '1675329600138', '1703545201', '0', '0001703545200000000000']) {
      const t = new Token();
      expect(timestampAt(field(s), 0, s.length + 2, t), s).toBe(true);
      expect([t.hi, t.lo]).toEqual(splitNs(parseTimestampNs(s)!));
    }
    // Beyond 64 bits, and 14–17 digits (ms scaled past 2^64), stay with the text path and its BigInt.
    for (const s of ['99999999999', '17035452000000000', '1703545200000000', '10000000000000000000', '18446744073709551616']) {
      expect(timestampAt(field(s), 0, s.length + 2, new Token()), s).toBe(false);
    }
  });

  test('property: prices equal Number(text) bit for bit, and every plain decimal of up to 15 digits is read', () => {
    fc.assert(fc.property(decimal, (s) => {
      const p = read(s, (b, t) => priceAt(b, 0, b.length, t));
      if (p !== undefined && !Number.isNaN(p)) expect(Object.is(p, Number(s)), `${s}: ${p} vs ${Number(s)}`).toBe(true);
      const significant = s.replace('.', '').replace(/^0+/, '').length;
      const decimals = s.includes('.') ? s.length - s.indexOf('.') - 1 : 0;
      if (/[0-9]/.test(s) && significant <= 15 && decimals <= 22 && Number(s) > 0) expect(p, s).toBe(Number(s));
    }), { numRuns: RUNS });
    for (const s of ['4800.25', '4800.50', '5.', '.5', '0.00027625', '1666.79', '90000.5', '123456789012345']) {
      expect(read(s, (b, t) => priceAt(b, 0, b.length, t)), s).toBe(Number(s));
    }
  });

  test('property: sizes equal parseRawSize bit for bit at every precision', () => {
    fc.assert(fc.property(decimal, fc.integer({ min: 0, max: 16 }), (s, decimals) => {
      const raw = read(s, (b, t) => sizeAt(b, 0, b.length, decimals, t));
      const expected = parseRawSize(s, decimals);
      if (raw !== undefined && raw >= 0) expect(Object.is(raw, expected), `${s} at ${decimals}: ${raw} vs ${expected}`).toBe(true);
      if (expected !== undefined && decimals <= 15 && s.replace(/^0+/, '').split('.')[0]!.length <= 15) expect(raw, s).toBe(expected);
    }), { numRuns: RUNS });
  });

  test('property: size decimals equal sizeDecimalsOf', () => {
    fc.assert(fc.property(decimal, (s) => {
      expect(read(s, (b, t) => sizeDecimalsAt(b, 0, b.length, t)) ?? -1, s).toBe(sizeDecimalsOf(s));
    }), { numRuns: RUNS });
  });

  test('property: the 19-digit timestamp reader gives what timestampAt gives, and reads every 19-digit ns time', () => {
    // Digits, with now and then a byte that is not one (as SWAR must tell: ':' and '/' border the digits).
    const text = fc.oneof(fc.bigInt({ min: 10n ** 18n, max: 10n ** 19n - 1n }).map(String), digits(22),
      fc.tuple(fc.bigInt({ min: 10n ** 18n, max: 10n ** 19n - 1n }).map(String), fc.nat(18), fc.constantFrom(':', '/', ' ', '.', '\xff', '0', '\x00'))
        .map(([v, i, c]) => v.slice(0, i) + c + v.slice(i + 1)));
    fc.assert(fc.property(text, fc.constantFrom(',9', '\r\n', '9,', ':'), (s, tail) => {
      const buf = Buffer.from(`${s}${tail}xxxx`, 'latin1');
      const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
      const fast = new Token();
      const slow = new Token();
      if (s.length < 19) return;
      const ok = ns19At(view, buf, 0, fast);
      const expected = timestampAt(buf, 0, buf.length, slow);
      if (ok) {
        expect(expected, s).toBe(true);
        expect([fast.hi, fast.lo, fast.q], s).toEqual([slow.hi, slow.lo, slow.q]);
      }
      if (/^[1-9][0-9]{18}$/.test(s) && !/^[0-9]/.test(tail)) expect(ok, s).toBe(true);
    }), { numRuns: RUNS });
  });

  test('property: the plain price reader gives what priceAt gives, bit for bit, and reads the common forms', () => {
    fc.assert(fc.property(decimal, fc.constantFrom(',', '\n', '.1', 'e3'), (s, tail) => {
      if (s === '') return;
      const buf = Buffer.from(`${s}${tail}`, 'latin1');
      const fast = new Token();
      const slow = new Token();
      const p = plainPriceAt(buf, 0, buf.length, fast);
      const expected = priceAt(buf, 0, buf.length, slow);
      if (!Number.isNaN(p)) expect([Object.is(p, expected), fast.q], s).toEqual([true, slow.q]);
      if (/^[1-9][0-9]*(\.[0-9]*)?$/.test(s) && s.replace('.', '').length <= 15 && (tail === ',' || tail === '\n')) expect(p, s).toBe(Number(s));
    }), { numRuns: RUNS });
  });

  test('property: skipping a field four bytes at a time ends where skipping it byte by byte ends', () => {
    const bytes = fc.uint8Array({ maxLength: 40 }).map((a) => a.map((b) => (b % 3 === 0 ? b : 0x30 + (b % 10))));
    fc.assert(fc.property(bytes, fc.nat(40), (a, from) => {
      const buf = Buffer.from(a);
      const p = Math.min(from, buf.length);
      const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
      expect(skipFieldWide(view, buf, p, buf.length)).toBe(skipField(buf, p, buf.length));
    }), { numRuns: RUNS });
  });

  test('sides read as parseSide reads them, in any case', () => {
    const spellings = ['B', 'b', 'buy', 'BUY', 'bUy', 'S', 's', 'A', 'a', 'sell', 'SELL', 'N', 'n', '', 'X', 'bu', 'sells', 'buyer', 'z', 'Nn'];
    for (const s of spellings) {
      const side = read(s, (b, t) => sideAt(b, 0, b.length, t));
      expect(side === undefined || side < 0 ? undefined : side, s).toBe(parseSide(s));
    }
  });
});
