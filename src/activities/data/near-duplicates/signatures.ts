import { FNV_OFFSET, FNV_PRIME, fmix32 } from './hashing';
import type { Signature } from './minhash';

/** Chance that two different minima agree in their stored byte. */
const CHANCE_AGREEMENT = 1 / 256;
/** Signatures per chunk: growth adds a chunk, never copies, and leaves at most one chunk unused. */
const CHUNK_BITS = 14;
const CHUNK_SIZE = 1 << CHUNK_BITS;

/**
 * The signatures of all indexed texts, no object per text: typed-array chunks of CHUNK_SIZE signatures, each
 * `bins` bytes of values and `bins / 32` words of empty-bin mask. `bins` is a multiple of 32, so that
 * signatures are compared 32 bins (one mask word, eight value words) at a time.
 */
export class SignatureStore {
  private readonly maskWords: number;
  private readonly valueChunks: Uint8Array[] = [];
  /** The same bytes as valueChunks, four bins per word. */
  private readonly wordChunks: Uint32Array[] = [];
  private readonly maskChunks: Uint32Array[] = [];
  private count = 0;

  constructor(readonly bins: number) {
    this.maskWords = bins >>> 5;
  }

  /** Number of signatures stored. */
  get size(): number {
    return this.count;
  }

  get bytes(): number {
    return this.valueChunks.length * CHUNK_SIZE * (this.bins + this.maskWords * 4);
  }

  /** Stores `signature` as the next id. */
  append(signature: Signature): void {
    const chunk = this.count >>> CHUNK_BITS;
    if (chunk === this.valueChunks.length) {
      const values = new Uint8Array(CHUNK_SIZE * this.bins);
      this.valueChunks.push(values);
      this.wordChunks.push(new Uint32Array(values.buffer));
      this.maskChunks.push(new Uint32Array(CHUNK_SIZE * this.maskWords));
    }
    const slot = this.count & (CHUNK_SIZE - 1);
    // Word by word: for 72 bytes a loop is quicker than TypedArray.set.
    const words = this.wordChunks[chunk];
    for (let word = 0, at = slot * this.maskWords * 8; word < this.maskWords * 8; word++) words[at + word] = signature.words[word];
    const masks = this.maskChunks[chunk];
    for (let word = 0; word < this.maskWords; word++) masks[slot * this.maskWords + word] = signature.emptyBins[word];
    this.count++;
  }

  /** Key of a band of stored signature `id` (see bandKey). */
  storedBandKey(id: number, first: number, length: number): number {
    return bandKey(this.valueChunks[id >>> CHUNK_BITS], (id & (CHUNK_SIZE - 1)) * this.bins, first, length);
  }

  /** Whether stored signature `id` and `signature` agree on the band of `length` bins from `first`. */
  bandEquals(id: number, signature: Signature, first: number, length: number): boolean {
    const values = this.valueChunks[id >>> CHUNK_BITS];
    const start = (id & (CHUNK_SIZE - 1)) * this.bins;
    for (let i = first; i < first + length; i++) if (values[start + i] !== signature.values[i]) return false;
    return true;
  }

  /**
   * Estimated Jaccard similarity of the shingle sets behind stored signature `id` and `signature`: the share of
   * bins, among those filled in at least one, whose minima agree (bins empty in only one disagree), less chance
   * agreement. Compares four one-byte bins per 32-bit word (a zero byte of a ^ b marks an agreeing bin).
   */
  estimatedJaccard(id: number, signature: Signature): number {
    const { maskWords } = this;
    const words = this.wordChunks[id >>> CHUNK_BITS];
    const masks = this.maskChunks[id >>> CHUNK_BITS];
    const slot = id & (CHUNK_SIZE - 1);
    const queryWords = signature.words;
    let filledInEither = 0;
    let filledInBoth = 0;
    let agreeing = 0;
    for (let block = 0; block < maskWords; block++) {
      const emptyA = masks[slot * maskWords + block];
      const emptyB = signature.emptyBins[block];
      const both = ~(emptyA | emptyB);
      filledInEither += 32 - bitCount(emptyA & emptyB);
      filledInBoth += bitCount(both);
      let agree = 0;
      for (let word = 0, at = (slot * maskWords + block) * 8; word < 8; word++) {
        const x = words[at + word] ^ queryWords[block * 8 + word];
        const zeroBytes = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
        agree |= ((Math.imul(zeroBytes >>> 7, 0x204081) >>> 21) & 0xf) << (word * 4);
      }
      agreeing += bitCount(agree & both);
    }
    const estimate = (agreeing - filledInBoth * CHANCE_AGREEMENT) / (filledInEither * (1 - CHANCE_AGREEMENT));
    return Math.max(0, Math.min(1, estimate));
  }
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
