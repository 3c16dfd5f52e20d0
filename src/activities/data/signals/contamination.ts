import { BloomFilter } from './bloom-filter';
import { fmix32 } from './hash';
import { TokenHashes } from './tokens';

/**
 * N-gram sizes for test-versus-train overlap. GPT-3 (Brown et al. 2020) flagged contamination by 13-gram word
 * overlap on long benchmark documents; support answers are short (a median of a few dozen words), where a
 * 13-word window would leave most answers with one n-gram or none, so 8 words are used: still long enough that
 * a shared 8-gram is rarely chance. Shared boilerplate ("If you have any other questions, please let us know")
 * does match, which is why overlap is a share of the text's n-grams rather than a yes or no. Japanese has no
 * spaces and a character carries about half an English word, so it uses character 13-grams, about 5 to 6 words.
 * Text shorter than n is one n-gram, the whole text: a short answer overlaps only with the same short answer.
 */
export const WORD_NGRAM = 8;
export const JAPANESE_CHARACTER_NGRAM = 13;

/**
 * Two polynomial rolling hashes over the token hashes, with different odd bases, give each n-gram two
 * independent 32-bit hashes at constant cost per n-gram (sliding the window is one multiply, one subtract and
 * one add per lane), not n steps. The token hashes are already uniformly mixed, so distinct n-grams collide in
 * a lane with probability about 2^-32, and the finaliser spreads the sum over all bits.
 */
const BASE_1 = 0x9e3779b1;
const BASE_2 = 0x85ebca77;

/** The two 32-bit hashes of each n-gram of a text (see `each`), for a filter built elsewhere. */
export class NgramHasher {
  private readonly tokens = new TokenHashes();

  /**
   * Calls `found` with the two hashes of every n-gram of the text and returns how many there were, 0 for text
   * without tokens. Tokens are normalised (see TokenHashes), so case and punctuation changes do not hide a copy.
   */
  each(text: string, found: (hash1: number, hash2: number) => void): number {
    const tokens = this.tokens;
    tokens.scan(text);
    const { hashes, count } = tokens;
    if (count === 0) return 0;
    const size = Math.min(tokens.japanese * 2 > count ? JAPANESE_CHARACTER_NGRAM : WORD_NGRAM, count);
    const drop1 = power(BASE_1, size - 1);
    const drop2 = power(BASE_2, size - 1);
    let lane1 = windowHash(hashes, size, BASE_1);
    let lane2 = windowHash(hashes, size, BASE_2);
    for (let end = size; ; end++) {
      found(fmix32(lane1 ^ size), fmix32(lane2 + size));
      if (end === count) return count - size + 1;
      lane1 = slide(lane1, hashes[end - size], hashes[end], drop1, BASE_1);
      lane2 = slide(lane2, hashes[end - size], hashes[end], drop2, BASE_2);
    }
  }
}

/**
 * Training n-grams in a Bloom filter, to measure how much of each test text also occurs in training.
 * `expectedItems` is the number of n-grams to be added, about the number of words (Japanese: characters) in the
 * training text.
 */
export class NgramBloom {
  private readonly filter: BloomFilter;
  private readonly hasher = new NgramHasher();

  constructor(expectedItems: number, falsePositiveRate = 0.01) {
    this.filter = new BloomFilter(expectedItems, falsePositiveRate);
  }

  /** Bytes held by the filter. */
  get byteLength(): number {
    return this.filter.byteLength;
  }

  addText(text: string): void {
    this.hasher.each(text, (hash1, hash2) => this.filter.add(hash1, hash2));
  }

  /** Adds n-grams hashed by an NgramHasher (in another thread): `pairs` holds their two hashes one after the other. */
  addHashes(pairs: Uint32Array): void {
    this.filter.addAll(pairs);
  }

  /** Share in [0, 1] of the text's n-grams found in the training text; 0 for text without words. */
  overlap(text: string): number {
    let found = 0;
    const count = this.hasher.each(text, (hash1, hash2) => {
      if (this.filter.has(hash1, hash2)) found++;
    });
    return count === 0 ? 0 : found / count;
  }
}

/** Σ hashes[i] · base^(size - 1 - i) over the first window, mod 2^32. */
function windowHash(hashes: Uint32Array, size: number, base: number): number {
  let hash = 0;
  for (let i = 0; i < size; i++) hash = (Math.imul(hash, base) + hashes[i]) | 0;
  return hash;
}

/** The window moved one token on: the oldest token's term removed, the new token added. */
function slide(hash: number, leaving: number, entering: number, drop: number, base: number): number {
  return (Math.imul((hash - Math.imul(leaving, drop)) | 0, base) + entering) | 0;
}

/** base^exponent mod 2^32. */
function power(base: number, exponent: number): number {
  let result = 1;
  for (let i = 0; i < exponent; i++) result = Math.imul(result, base);
  return result;
}
