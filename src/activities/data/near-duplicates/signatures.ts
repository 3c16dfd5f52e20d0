import { FNV_OFFSET, FNV_PRIME, fmix32 } from '../hash32';
import type { Signature } from './minhash';

/** Chance that two different minima agree in their stored byte. */
const CHANCE_AGREEMENT = 1 / 256;
/** Signatures per chunk: growth adds a chunk, never copies, and leaves at most one chunk unused. */
const CHUNK_BITS = 14;
const CHUNK_SIZE = 1 << CHUNK_BITS;

/**
 * The signatures of all indexed texts, no object per text: typed-array chunks of CHUNK_SIZE records, each the
 * `bins` value bytes followed by the `bins / 32` words of empty-bin mask, so that a comparison touches one place.
 * `bins` is a multiple of 32, so that signatures are compared 32 bins (eight value words, one mask word) at a time.
 */
export class SignatureStore {
  private readonly maskWords: number;
  /** Words per record: values, then mask. */
  private readonly recordWords: number;
  private readonly wordChunks: Uint32Array[] = [];
  /** The same memory as wordChunks, byte by byte. */
  private readonly byteChunks: Uint8Array[] = [];
  private count = 0;

  constructor(readonly bins: number) {
    this.maskWords = bins >>> 5;
    this.recordWords = (bins >>> 2) + this.maskWords;
  }

  /** Number of signatures stored. */
  get size(): number {
    return this.count;
  }

  get bytes(): number {
    return this.wordChunks.length * CHUNK_SIZE * this.recordWords * 4;
  }

  /** Stores `signature` as the next id. */
  append(signature: Signature): void {
    const chunk = this.count >>> CHUNK_BITS;
    if (chunk === this.wordChunks.length) {
      const words = new Uint32Array(CHUNK_SIZE * this.recordWords);
      this.wordChunks.push(words);
      this.byteChunks.push(new Uint8Array(words.buffer));
    }
    // Word by word: for 72 bytes a loop is quicker than TypedArray.set.
    const words = this.wordChunks[chunk];
    const valueWords = this.bins >>> 2;
    const at = (this.count & (CHUNK_SIZE - 1)) * this.recordWords;
    for (let word = 0; word < valueWords; word++) words[at + word] = signature.words[word];
    for (let word = 0; word < this.maskWords; word++) words[at + valueWords + word] = signature.emptyBins[word];
    this.count++;
  }

  /** Key of a band of stored signature `id` (see bandKey). */
  storedBandKey(id: number, first: number, length: number): number {
    return bandKey(this.byteChunks[id >>> CHUNK_BITS], (id & (CHUNK_SIZE - 1)) * this.recordWords * 4, first, length);
  }

  /** Whether stored signature `id` and `signature` agree on the band of `length` bins from `first`. */
  bandEquals(id: number, signature: Signature, first: number, length: number): boolean {
    // The default band is four bins on a word boundary: one word comparison instead of four byte comparisons.
    if (length === 4 && (first & 3) === 0) {
      return this.wordChunks[id >>> CHUNK_BITS][(id & (CHUNK_SIZE - 1)) * this.recordWords + (first >>> 2)] === signature.words[first >>> 2];
    }
    const bytes = this.byteChunks[id >>> CHUNK_BITS];
    const start = (id & (CHUNK_SIZE - 1)) * this.recordWords * 4;
    for (let i = first; i < first + length; i++) if (bytes[start + i] !== signature.values[i]) return false;
    return true;
  }

  /**
   * Whether the estimated Jaccard similarity of the shingle sets behind stored signature `id` and `signature`
   * reaches `threshold`. The estimate is the share of bins, among those filled in at least one, whose minima agree
   * (bins empty in only one disagree), less chance agreement. Compares four one-byte bins per 32-bit word (a zero
   * byte of a ^ b marks an agreeing bin). Most candidates fall short: the masks give how many bins could still
   * agree, so the comparison stops once even all of them would not reach the threshold.
   */
  reachesJaccard(id: number, signature: Signature, threshold: number): boolean {
    const { maskWords } = this;
    const words = this.wordChunks[id >>> CHUNK_BITS];
    const at = (id & (CHUNK_SIZE - 1)) * this.recordWords;
    const maskAt = at + (this.bins >>> 2);
    let filledInEither = 0;
    let filledInBoth = 0;
    for (let block = 0; block < maskWords; block++) {
      const emptyA = words[maskAt + block];
      const emptyB = signature.emptyBins[block];
      filledInEither += 32 - bitCount(emptyA & emptyB);
      filledInBoth += bitCount(~(emptyA | emptyB));
    }
    let agreeing = 0;
    let undecided = filledInBoth;
    for (let block = 0; block < maskWords; block++) {
      // The estimate grows with `agreeing`: if every bin left agreed and it still fell short, nothing can reach it.
      if (jaccardEstimate(agreeing + undecided, filledInBoth, filledInEither) < threshold) return false;
      const both = ~(words[maskAt + block] | signature.emptyBins[block]);
      let agree = 0;
      for (let word = 0; word < 8; word++) {
        const x = words[at + block * 8 + word] ^ signature.words[block * 8 + word];
        const zeroBytes = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
        agree |= ((Math.imul(zeroBytes >>> 7, 0x204081) >>> 21) & 0xf) << (word * 4);
      }
      agreeing += bitCount(agree & both);
      undecided -= bitCount(both);
    }
    return jaccardEstimate(agreeing, filledInBoth, filledInEither) >= threshold;
  }
}

/** The Jaccard estimate from bin counts, corrected for chance agreement (not clamped: compared with a threshold in (0, 1]). */
function jaccardEstimate(agreeing: number, filledInBoth: number, filledInEither: number): number {
  return (agreeing - filledInBoth * CHANCE_AGREEMENT) / (filledInEither * (1 - CHANCE_AGREEMENT));
}

/** 32-bit key of the band of `length` bins from `first` of the signature at `values[start]`: equal bands, equal keys. */
export function bandKey(values: Uint8Array, start: number, first: number, length: number): number {
  const at = start + first;
  if (length === 4) {
    const bytes = values[at] | (values[at + 1] << 8) | (values[at + 2] << 16) | (values[at + 3] << 24);
    return fmix32(bytes ^ Math.imul(first + 1, 0x9e3779b1));
  }
  let key = Math.imul(FNV_OFFSET ^ first, FNV_PRIME);
  for (let i = at; i < at + length; i++) key = Math.imul(key ^ values[i], FNV_PRIME);
  return fmix32(key);
}

function bitCount(word: number): number {
  word -= (word >>> 1) & 0x55555555;
  word = (word & 0x33333333) + ((word >>> 2) & 0x33333333);
  return Math.imul((word + (word >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
