import { FNV_OFFSET, FNV_PRIME, fmix32 } from './hashing';

/** Chance that two different minima agree in their stored byte. */
const CHANCE_AGREEMENT = 1 / 256;

/**
 * The signatures of all indexed texts in two growable typed arrays, no object per text: `bins` bytes of values
 * and `bins / 32` words of empty-bin mask each. Text `id` sits at `values[id * bins]` and `emptyBins[id * maskWords]`.
 * `bins` is a multiple of 32, so that signatures are compared 32 bins (one mask word) at a time.
 */
export class SignatureStore {
  readonly maskWords: number;
  values = new Uint8Array(0);
  /** The same bytes as `values`, four bins per word. */
  private valueWords = new Uint32Array(0);
  emptyBins = new Uint32Array(0);
  private capacity = 0;

  constructor(readonly bins: number) {
    this.maskWords = bins >>> 5;
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
    this.valueWords = new Uint32Array(values.buffer);
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
   * Compares four one-byte bins per 32-bit word (a zero byte of a ^ b marks an agreeing bin).
   */
  estimatedJaccard(a: number, b: number): number {
    const { valueWords, emptyBins, maskWords } = this;
    let filledInEither = 0;
    let filledInBoth = 0;
    let agreeing = 0;
    for (let block = 0; block < maskWords; block++) {
      const emptyA = emptyBins[a * maskWords + block];
      const emptyB = emptyBins[b * maskWords + block];
      const both = ~(emptyA | emptyB);
      filledInEither += 32 - bitCount(emptyA & emptyB);
      filledInBoth += bitCount(both);
      let agree = 0;
      for (let word = 0, at = (a * maskWords + block) * 8, bt = (b * maskWords + block) * 8; word < 8; word++) {
        const x = valueWords[at + word] ^ valueWords[bt + word];
        const zeroBytes = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
        agree |= ((Math.imul(zeroBytes >>> 7, 0x204081) >>> 21) & 0xf) << (word * 4);
      }
      agreeing += bitCount(agree & both);
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
