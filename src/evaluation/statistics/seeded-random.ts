/**
 * A small seeded random number generator, so that every interval and p-value is the same on every worker
 * and every rerun: xoshiro128** (Blackman and Vigna, 2018), its 128-bit state filled from the seed by
 * splitmix32. Not for cryptography.
 */
export interface SeededRandom {
  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** A uniform integer in [0, n). */
  nextInt(n: number): number;
}

export function seededRandom(seed: number): SeededRandom {
  if (!Number.isSafeInteger(seed)) throw new Error(`random seed must be an integer, got ${seed}`);
  // Both halves of a seed above 2^32 count, so seeds 1 and 2^32 + 1 give different streams.
  let mix = (seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32) >>> 0, 0x9e3779b1);
  const splitmix32 = () => {
    mix = (mix + 0x9e3779b9) | 0;
    let z = mix;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = splitmix32();
  let s1 = splitmix32();
  let s2 = splitmix32();
  let s3 = splitmix32();
  const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));
  const nextUint32 = () => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  return {
    nextUint32,
    nextInt(n: number) {
      if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new Error(`random integer range must be 1..2^32, got ${n}`);
      // Scaling a 32-bit draw: the bias is below n / 2^32, far under any resampling noise for test-set sizes.
      return Math.floor((nextUint32() / 2 ** 32) * n);
    },
  };
}
