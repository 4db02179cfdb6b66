import { ErrorCode, inputError } from '../../common/errors.js';

/**
 * Databento DBN metadata (versions 1 and 2), parsed from the public layout (databento/dbn
 * rust/dbn/src/metadata.rs; ../shared/data/tools/dbn2csv.py is a readable reference).
 */
export interface DbnMetadata {
  version: number;
  dataset: string;
  /** Schema code (0 mbo, 1 mbp-1, … as Databento numbers them). */
  schema: number;
  startNs: bigint;
  endNs: bigint;
  symbols: string[];
  /** instrument_id (as text) → raw symbol. */
  mappings: Map<string, string>;
  /** Offset of the first record. */
  recordsOffset: number;
}

/**
 * Largest metadata accepted (docs/hostile-input.md): a symbology of tens of thousands of symbols fits in a few
 * MiB; a length beyond this is a corrupt header, refused before anything that size is read or allocated.
 */
export const DBN_MAX_METADATA_BYTES = 64 * 1024 * 1024;

const text = (b: Uint8Array, at: number, n: number): string => {
  let end = at;
  while (end < at + n && b[end] !== 0) end++;
  return Buffer.from(b.buffer, b.byteOffset + at, end - at).toString('latin1');
};

/** Parses the metadata at the start of a decompressed DBN buffer. */
export function parseMetadata(buf: Uint8Array, file: string): DbnMetadata {
  const bad = (reason: string) => inputError(ErrorCode.BAD_RECORD, { file, record: 0 }, reason);
  if (buf.length < 8 || buf[0] !== 0x44 || buf[1] !== 0x42 || buf[2] !== 0x4e) throw bad('not a DBN file (magic "DBN" missing)');
  const version = buf[3]!;
  if (version !== 1 && version !== 2) throw bad(`DBN version ${version} is not supported (1 and 2 are)`);
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const len = v.getUint32(4, true);
  if (len > DBN_MAX_METADATA_BYTES) throw bad(`metadata length ${len} is over the ${DBN_MAX_METADATA_BYTES} bytes allowed`);
  if (8 + len > buf.length) throw bad('metadata is truncated');
  const b = buf.subarray(8, 8 + len);
  const m = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let p = 0;
  // Every declared count and length is checked against the bytes left before it is used: a header claiming
  // 2^32 symbols is refused here, not allocated for.
  const need = (n: number, what: string): void => {
    if (!(p + n <= len)) throw bad(`metadata is corrupt: ${what} needs ${n} bytes at offset ${p}, past its ${len}-byte length`);
  };
  need(16 + 2 + 24 + (version === 1 ? 8 + 3 + 47 : 3 + 2 + 53) + 4, 'the fixed header');
  const dataset = text(b, p, 16);
  p += 16;
  const schema = m.getUint16(p, true);
  p += 2;
  const startNs = m.getBigUint64(p, true);
  const endNs = m.getBigUint64(p + 8, true);
  p += 24; // start, end, limit
  if (version === 1) p += 8; // record_count (v1 only)
  p += 3; // stype_in, stype_out, ts_out
  let symLen = 22;
  if (version === 1) p += 47; // reserved
  else {
    symLen = m.getUint16(p, true);
    p += 2 + 53; // symbol_cstr_len, reserved
    if (symLen === 0) throw bad('metadata is corrupt: symbol_cstr_len is 0');
  }
  const schemaDefinitionLen = m.getUint32(p, true);
  p += 4;
  need(schemaDefinitionLen, 'the schema definition');
  p += schemaDefinitionLen;
  const list = (): string[] => {
    need(4, 'a symbol count');
    const n = m.getUint32(p, true);
    p += 4;
    need(n * symLen, `${n} symbols`);
    const out: string[] = [];
    for (let i = 0; i < n; i++, p += symLen) out.push(text(b, p, symLen));
    return out;
  };
  const symbols = list();
  list(); // partial
  list(); // not found
  const mappings = new Map<string, string>();
  need(4, 'a mapping count');
  const n = m.getUint32(p, true);
  p += 4;
  need(n * (symLen + 4), `${n} mappings`);
  for (let i = 0; i < n; i++) {
    need(symLen + 4, 'a mapping');
    const raw = text(b, p, symLen);
    p += symLen;
    const k = m.getUint32(p, true);
    p += 4;
    need(k * (8 + symLen), `${k} mapping intervals`);
    for (let j = 0; j < k; j++) {
      p += 8; // start_date, end_date
      mappings.set(text(b, p, symLen), raw);
      p += symLen;
    }
  }
  return { version, dataset, schema, startNs, endNs, symbols, mappings, recordsOffset: 8 + len };
}
