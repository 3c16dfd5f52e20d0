/**
 * FNV-1a over UTF-16 code units, finished with murmur3's fmix32. FNV-1a alone is cheap but leaves the high
 * bits poorly mixed; HyperLogLog and the Bloom filter's block choice read the high bits, so every output bit
 * must depend on every input bit.
 */
export const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** One FNV-1a step: folds a code unit (or any 32-bit value) into a running hash. */
export function fnvStep(hash: number, code: number): number {
  return Math.imul(hash ^ code, FNV_PRIME);
}

/** murmur3's finaliser: an avalanche over 32 bits, returned unsigned. */
export function fmix32(hash: number): number {
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
