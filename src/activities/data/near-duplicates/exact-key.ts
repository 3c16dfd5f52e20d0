import { FNV_OFFSET, FNV_PRIME, fmix32 } from './hashing';
import { normaliseForDedup } from './normalise';

/**
 * A 64-bit key of the normalised text for exact-duplicate detection: two independent 32-bit hashes (FNV-1a and a
 * murmur-style multiply-rotate) of its UTF-16 units. Among a million distinct texts the chance of any collision
 * is about 3 in 100 million (n² / 2^65).
 */
export function exactKey(text: string): bigint {
  const normalised = normaliseForDedup(text);
  let fnv = FNV_OFFSET;
  let murmur = 0x3c6ef372;
  for (let i = 0; i < normalised.length; i++) {
    const unit = normalised.charCodeAt(i);
    fnv = Math.imul(fnv ^ unit, FNV_PRIME);
    murmur = Math.imul(murmur ^ Math.imul(unit, 0xcc9e2d51), 0x1b873593);
    murmur = (murmur << 13) | (murmur >>> 19);
  }
  const high = fmix32(fnv ^ normalised.length);
  const low = fmix32(murmur ^ normalised.length);
  return (BigInt(high) << 32n) | BigInt(low);
}
