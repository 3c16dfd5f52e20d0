/**
 * FNV-1a over UTF-16 code units, finished with murmur3's fmix32. FNV-1a alone is cheap but leaves the high
 * bits poorly mixed; HyperLogLog reads the high bits and the Bloom filter the low ones, so every output bit
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

/** Hash of `text[start, end)` without slicing it. */
export function hashString(text: string, start = 0, end = text.length): number {
  let hash = FNV_OFFSET;
  for (let i = start; i < end; i++) hash = fnvStep(hash, text.charCodeAt(i));
  return fmix32(hash);
}

/**
 * Hash of the sequence `hashes[start, end)` of already mixed hashes (an n-gram of tokens). Different seeds give
 * independent hashes of the same sequence, as double hashing in a Bloom filter needs.
 */
export function hashSequence(hashes: Uint32Array, start: number, end: number, seed: number): number {
  let hash = seed;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ hashes[i], 0x9e3779b1) ^ (hash >>> 15);
  return fmix32(hash ^ (end - start));
}
