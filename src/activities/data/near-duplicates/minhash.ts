import type { ShingleBuffer } from './shingles';

/** Borrowing attempts per empty bin; if all land on empty bins too (texts of a handful of shingles), the next filled bin lends. */
const PROBES = 8;

/** A text's signature: one byte per bin, and a bit per bin that no shingle reached (bin i: bit i % 32 of word i / 32). */
export class Signature {
  readonly values: Uint8Array;
  /** The same bytes as `values`, four bins per word. */
  readonly words: Uint32Array;
  readonly emptyBins: Uint32Array;

  constructor(readonly bins: number) {
    this.values = new Uint8Array(bins);
    this.words = new Uint32Array(this.values.buffer);
    this.emptyBins = new Uint32Array((bins + 31) >>> 5);
  }
}

/**
 * One-permutation MinHash (Li, Owen & Zhang 2012): each shingle is hashed once (not once per permutation); the
 * hash's top bits choose one of `bins` bins and each bin keeps its smallest hash. That is `bins` times less work
 * than k independent permutations and estimates Jaccard as well.
 *
 * Short texts leave bins empty (a 30-word answer has ~60 shingles for 64 bins). For LSH, each empty bin borrows
 * the value of a filled bin chosen by a fixed pseudo-random sequence per bin ("optimal densification",
 * Shrivastava 2017), so two similar texts borrow the same values. For the Jaccard estimate, the bins that were
 * empty are remembered in a bit mask: bins empty in both texts are left out rather than counted through borrowed
 * values, which keeps the estimate for short texts close to the exact Jaccard.
 *
 * A bin's value is stored as one byte (b-bit minwise hashing, Li & König 2010): two different minima agree by
 * chance with probability 1/256, which the estimator subtracts; four bytes make a 32-bit LSH band key.
 */
export class OnePermutationMinHash {
  private readonly minima: Int32Array;
  private readonly filled: Int32Array;
  private readonly borrowFrom: Uint16Array;

  constructor(readonly bins: number) {
    this.minima = new Int32Array(bins);
    this.filled = new Int32Array((bins + 31) >>> 5);
    this.borrowFrom = borrowSequences(bins);
  }

  /** Writes the signature of `shingles` into `into` (`bins` is a multiple of 32: whole mask words). */
  sketch(shingles: ShingleBuffer, into: Signature): void {
    const { bins, minima, filled } = this;
    const { values, emptyBins } = into;
    for (let word = 0; word < filled.length; word++) filled[word] = 0;
    const { hashes, count } = shingles;
    for (let s = 0; s < count; s++) {
      const hash = hashes[s];
      const bin = ((hash >>> 16) * bins) >>> 16;
      const word = bin >>> 5;
      const bit = 1 << (bin & 31);
      if ((filled[word] & bit) === 0) {
        filled[word] |= bit;
        minima[bin] = hash;
      } else if (hash < minima[bin]) minima[bin] = hash;
    }
    for (let bin = 0; bin < bins; bin++) values[bin] = minima[bin];
    for (let word = 0; word < filled.length; word++) {
      const empty = ~filled[word];
      emptyBins[word] = empty;
      for (let bits = empty; bits !== 0; bits &= bits - 1) {
        const bin = word * 32 + 31 - Math.clz32(bits & -bits);
        values[bin] = minima[this.filledBinFor(bin)];
      }
    }
  }

  private filledBinFor(bin: number): number {
    const { bins, filled, borrowFrom } = this;
    for (let probe = bin * PROBES; probe < (bin + 1) * PROBES; probe++) {
      const source = borrowFrom[probe];
      if ((filled[source >>> 5] >>> (source & 31)) & 1) return source;
    }
    let next = bin;
    do next = next + 1 === bins ? 0 : next + 1;
    while (((filled[next >>> 5] >>> (next & 31)) & 1) === 0);
    return next;
  }
}

/** PROBES pseudo-random bins per bin, the same for every text (a fixed-seed xorshift). */
function borrowSequences(bins: number): Uint16Array {
  const sequences = new Uint16Array(bins * PROBES);
  let state = 0x2545f491;
  for (let i = 0; i < sequences.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    sequences[i] = (state >>> 0) % bins;
  }
  return sequences;
}
