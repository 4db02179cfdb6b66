import { describe, expect, test } from 'vitest';
import { Xxh64 } from './xxh64.js';

const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) % 256);
const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

describe('Xxh64', () => {
  test('the specification vectors of the empty input and "abc" (seed 0)', () => {
    const h = new Xxh64();
    expect(h.digest().map(hex)).toEqual(['0xef46db37', '0x51d8e999']);
    h.update(Buffer.from('abc'));
    expect(h.digest().map(hex)).toEqual(['0x44bc2cf5', '0xad770999']);
  });

  // Content checksums written by the zstd CLI (v1.5.4, `zstd --check`) for `bytes(n)`: the file's last 4 bytes.
  const ZSTD_CHECKSUMS: [number, string][] = [[1, '0xbc1f4bb6'], [3, '0x52e564c9'], [4, '0x66ee9fda'], [7, '0x59ce60d8'], [8, '0xc6f90092'],
    [15, '0x43cc8e32'], [31, '0xcc4a6119'], [32, '0xf790fd97'], [33, '0xba588784'], [63, '0x31c7493c'], [64, '0xf6eeb01f'],
    [100, '0x170fe531'], [1000, '0x33f1a3fb'], [100000, '0x68df79c4']];

  test.each(ZSTD_CHECKSUMS)('%i bytes: the low 32 bits are the checksum zstd writes, in one piece and in many', (n, want) => {
    const data = bytes(n);
    const whole = new Xxh64();
    whole.update(data);
    expect(hex(whole.digestLow32())).toBe(want);
    const pieces = new Xxh64();
    for (let at = 0, k = 1; at < n; at += k, k = (k * 5 + 1) % 41 + 1) pieces.update(data.subarray(at, at + k));
    expect(hex(pieces.digestLow32())).toBe(want);
  });
});
