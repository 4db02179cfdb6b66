/**
 * XXH64 (seed 0), the hash of a zstd frame's content checksum (RFC 8878 §3.1.1: its low 32 bits, little-endian).
 * fzstd does not verify checksums, so the zstd source hashes every decoded block. Through @node-rs/xxhash (the
 * reference C implementation, prebuilt per platform, no install script): ~12 GB/s here, where a port in 32-bit
 * JS halves ran at 120 MB/s and took half the time of reading a `.dbn.zst` (bench/zstd.bench.ts, bench/RESULTS.md). Incremental: `update`
 * with each decoded block, `digestLow32` at the frame's end.
 */
import { Xxh64 as NativeXxh64 } from '@node-rs/xxhash';

/** An XXH64 computation over bytes given in pieces. */
export class Xxh64 {
  private readonly native = new NativeXxh64(0n);

  /** Starts over (a new frame). */
  reset(): void {
    this.native.reset(0n);
  }

  /** Hashes `b` after the bytes before it. */
  update(b: Uint8Array): void {
    this.native.update(b);
  }

  /** The low 32 bits of the digest of the bytes so far (what a zstd frame stores). */
  digestLow32(): number {
    return Number(this.native.digest() & 0xffffffffn);
  }

  /** The digest as [hi, lo] 32-bit halves. */
  digest(): [hi: number, lo: number] {
    const d = this.native.digest();
    return [Number(d >> 32n), Number(d & 0xffffffffn)];
  }
}
