import { FNV_OFFSET, FNV_PRIME, fmix32 } from '../hash32';
import { UnitBuffer, writeNormalised } from './normalise';

const scratch = new UnitBuffer();

/**
 * A 64-bit key of the normalised text for exact-duplicate detection: two independent 32-bit hashes (FNV-1a and a
 * murmur-style multiply-rotate) of its UTF-16 units. Among a million distinct texts the chance of any collision
 * is about 3 in 100 million (n² / 2^65).
 */
export function exactKey(text: string): bigint {
  const [high, low] = exactKeyPair(text);
  return (BigInt(high) << 32n) | BigInt(low);
}

/** The same key as two unsigned 32-bit halves, without allocating a BigInt (the data phase takes several per record). */
export function exactKeyPair(text: string): [number, number] {
  writeNormalised(text, scratch);
  const { units, length } = scratch;
  let fnv = FNV_OFFSET;
  let murmur = 0x3c6ef372;
  for (let i = 0; i < length; i++) {
    const unit = units[i];
    fnv = Math.imul(fnv ^ unit, FNV_PRIME);
    murmur = Math.imul(murmur ^ Math.imul(unit, 0xcc9e2d51), 0x1b873593);
    murmur = (murmur << 13) | (murmur >>> 19);
  }
  return [fmix32(fnv ^ length) >>> 0, fmix32(murmur ^ length) >>> 0];
}
