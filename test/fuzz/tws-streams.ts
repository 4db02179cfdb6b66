// The hostile TWS byte streams both TWS fuzzers send (tws.fuzz.test.ts over a socket to a running IbSource,
// tws-decoder.fuzz.test.ts in-process into the connection's guarded decoder): well-framed messages of any id
// with garbage fields, error messages with broken JSON, lengths from 0 to 2^32 − 1, random bytes, missing
// terminators, joined and split at random points; and the corpus of streams that once failed.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { frame, IN } from '../ib/tws-wire.js';

/** A field: text without NUL, or a number as TWS writes one. */
const field = fc.oneof(
  fc.string({ maxLength: 12 }).map((s) => s.replace(/\0/g, '')),
  fc.integer().map(String),
  fc.double({ noNaN: false }).map(String),
  fc.constantFrom('', '-1', '2147483647', '1.7976931348623157E308', 'nan', '{', '{not json'),
);
/**
 * Incoming message ids, without the connectivity and farm codes (those legitimately stop the data, which is not
 * what this checks): error messages carry codes outside IB's system ranges.
 */
const messageId = fc.integer({ min: 0, max: 110 }).filter((id) => id !== IN.ERR_MSG);
const framed = fc.tuple(messageId, fc.array(field, { maxLength: 30 })).map(([id, f]) => frame([id, ...f]));
const errorMsg = fc.tuple(fc.integer({ min: 5000, max: 9999 }), field, field).map(([code, text, json]) => frame([IN.ERR_MSG, 2, -1, code, text, json]));
const badLength = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.uint8Array({ maxLength: 40 })).map(([n, body]) => {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(n, 0);
  return Buffer.concat([head, Buffer.from(body)]);
});
const randomBytes = fc.uint8Array({ minLength: 1, maxLength: 80 }).map((b) => Buffer.from(b));
const unterminated = fc.array(field, { minLength: 1, maxLength: 5 }).map((f) => {
  const whole = frame(f);
  return Buffer.concat([whole.subarray(0, whole.length - 1), Buffer.from('x')]);
});

/** A burst: parts joined, then split into writes at random points (`cuts`, offsets into `bytes`). */
export const burst = fc.tuple(
  fc.array(fc.oneof({ weight: 3, arbitrary: framed }, errorMsg, badLength, randomBytes, unterminated), { minLength: 1, maxLength: 6 }),
  fc.array(fc.nat(600), { maxLength: 5 }),
).map(([parts, cuts]) => ({ bytes: Buffer.concat(parts), cuts }));

/** Splits `bytes` at `cuts`: the chunks the socket would deliver. */
export function pieces(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const at = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const to of [...at, bytes.length]) {
    out.push(bytes.subarray(from, to));
    from = to;
  }
  return out;
}

const corpusDir = fileURLToPath(new URL('./corpus/tws/', import.meta.url));

/** Streams that once failed (corpus/tws/*.hex, one stream per file, hex). */
export function corpus(): Buffer[] {
  let names: string[] = [];
  try {
    names = readdirSync(corpusDir).filter((n) => n.endsWith('.hex')).sort();
  } catch {
    return [];
  }
  return names.map((n) => Buffer.from(readFileSync(`${corpusDir}${n}`, 'utf8').trim(), 'hex'));
}

/** CI runs a fixed seed (the same cases every time); MIA_FUZZ_SEED picks another, a long run reports its own. */
export const SEED = process.env.MIA_FUZZ_SEED !== undefined ? Number(process.env.MIA_FUZZ_SEED) : process.env.MIA_FUZZ_NET_RUNS || process.env.MIA_FUZZ_RUNS ? undefined : 14;
