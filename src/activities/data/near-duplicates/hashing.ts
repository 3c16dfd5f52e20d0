import { fmix32 } from '../hash32';

export { FNV_OFFSET, FNV_PRIME, fmix32 } from '../hash32';

/** Hash of an ordered pair of token hashes (a word bigram or a character bigram). */
export function pairHash(first: number, second: number): number {
  return fmix32(Math.imul(first, 0x9e3779b1) ^ second);
}
