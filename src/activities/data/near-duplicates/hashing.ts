import { fmix32 } from '../hash32';

// FNV_OFFSET, FNV_PRIME and fmix32 are imported from hash32 itself, not re-exported here: re-exports make V8 keep a
// module's exports in a slow dictionary, and the hashing loops would then look them up on every character.

/** Hash of an ordered pair of token hashes (a word bigram or a character bigram). */
export function pairHash(first: number, second: number): number {
  return fmix32(Math.imul(first, 0x9e3779b1) ^ second);
}
