import { FNV_OFFSET, FNV_PRIME, fmix32 } from './hashing';

/** Chance that two different minima agree in their stored byte. */
const CHANCE_AGREEMENT = 1 / 256;

/**
 * The signatures of all indexed texts in two growable typed arrays, no object per text: `bins` bytes of values
 * and `bins / 32` words of empty-bin mask each. Text `id` sits at `values[id * bins]` and `emptyBins[id * maskWords]`.
 */
export class SignatureStore {
  readonly maskWords: number;
  values: Uint8Array;
  emptyBins: Uint32Array;
  private capacity = 0;

  constructor(readonly bins: number) {
    this.maskWords = (bins + 31) >>> 5;
    this.values = new Uint8Array(0);
    this.emptyBins = new Uint32Array(0);
  }

  /** Makes room for signature slots 0…count-1, growing by half so that growth stays cheap and slack small. */
  reserve(count: number): void {
    if (count <= this.capacity) return;
    const capacity = Math.max(1024, Math.ceil(this.capacity * 1.5), count);
    const values = new Uint8Array(capacity * this.bins);
    values.set(this.values);
    const emptyBins = new Uint32Array(capacity * this.maskWords);
    emptyBins.set(this.emptyBins);
    this.values = values;
    this.emptyBins = emptyBins;
    this.capacity = capacity;
  }

  get bytes(): number {
    return this.values.byteLength + this.emptyBins.byteLength;
  }

  /** 32-bit key of the band of `length` bins from `first` in signature `id`: equal bands give equal keys. */
  bandKey(id: number, first: number, length: number): number {
    const { values } = this;
    let key = Math.imul(FNV_OFFSET ^ first, FNV_PRIME);
    for (let i = id * this.bins + first, end = i + length; i < end; i++) key = Math.imul(key ^ values[i], FNV_PRIME);
    return fmix32(key);
  }

  bandEquals(a: number, b: number, first: number, length: number): boolean {
    const { values, bins } = this;
    for (let i = first; i < first + length; i++) if (values[a * bins + i] !== values[b * bins + i]) return false;
    return true;
  }

  /**
   * Estimated Jaccard similarity of the shingle sets of texts `a` and `b`: the share of bins, among those filled
   * in at least one of them, whose minima agree (bins empty in only one text disagree), less chance agreement.
   */
  estimatedJaccard(a: number, b: number): number {
    const { values, emptyBins, bins, maskWords } = this;
    let filledInEither = 0;
    let filledInBoth = 0;
    let agreeing = 0;
    for (let word = 0; word < maskWords; word++) {
      const binsHere = Math.min(32, bins - word * 32);
      const emptyA = emptyBins[a * maskWords + word];
      const emptyB = emptyBins[b * maskWords + word];
      filledInEither += binsHere - bitCount(emptyA & emptyB);
      const allBins = binsHere === 32 ? -1 : (1 << binsHere) - 1;
      let both = ~(emptyA | emptyB) & allBins;
      filledInBoth += bitCount(both);
      while (both !== 0) {
        const bin = word * 32 + 31 - Math.clz32(both & -both);
        if (values[a * bins + bin] === values[b * bins + bin]) agreeing++;
        both &= both - 1;
      }
    }
    const estimate = (agreeing - filledInBoth * CHANCE_AGREEMENT) / (filledInEither * (1 - CHANCE_AGREEMENT));
    return Math.max(0, Math.min(1, estimate));
  }
}

function bitCount(word: number): number {
  word -= (word >>> 1) & 0x55555555;
  word = (word & 0x33333333) + ((word >>> 2) & 0x33333333);
  return Math.imul((word + (word >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
