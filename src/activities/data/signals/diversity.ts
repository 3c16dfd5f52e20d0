import { HyperLogLog } from './hyperloglog';
import { TokenHashes } from './tokens';

/**
 * distinct-2 over all questions: distinct bigrams / all bigrams. Bigrams are of tokens (see TokenHashes): word
 * bigrams in English, character bigrams in Japanese. The distinct count is a HyperLogLog estimate (16 KiB,
 * about 1% error), so a million questions need no set of strings. A low ratio means templated, repetitive
 * questions: the model would learn few ways of being asked.
 */
export class DistinctNgrams {
  private readonly sketch = new HyperLogLog(14);
  private readonly tokens = new TokenHashes();
  private bigrams = 0;

  add(text: string): void {
    const tokens = this.tokens;
    tokens.scan(text);
    const hashes = tokens.hashes;
    for (let i = 1; i < tokens.count; i++) this.sketch.add(bigramHash(hashes[i - 1], hashes[i]));
    if (tokens.count > 1) this.bigrams += tokens.count - 1;
  }

  /** Adds bigrams hashed by `bigramHashes` (the data phase hashes them in worker threads): `hashes[from]` to `hashes[to - 1]`. */
  addHashed(hashes: Uint32Array, from: number, to: number): void {
    for (let i = from; i < to; i++) this.sketch.add(hashes[i]);
    this.bigrams += to - from;
  }

  /** Bigrams added, repeats included. */
  get total(): number {
    return this.bigrams;
  }

  /** Estimated distinct bigrams. */
  get distinct(): number {
    return this.bigrams === 0 ? 0 : this.sketch.estimate();
  }

  /** distinct-2 in [0, 1]; 0 before any bigram, when there is nothing diverse to measure. */
  distinctRatio(): number {
    return this.bigrams === 0 ? 0 : Math.min(1, this.sketch.estimate() / this.bigrams);
  }
}

/** Reused by bigramHashes: hashing allocates nothing once it has grown to the longest text. */
const scratchTokens = new TokenHashes();

/** The bigram hashes `DistinctNgrams.add` would add for `text`, passed to `write` one by one. */
export function bigramHashes(text: string, write: (hash: number) => void): void {
  scratchTokens.scan(text);
  const hashes = scratchTokens.hashes;
  for (let i = 1; i < scratchTokens.count; i++) write(bigramHash(hashes[i - 1], hashes[i]));
}

/** Order matters ("card lost" and "lost card" differ); the final mix keeps the top bits, which HyperLogLog reads, uniform. */
function bigramHash(first: number, second: number): number {
  let hash = Math.imul(first, 0x9e3779b1) ^ second;
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/**
 * How evenly records spread over categories: Shannon entropy of the category shares divided by its maximum,
 * ln(number of categories), in [0, 1]; 1 when every category is equally frequent. Categories with no records
 * are ignored: only categories seen can be counted.
 *
 * One category with records gives 0, not 1: it is the limit of a second category shrinking to nothing
 * (99.9% / 0.1% already gives 0.01), and a user who labels categories expects more than one, so "everything
 * is 'billing'" is what should be flagged. No records at all gives 1: there is nothing unbalanced, and an
 * empty data set is reported by the minimum-examples check instead.
 */
export function categoryBalance(counts: Map<string, number> | Record<string, number>): number {
  const values = counts instanceof Map ? [...counts.values()] : Object.values(counts);
  let total = 0;
  let categories = 0;
  for (const count of values) {
    if (count > 0) {
      total += count;
      categories++;
    }
  }
  if (categories === 0) return 1;
  if (categories === 1) return 0;
  let entropy = 0;
  for (const count of values) {
    if (count > 0) {
      const share = count / total;
      entropy -= share * Math.log(share);
    }
  }
  return Math.min(1, entropy / Math.log(categories));
}
