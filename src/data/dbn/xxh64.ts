/**
 * XXH64 (seed 0), the hash of a zstd frame's content checksum (RFC 8878 §3.1.1: its low 32 bits, little-endian).
 * Written from the XXH64 specification (Cyan4973/xxHash doc/xxhash_spec.md) in 32-bit halves: fzstd does not
 * verify checksums, no installed package has XXH64, and a BigInt per lane would cost ~20× as much.
 * Incremental: `update` with each decoded block, `digestLow32` at the frame's end.
 */

// Primes as [hi, lo] 32-bit halves.
const P1H = 0x9e3779b1, P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d, P2L = 0x27d4eb4f;
const P3H = 0x165667b1, P3L = 0x9e3779f9;
const P4H = 0x85ebca77, P4L = 0xc2b2ae63;
const P5H = 0x27d4eb2f, P5L = 0x165667c5;

/** Result halves of the last 64-bit operation (no allocation per lane). */
let rh = 0;
let rl = 0;

/** (ah:al) · (bh:bl) mod 2^64 into rh:rl. */
function mul(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  rl = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  rh = (p11 + (p01 >>> 16) + (p10 >>> 16) + Math.floor(mid / 65536) + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

/** (ah:al) + (bh:bl) mod 2^64 into rh:rl. */
function add(ah: number, al: number, bh: number, bl: number): void {
  const l = al + bl;
  rl = l >>> 0;
  rh = (ah + bh + (l >= 4294967296 ? 1 : 0)) >>> 0;
}

/** Rotates (h:l) left by r (0 < r < 32) into rh:rl. */
function rotl(h: number, l: number, r: number): void {
  const nh = ((h << r) | (l >>> (32 - r))) >>> 0;
  rl = ((l << r) | (h >>> (32 - r))) >>> 0;
  rh = nh;
}

/** round(acc, input) = rotl(acc + input · P2, 31) · P1, into rh:rl. */
function round(ah: number, al: number, ih: number, il: number): void {
  mul(ih, il, P2H, P2L);
  add(ah, al, rh, rl);
  rotl(rh, rl, 31);
  mul(rh, rl, P1H, P1L);
}

const u32 = (b: Uint8Array, at: number): number => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

/** An XXH64 computation over bytes given in pieces. */
export class Xxh64 {
  private readonly acc = new Uint32Array(8); // v1..v4 as hi, lo pairs
  /** Bytes of an unfinished 32-byte stripe. */
  private readonly tail = new Uint8Array(32);
  private tailLength = 0;
  /** Bytes hashed in all (a double: exact far beyond any file). */
  private total = 0;

  constructor() {
    this.reset();
  }

  /** Starts over (a new frame). */
  reset(): void {
    const a = this.acc;
    add(P1H, P1L, P2H, P2L);
    a[0] = rh; a[1] = rl;
    a[2] = P2H; a[3] = P2L;
    a[4] = 0; a[5] = 0;
    // -P1 mod 2^64
    add(~P1H >>> 0, ~P1L >>> 0, 0, 1);
    a[6] = rh; a[7] = rl;
    this.tailLength = 0;
    this.total = 0;
  }

  /** Hashes `b` after the bytes before it. */
  update(b: Uint8Array): void {
    this.total += b.length;
    let at = 0;
    if (this.tailLength > 0) {
      const n = Math.min(32 - this.tailLength, b.length);
      this.tail.set(b.subarray(0, n), this.tailLength);
      this.tailLength += n;
      at = n;
      if (this.tailLength < 32) return;
      this.stripe(this.tail, 0);
      this.tailLength = 0;
    }
    for (; at + 32 <= b.length; at += 32) this.stripe(b, at);
    if (at < b.length) {
      this.tail.set(b.subarray(at), 0);
      this.tailLength = b.length - at;
    }
  }

  private stripe(b: Uint8Array, at: number): void {
    const a = this.acc;
    for (let i = 0; i < 4; i++) {
      round(a[2 * i]!, a[2 * i + 1]!, u32(b, at + 8 * i + 4), u32(b, at + 8 * i));
      a[2 * i] = rh;
      a[2 * i + 1] = rl;
    }
  }

  /** The low 32 bits of the digest of the bytes so far (what a zstd frame stores). */
  digestLow32(): number {
    return this.digest()[1];
  }

  /** The digest as [hi, lo] 32-bit halves. */
  digest(): [hi: number, lo: number] {
    const a = this.acc;
    let h: number, l: number;
    if (this.total >= 32) {
      rotl(a[0]!, a[1]!, 1); let sh = rh, sl = rl;
      rotl(a[2]!, a[3]!, 7); add(sh, sl, rh, rl); sh = rh; sl = rl;
      rotl(a[4]!, a[5]!, 12); add(sh, sl, rh, rl); sh = rh; sl = rl;
      rotl(a[6]!, a[7]!, 18); add(sh, sl, rh, rl); h = rh; l = rl;
      for (let i = 0; i < 4; i++) {
        round(0, 0, a[2 * i]!, a[2 * i + 1]!);
        h = (h ^ rh) >>> 0; l = (l ^ rl) >>> 0;
        mul(h, l, P1H, P1L); add(rh, rl, P4H, P4L); h = rh; l = rl;
      }
    } else {
      h = P5H; l = P5L;
    }
    add(h, l, Math.floor(this.total / 4294967296) >>> 0, this.total >>> 0); h = rh; l = rl;
    const t = this.tail;
    const n = this.tailLength;
    let p = 0;
    for (; p + 8 <= n; p += 8) {
      round(0, 0, u32(t, p + 4), u32(t, p));
      h = (h ^ rh) >>> 0; l = (l ^ rl) >>> 0;
      rotl(h, l, 27); mul(rh, rl, P1H, P1L); add(rh, rl, P4H, P4L); h = rh; l = rl;
    }
    if (p + 4 <= n) {
      mul(0, u32(t, p), P1H, P1L);
      h = (h ^ rh) >>> 0; l = (l ^ rl) >>> 0;
      rotl(h, l, 23); mul(rh, rl, P2H, P2L); add(rh, rl, P3H, P3L); h = rh; l = rl;
      p += 4;
    }
    for (; p < n; p++) {
      mul(0, t[p]!, P5H, P5L);
      h = (h ^ rh) >>> 0; l = (l ^ rl) >>> 0;
      rotl(h, l, 11); mul(rh, rl, P1H, P1L); h = rh; l = rl;
    }
    // Avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32.
    l = (l ^ (h >>> 1)) >>> 0;
    mul(h, l, P2H, P2L); h = rh; l = rl;
    l = (l ^ ((l >>> 29) | (h << 3))) >>> 0;
    h = (h ^ (h >>> 29)) >>> 0;
    mul(h, l, P3H, P3L); h = rh; l = rl;
    return [h, (l ^ h) >>> 0];
  }
}
