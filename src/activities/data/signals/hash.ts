import { FNV_PRIME, fmix32 as mixSigned } from '../hash32';

/**
 * FNV-1a over UTF-16 code units, finished with murmur3's fmix32. FNV-1a alone is cheap but leaves the high
 * bits poorly mixed; HyperLogLog and the Bloom filter's block choice read the high bits, so every output bit
 * must depend on every input bit. FNV_OFFSET comes from hash32 (see near-duplicates/hashing.ts on re-exports).
 */

/** One FNV-1a step: folds a code unit (or any 32-bit value) into a running hash. */
export function fnvStep(hash: number, code: number): number {
  return Math.imul(hash ^ code, FNV_PRIME);
}

/** murmur3's finaliser: an avalanche over 32 bits, returned unsigned (register and bucket indexes read it as such). */
export function fmix32(hash: number): number {
  return mixSigned(hash) >>> 0;
}
