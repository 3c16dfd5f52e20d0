import type { PipelineSpec } from '../../../spec/schema';
import { exactKeyPair, NEAR_DUPLICATE_DEFAULTS, NearDuplicateSketcher } from '../near-duplicates';
import { BUILTIN_PII_KINDS, createPiiRedactor } from '../pii';
import { answerOf, incompleteReason, questionOf, type CanonicalRecord } from '../records';
import { placeholderText, truncatedText } from '../signals/accuracy-rules';
import { bigramHashes } from '../signals/diversity';
import { formatViolations } from '../signals/format-rules';
import { detectLanguage, languageMismatch } from '../signals/language';
import { LengthOutliers } from '../signals/length-outliers';
import { japaneseRegister } from '../signals/register';
import { GrowableArray } from './growable';
import { contextOf, dedupTextOf } from './record-text';
import { FLAG, REGISTERS } from './record-table';

/**
 * What the first pass needs of each record of a batch that depends on the record alone, in typed arrays (a batch
 * crosses from a worker thread by transfer, not by copy). Record i of the batch:
 * - `keys[6i..6i+5]`: exact keys (hi, lo) of its context, answer and opening question;
 * - `signatures[bins * i..]` and `emptyBins[bins / 32 * i..]`: its near-duplicate sketch;
 * - `bigrams` from `bigramEnds[i - 1]` (0 for the first) to `bigramEnds[i]`: its context's bigram hashes;
 * - `piiKinds` from `piiEnds[i - 1]` to `piiEnds[i]`: an index into `piiKindNames` per kind found per message.
 * An incomplete record has only its line and category.
 */
export interface RecordFacts {
  count: number;
  lines: Uint32Array;
  categories: string[];
  categoryOf: Uint32Array;
  incomplete: Uint8Array;
  keys: Uint32Array;
  signatures: Uint8Array;
  emptyBins: Uint32Array;
  register: Uint8Array;
  /** FLAG bits found on the record alone (language mismatch, format, placeholder, truncated). */
  flags: Uint16Array;
  /** LengthOutliers.measure of the answer. */
  lengths: Uint32Array;
  bigramEnds: Uint32Array;
  bigrams: Uint32Array;
  piiEnds: Uint32Array;
  piiKinds: Uint8Array;
}

/** The PII kind names `RecordFacts.piiKinds` indexes: built-in kinds, then the spec's custom patterns. */
export function piiKindNames(data: PipelineSpec['data']): string[] {
  return [...BUILTIN_PII_KINDS, ...data.pii.patterns.map((pattern) => pattern.name)];
}

/** Collects the facts of a batch's records, one `add` each, for `take`. Reusable from batch to batch. */
export class RecordFactsBuilder {
  private readonly sketcher: NearDuplicateSketcher;
  private readonly bins: number;
  private readonly redact: ReturnType<typeof createPiiRedactor>;
  private readonly kindIndex: Map<string, number>;
  private readonly format: PipelineSpec['data']['quality']['format'];
  private columns = this.emptyColumns();
  private categoryIds = new Map<string, number>();
  private count = 0;
  private bigramCount = 0;
  private piiCount = 0;

  constructor(private readonly data: PipelineSpec['data']) {
    this.bins = data.deduplication.permutations ?? NEAR_DUPLICATE_DEFAULTS.permutations;
    this.sketcher = new NearDuplicateSketcher(this.bins);
    this.redact = createPiiRedactor(data.pii.patterns);
    this.kindIndex = new Map(piiKindNames(data).map((name, i) => [name, i]));
    // The register rule is applied over the whole corpus by the first pass; the per-answer rules here.
    this.format = { ...data.quality.format, required_register: undefined };
  }

  add(record: CanonicalRecord): void {
    const c = this.columns;
    const r = this.count++;
    c.lines.set(r, record.source.line);
    const category = record.category ?? '';
    let categoryId = this.categoryIds.get(category);
    if (categoryId === undefined) this.categoryIds.set(category, (categoryId = this.categoryIds.size));
    c.categoryOf.set(r, categoryId);
    if (incompleteReason(record)) {
      c.incomplete.set(r, 1);
      c.bigramEnds.set(r, this.bigramCount);
      c.piiEnds.set(r, this.piiCount);
      return;
    }
    const context = contextOf(record);
    const answer = answerOf(record);
    // Keys of the normalised texts (case, width, punctuation and spacing do not count), hashed without copies.
    const [contextHi, contextLo] = exactKeyPair(context);
    const [answerHi, answerLo] = exactKeyPair(answer);
    const opening = questionOf(record);
    const [openHi, openLo] = opening === context ? [contextHi, contextLo] : exactKeyPair(opening);
    const keys = [contextHi, contextLo, answerHi, answerLo, openHi, openLo];
    for (let k = 0; k < 6; k++) c.keys.set(6 * r + 5 - k, keys[5 - k]!);

    const signature = this.sketcher.sketch(dedupTextOf(context, answer));
    const valuesAt = this.bins * r;
    const maskAt = (this.bins >>> 5) * r;
    for (let b = signature.bins - 1; b >= 0; b--) c.signatures.set(valuesAt + b, signature.values[b]!);
    for (let w = signature.emptyBins.length - 1; w >= 0; w--) c.emptyBins.set(maskAt + w, signature.emptyBins[w]!);

    const language = detectLanguage(answer);
    c.register.set(r, Math.max(0, REGISTERS.indexOf(japaneseRegister(answer))));
    let flags = 0;
    if (languageMismatch(context, answer)) flags |= FLAG.language_mismatch;
    if (formatViolations(answer, this.format).length > 0) flags |= FLAG.format;
    if (placeholderText(answer) !== null) flags |= FLAG.placeholder;
    if (truncatedText(answer)) flags |= FLAG.truncated;
    c.flags.set(r, flags);
    c.lengths.set(r, LengthOutliers.measure(answer, language));
    bigramHashes(context, (hash) => c.bigrams.set(this.bigramCount++, hash));
    c.bigramEnds.set(r, this.bigramCount);

    if (this.data.pii.redact) {
      for (const message of record.messages) {
        if (message.role === 'system') continue;
        for (const kind of this.redact(message.content).kinds) c.piiKinds.set(this.piiCount++, this.kindIndex.get(kind)!);
      }
    }
    c.piiEnds.set(r, this.piiCount);
  }

  /** The facts of the records added since the last `take`. */
  take(): RecordFacts {
    const c = this.columns;
    const n = this.count;
    const facts: RecordFacts = {
      count: n,
      lines: c.lines.view(n),
      categories: [...this.categoryIds.keys()],
      categoryOf: c.categoryOf.view(n),
      incomplete: c.incomplete.view(n),
      keys: c.keys.view(6 * n),
      signatures: c.signatures.view(this.bins * n),
      emptyBins: c.emptyBins.view((this.bins >>> 5) * n),
      register: c.register.view(n),
      flags: c.flags.view(n),
      lengths: c.lengths.view(n),
      bigramEnds: c.bigramEnds.view(n),
      bigrams: c.bigrams.view(this.bigramCount),
      piiEnds: c.piiEnds.view(n),
      piiKinds: c.piiKinds.view(this.piiCount),
    };
    this.columns = this.emptyColumns();
    this.categoryIds = new Map();
    this.count = this.bigramCount = this.piiCount = 0;
    return facts;
  }

  private emptyColumns() {
    const u32 = () => new GrowableArray((n) => new Uint32Array(n));
    return {
      lines: u32(),
      categoryOf: u32(),
      incomplete: new GrowableArray((n) => new Uint8Array(n)),
      keys: u32(),
      signatures: new GrowableArray((n) => new Uint8Array(n)),
      emptyBins: u32(),
      register: new GrowableArray((n) => new Uint8Array(n)),
      flags: new GrowableArray((n) => new Uint16Array(n)),
      lengths: u32(),
      bigramEnds: u32(),
      bigrams: u32(),
      piiEnds: u32(),
      piiKinds: new GrowableArray((n) => new Uint8Array(n)),
    };
  }
}
