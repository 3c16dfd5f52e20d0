import { BloomFilter } from './bloom-filter';
import { hashSequence } from './hash';
import { TokenHashes } from './tokens';

/**
 * N-gram sizes for test-versus-train overlap. GPT-3 (Brown et al. 2020) flagged contamination by 13-gram word
 * overlap on long benchmark documents; support answers are short (a median of a few dozen words), where a
 * 13-word window would leave most answers with one n-gram or none, so 8 words are used: still long enough that
 * a shared 8-gram is rarely chance ("please contact our support team for" is 6). Japanese has no spaces and
 * a character carries about half an English word, so it uses character 13-grams, about 5 to 6 words. Text
 * shorter than n is one n-gram: the whole text, so a short answer overlaps only with the same short answer.
 */
export const WORD_NGRAM = 8;
export const JAPANESE_CHARACTER_NGRAM = 13;

const SEED_1 = 0x2545f491;
const SEED_2 = 0x6c078965;

/**
 * Training n-grams in a Bloom filter, to measure how much of each test text also occurs in training. Tokens are
 * normalised (see TokenHashes), so case and punctuation changes do not hide a copy. `expectedItems` is the number
 * of n-grams to be added, about the number of words (Japanese: characters) in the training text.
 */
export class NgramBloom {
  private readonly filter: BloomFilter;
  private readonly tokens = new TokenHashes();

  constructor(expectedItems: number, falsePositiveRate = 0.01) {
    this.filter = new BloomFilter(expectedItems, falsePositiveRate);
  }

  /** Bytes held by the filter. */
  get byteLength(): number {
    return this.filter.byteLength;
  }

  addText(text: string): void {
    const size = this.scan(text);
    if (size === 0) return;
    const { hashes, count } = this.tokens;
    for (let start = 0; start + size <= count; start++) {
      this.filter.add(hashSequence(hashes, start, start + size, SEED_1), hashSequence(hashes, start, start + size, SEED_2));
    }
  }

  /** Share in [0, 1] of the text's n-grams found in the training text; 0 for text without words. */
  overlap(text: string): number {
    const size = this.scan(text);
    const { hashes, count } = this.tokens;
    if (size === 0) return 0;
    let found = 0;
    for (let start = 0; start + size <= count; start++) {
      if (this.filter.has(hashSequence(hashes, start, start + size, SEED_1), hashSequence(hashes, start, start + size, SEED_2))) found++;
    }
    return found / (count - size + 1);
  }

  /** Tokenises the text and returns its n-gram size, 0 when it has no tokens (then nothing is added). */
  private scan(text: string): number {
    const tokens = this.tokens;
    tokens.scan(text);
    if (tokens.count === 0) return 0;
    const size = tokens.japanese * 2 > tokens.count ? JAPANESE_CHARACTER_NGRAM : WORD_NGRAM;
    return Math.min(size, tokens.count);
  }
}
