/** 32-bit hashing shared by the near-duplicate index and the corpus statistics: FNV-1a to absorb, murmur3's finaliser to spread. */

export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/**
 * murmur3's fmix32: every input bit affects every output bit, so bit ranges of the result can serve as independent
 * hashes. Results are signed 32-bit integers, which V8 keeps unboxed (unsigned ones above 2^31 become doubles).
 */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
