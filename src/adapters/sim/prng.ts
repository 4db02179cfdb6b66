import { TWO32 } from '../../model/time.js';

/**
 * xoshiro128** (Blackman and Vigna): a small, fast, seedable generator on 32-bit integer math, so the
 * simulator is deterministic across runs and machines without Math.random.
 */
export class Prng {
  // The four state words live in a typed array: as object fields, uint32 values above 2^30 are not small
  // integers and every update would allocate a heap number (hundreds of bytes of garbage per trade).
  private readonly s = new Uint32Array(4);

  constructor(seed: number) {
    // splitmix32 spreads a small seed over the four words of state.
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  /** Next 32 random bits as an unsigned integer. */
  nextU32(): number {
    return this.next() >>> 0;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return (this.next() >>> 0) / TWO32;
  }

  /**
   * Next 32 random bits as a signed int32. The generator's own steps stay in int32 (V8's small integers): an
   * unsigned value above 2^31 returned from a call V8 did not inline is a heap number, garbage on the engine's
   * thread at every draw.
   */
  private next(): number {
    const s = this.s;
    const r = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9);
    const t = s[1]! << 9;
    s[2] = s[2]! ^ s[0]!;
    s[3] = s[3]! ^ s[1]!;
    s[1] = s[1]! ^ s[2]!;
    s[0] = s[0]! ^ s[3]!;
    s[2] = s[2]! ^ t;
    s[3] = rotl(s[3]!, 11);
    return r;
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.uniform()) * mean;
  }

  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.uniform() * (hi - lo + 1));
  }
}

/** Rotates the 32 bits of `x` left by `k`; int32 result (the same bits as unsigned). */
function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
