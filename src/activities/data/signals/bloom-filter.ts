/**
 * A Bloom filter sized for `expectedItems` at `falsePositiveRate`: m = -n ln p / (ln 2)^2 bits and
 * k = (m / n) ln 2 hash functions, about 9.6 bits (1.2 bytes) per item at 1%. The k positions come from two
 * independent 32-bit hashes by enhanced double hashing (Kirsch and Mitzenmacher 2006): h1 + i * h2 mod m.
 */
export class BloomFilter {
  readonly bitCount: number;
  readonly hashCount: number;
  private readonly words: Uint32Array;

  constructor(expectedItems: number, falsePositiveRate: number) {
    if (!(falsePositiveRate > 0 && falsePositiveRate < 1)) throw new RangeError(`false positive rate must be between 0 and 1, got ${falsePositiveRate}`);
    const items = Math.max(1, Math.ceil(expectedItems));
    const bits = Math.max(64, Math.ceil((-items * Math.log(falsePositiveRate)) / (Math.LN2 * Math.LN2)));
    if (bits > MAX_BITS) {
      throw new RangeError(
        `a Bloom filter for ${items} items at ${falsePositiveRate} needs ${Math.ceil(bits / 8 / 2 ** 20)} MiB, over the ${MAX_BITS / 8 / 2 ** 20} MiB limit: ` +
          'sample the training text or accept a higher false positive rate',
      );
    }
    this.bitCount = bits;
    this.hashCount = Math.min(MAX_HASHES, Math.max(1, Math.round((bits / items) * Math.LN2)));
    this.words = new Uint32Array(Math.ceil(bits / 32));
  }

  /** Bytes held by the bit array. */
  get byteLength(): number {
    return this.words.byteLength;
  }

  add(hash1: number, hash2: number): void {
    const m = this.bitCount;
    let index = hash1 % m;
    const step = hash2 % m || 1;
    for (let i = 0; i < this.hashCount; i++) {
      this.words[index >>> 5] |= 1 << (index & 31);
      index += step;
      if (index >= m) index -= m;
    }
  }

  has(hash1: number, hash2: number): boolean {
    const m = this.bitCount;
    let index = hash1 % m;
    const step = hash2 % m || 1;
    for (let i = 0; i < this.hashCount; i++) {
      if ((this.words[index >>> 5] & (1 << (index & 31))) === 0) return false;
      index += step;
      if (index >= m) index -= m;
    }
    return true;
  }
}

/** 512 MiB: enough for about 400 million n-grams at 1%. */
const MAX_BITS = 2 ** 32;
const MAX_HASHES = 20;
