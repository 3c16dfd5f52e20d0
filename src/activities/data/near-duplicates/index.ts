import { BandTable, MAX_ITEMS } from './band-table';
import { OnePermutationMinHash, Signature } from './minhash';
import { collectShingles, ShingleBuffer } from './shingles';
import { bandKey, SignatureStore } from './signatures';

export { normaliseForDedup } from './normalise';
export { exactKey, exactKeyPair } from './exact-key';

export interface NearDuplicateOptions {
  /** Estimated Jaccard similarity of the shingle sets (see shingles.ts) from which two texts are near-duplicates. */
  threshold?: number;
  /** Signature length: one-permutation MinHash bins, one byte each. */
  permutations?: number;
  /**
   * LSH bands; each takes `floor(permutations / bands)` bins, and texts become candidates when one band agrees.
   * Defaults to `permutations / 4`: 4 bins per band, whatever the signature length.
   */
  bands?: number;
}

/**
 * Chosen on generated support answers (test/data/near-duplicates.test.ts) and on the 1M-record benchmark corpus
 * (`npm run bench:data`), whose answers come from shared templates:
 * - threshold 0.78: two words substituted or added in a 25–40-word answer leave Jaccard 0.8–0.9, a few characters
 *   changed in a Japanese answer 0.78–0.9, while answers written from one template with different details reach
 *   0.5–0.7. At 0.65 the benchmark's precision was 0.45 (its template siblings were dropped as copies).
 * - 128 bins: the estimate's standard deviation falls to about 0.03, which is what keeps template siblings near
 *   0.7 below the threshold; 64 bins let too many of them through. It costs about 360 bytes per text.
 * - 32 bands of 4 bins: a pair at Jaccard 0.78 agrees in some band with probability above 0.999.
 */
export const NEAR_DUPLICATE_DEFAULTS: Required<NearDuplicateOptions> = { threshold: 0.78, permutations: 128, bands: 32 };

/**
 * How many mutually dissimilar texts one bucket keeps. A band key shared by more texts that are not near-duplicates
 * of each other comes from boilerplate ("thank you for contacting us") and says nothing; capping it bounds the
 * work per lookup on template-heavy data. Near-duplicates of a text already in the bucket are not added either,
 * so a thousand copies of one answer cost one bucket entry per band. A real near-duplicate shares a dozen bands
 * with its original, so it is still found through the others. On the 1M-record benchmark corpus, 2 instead of 8
 * took the candidates checked per record from about 60 to about 20, missed 3 more of the planted
 * 49,491 copies (recall 0.9999 both ways) and flagged 137 fewer that were not planted (precision 0.992 to 0.995).
 */
const BUCKET_REPRESENTATIVES = 2;

/** Lookups numbered before `verified` is cleared: `2 * lookup + 1` must fit in 31 bits for the shift. */
const MAX_LOOKUPS = 0x3fffffff;

/**
 * Near-duplicate detection over up to millions of short texts: MinHash signatures with LSH banding, candidates
 * verified by estimated Jaccard. Memory is typed arrays only, no object per text: at the defaults 72 bytes of
 * signature and 90 to 130 of buckets per text (160 bytes a text in all for 200,000 texts, 190 for a million),
 * plus 4 to 8 bytes of verification marks.
 */
export class NearDuplicateIndex {
  private readonly threshold: number;
  private readonly bands: number;
  private readonly rows: number;
  private readonly sketcher: NearDuplicateSketcher;
  private readonly signatures: SignatureStore;
  private readonly tables: BandTable[];
  /** The signature of the text being added or looked up, and its band keys. */
  private readonly query: Signature;
  private readonly queryKeys: Int32Array;
  private readonly candidates = new Int32Array(64);
  /**
   * Per indexed text, `2 * lookup + outcome` of the last lookup that verified it: a candidate often shares many
   * bands with a text (template siblings share dozens), and is then verified once, not once per band.
   */
  private verified = new Uint32Array(1024);
  /** Numbers the lookups from 1, for `verified`. */
  private lookups = 0;
  /** Keeps the loads of `lookup`'s first pass from being optimised away. */
  private touched = 0;

  constructor(options: NearDuplicateOptions = {}) {
    const { threshold, permutations } = { ...NEAR_DUPLICATE_DEFAULTS, ...options };
    const bands = options.bands ?? permutations / 4;
    if (!(threshold > 0 && threshold <= 1)) throw new RangeError(`NearDuplicateIndex: threshold must be in (0, 1], got ${threshold}`);
    if (!Number.isInteger(permutations) || permutations < 32 || permutations > 1024 || permutations % 32 !== 0) {
      throw new RangeError(`NearDuplicateIndex: permutations must be a multiple of 32 from 32 to 1024, got ${permutations}`);
    }
    if (!Number.isInteger(bands) || bands < 1 || bands > permutations) {
      throw new RangeError(`NearDuplicateIndex: bands must be an integer from 1 to permutations (${permutations}), got ${bands}`);
    }
    const rows = Math.floor(permutations / bands);
    this.threshold = threshold;
    this.bands = bands;
    this.rows = rows;
    this.sketcher = new NearDuplicateSketcher(permutations);
    this.signatures = new SignatureStore(permutations);
    this.query = new Signature(permutations);
    this.queryKeys = new Int32Array(bands);
    this.tables = Array.from({ length: bands }, (_, band) => new BandTable((id) => this.signatures.storedBandKey(id, band * rows, rows)));
  }

  /** Number of texts indexed. */
  get size(): number {
    return this.signatures.size;
  }

  /** Approximate bytes held: signatures, buckets and scratch buffers. */
  get bytes(): number {
    const buckets = this.tables.reduce((sum, table) => sum + table.bytes, 0);
    return this.signatures.bytes + buckets + this.verified.byteLength + this.sketcher.bytes;
  }

  /**
   * Indexes `text` as the next item (ids 0, 1, 2, … in call order) and returns the id of the earliest indexed
   * item whose estimated Jaccard is >= threshold, or -1. Items are indexed whether or not they match.
   * "Indexed items" are those LSH can reach: ones sharing a band with `text` (see BUCKET_REPRESENTATIVES).
   */
  add(text: string): number {
    this.sketcher.sketch(text, this.query);
    return this.lookup(true);
  }

  /**
   * Like add, for a text sketched elsewhere (by a NearDuplicateSketcher of the same `permutations`, in a worker
   * thread): its signature is `bins` bytes from `values[valuesAt]` and its empty-bin mask `bins / 32` words from
   * `emptyBins[maskAt]`.
   */
  addSketch(values: Uint8Array, valuesAt: number, emptyBins: Uint32Array, maskAt: number): number {
    const { query } = this;
    query.values.set(values.subarray(valuesAt, valuesAt + query.bins));
    query.emptyBins.set(emptyBins.subarray(maskAt, maskAt + query.emptyBins.length));
    return this.lookup(true);
  }

  /** Like add, but only checks: the text is not indexed. */
  find(text: string): number {
    this.sketcher.sketch(text, this.query);
    return this.lookup(false);
  }

  /** Looks the sketched query up band by band and, if indexing, stores it and files it in its bands. */
  private lookup(indexing: boolean): number {
    if (indexing && this.size >= MAX_ITEMS) throw new RangeError(`NearDuplicateIndex: holds at most ${MAX_ITEMS} texts; split the data`);
    const { signatures, rows, candidates, query, queryKeys, tables } = this;
    const id = signatures.size;
    // First pass: every band's key, and a read of its home slot, so that the cache misses of all bands overlap.
    let touched = 0;
    for (let band = 0; band < this.bands; band++) {
      queryKeys[band] = bandKey(query.values, 0, band * rows, rows);
      touched += tables[band].touch(queryKeys[band]);
    }
    this.touched = touched;
    this.startLookup();
    let earliest = -1;
    for (let band = 0; band < this.bands; band++) {
      const first = band * rows;
      const found = tables[band].lookup(queryKeys[band], candidates);
      let sameKey = 0;
      let represented = false;
      for (let c = 0; c < found; c++) {
        const other = candidates[c];
        if (!signatures.bandEquals(other, query, first, rows)) continue;
        sameKey++;
        // Entries come by ascending id: for a lookup only, none after an earlier match can change the answer.
        if (!indexing && earliest >= 0 && other > earliest) break;
        if (this.isNearDuplicate(other)) {
          represented = true;
          if (earliest < 0 || other < earliest) earliest = other;
          break;
        }
      }
      if (indexing && !represented && sameKey < BUCKET_REPRESENTATIVES) tables[band].insert(queryKeys[band], id);
    }
    if (indexing) signatures.append(query);
    return earliest;
  }

  /** Gives `verified` room for every indexed text, and the lookup a number no entry holds yet. */
  private startLookup(): void {
    if (this.verified.length < this.size) {
      const verified = new Uint32Array(Math.max(this.verified.length * 2, this.size));
      verified.set(this.verified);
      this.verified = verified;
    }
    if (++this.lookups > MAX_LOOKUPS) {
      this.verified.fill(0);
      this.lookups = 1;
    }
  }

  private isNearDuplicate(other: number): boolean {
    const mark = this.verified[other];
    if (mark >>> 1 === this.lookups) return (mark & 1) === 1;
    const matches = this.signatures.reachesJaccard(other, this.query, this.threshold);
    this.verified[other] = (this.lookups << 1) | (matches ? 1 : 0);
    return matches;
  }
}

/** Sketches texts for NearDuplicateIndex.addSketch: the per-text half of `add`, which needs no other text. */
export class NearDuplicateSketcher {
  private readonly minHash: OnePermutationMinHash;
  private readonly shingles = new ShingleBuffer();
  /** The last text's signature, overwritten by the next call. */
  readonly signature: Signature;

  constructor(permutations = NEAR_DUPLICATE_DEFAULTS.permutations) {
    this.minHash = new OnePermutationMinHash(permutations);
    this.signature = new Signature(permutations);
  }

  /** Writes the text's signature into `into` (by default its own, overwritten by the next call) and returns it. */
  sketch(text: string, into: Signature = this.signature): Signature {
    collectShingles(text, this.shingles);
    this.minHash.sketch(this.shingles, into);
    return into;
  }

  /** Bytes of its shingle buffer, which grows to the longest text. */
  get bytes(): number {
    return this.shingles.hashes.byteLength;
  }
}
