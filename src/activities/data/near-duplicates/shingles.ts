import { FNV_OFFSET, FNV_PRIME, fmix32, pairHash } from './hashing';
import { charClasses, foldUnicode, astralClass, HIGH_SURROGATE, IGNORED, SEPARATOR, UNSPACED, WORD } from './normalise';

/**
 * The shingles of a text, hashed to 32 bits, written in place so that hashing a million texts allocates nothing.
 *
 * Shingles are every word (unigram) and every pair of adjacent tokens (bigram), where a token is a word or, in
 * scripts without spaces, one character (see normalise.ts); a mixed text ("iPhone 15の画面") simply has both kinds.
 * - Bigrams keep word order, so texts that merely share vocabulary stay apart.
 * - Word unigrams make an edit cheap: substituting one word of a 30-word answer changes 2 of ~29 bigrams but
 *   only 1 of ~30 unigrams, so two substituted words still leave Jaccard near 0.75 instead of 0.65 with bigrams alone
 *   (0.65 with word trigrams: too close to answers that share a boilerplate sentence).
 * - Lone characters of unspaced scripts are not shingles: の, に, ま are in every Japanese text. A Japanese
 *   character bigram carries about what one English word does; three characters changed in a 60-character
 *   answer still leave Jaccard near 0.8 (trigrams would fall to 0.7).
 */
export class ShingleBuffer {
  hashes = new Uint32Array(256);
  count = 0;

  push(hash: number): void {
    if (this.count === this.hashes.length) {
      const grown = new Uint32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[this.count++] = hash;
  }
}

/** Shingle of a text with no tokens at all, so that empty texts are duplicates of each other. */
const EMPTY_TEXT_SHINGLE = 0x9e3779b9;

/** Fills `into` with the shingle hashes of `text` (repeats included: the signature keeps minima, so they cost nothing). */
export function collectShingles(text: string, into: ShingleBuffer): void {
  if (!collectFolded(text, true, into)) collectFolded(foldUnicode(text), false, into);
}

/**
 * One pass over the text: hashes each token as it ends and emits its shingles. ASCII text is folded here (A-Z to
 * a-z) without NFKC, which would leave it unchanged; returns false at the first non-ASCII unit when `asciiOnly`.
 */
function collectFolded(text: string, asciiOnly: boolean, into: ShingleBuffer): boolean {
  const table = charClasses();
  into.count = 0;
  let word = FNV_OFFSET;
  let inWord = false;
  let previous = 0;
  let tokens = 0;
  for (let i = 0; i <= text.length; i++) {
    let unit = i < text.length ? text.charCodeAt(i) : 0x20;
    if (unit >= 0x80 && asciiOnly) return false;
    let kind = table[unit];
    if (kind === HIGH_SURROGATE) {
      const codePoint = text.codePointAt(i) ?? unit;
      kind = codePoint > 0xffff ? astralClass(codePoint) : SEPARATOR;
      if (codePoint > 0xffff) {
        unit = codePoint;
        i++;
      }
    }
    if (kind === WORD) {
      if (unit >= 0x41 && unit <= 0x5a) unit |= 0x20;
      word = Math.imul(word ^ unit, FNV_PRIME);
      inWord = true;
      continue;
    }
    if (kind === IGNORED) continue;
    if (inWord) {
      const token = fmix32(word);
      into.push(token);
      if (tokens++ > 0) into.push(pairHash(previous, token));
      previous = token;
      word = FNV_OFFSET;
      inWord = false;
    }
    if (kind === UNSPACED) {
      const token = fmix32(Math.imul(FNV_OFFSET ^ unit, FNV_PRIME));
      if (tokens++ > 0) into.push(pairHash(previous, token));
      previous = token;
    }
  }
  if (into.count === 0) into.push(tokens === 1 ? previous : EMPTY_TEXT_SHINGLE);
  return true;
}
