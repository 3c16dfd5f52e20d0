import type { PipelineSpec } from '../../../spec/schema';
import { NearDuplicateIndex } from '../near-duplicates';
import { exactKeyPair } from '../near-duplicates/exact-key';
import { createPiiRedactor } from '../pii';
import type { ProblemList } from '../problems';
import type { Progress } from '../progress';
import { answerOf, incompleteReason, questionOf } from '../records';
import type { SourceInputs } from '../inputs';
import { streamItems, type InputIndex } from '../record-stream';
import { japaneseRegister } from '../signals/register';
import { detectLanguage, languageMismatch } from '../signals/language';
import { placeholderText, truncatedText } from '../signals/accuracy-rules';
import { formatViolations } from '../signals/format-rules';
import { DistinctNgrams } from '../signals/diversity';
import { LengthOutliers } from '../signals/length-outliers';
import { KeyMap } from './key-map';
import { contextOf, dedupTextOf } from './record-text';
import { RecordTable, REGISTERS, STATUS } from './record-table';
import { UnionFind } from './union-find';
import { GrowableArray } from './growable';

/** What the first pass learns about the whole corpus, besides the per-record table. */
export interface Analysis {
  table: RecordTable;
  /** Records of one split group share a root: the same opening question, the same context, or near-duplicates kept together. */
  groups: UnionFind;
  categories: string[];
  /** Rows sources left out by their own rules (low satisfaction), per file. */
  droppedAtSource: number[];
  piiKinds: Map<string, number>;
  distinctQuestions: DistinctNgrams;
  largestCluster: number;
  /** Words (Japanese: characters / 2) over all kept records, to size the contamination filter. */
  textUnits: number;
  digests: string[];
  /** The split key of a record: a hash of its normalised opening question. */
  openingKey(record: number): string;
}

/**
 * The first pass: reads every record once and keeps only compact state. Drops incomplete records, exact and
 * near duplicates, and answers an expert source contradicts; flags consistency and accuracy findings; counts
 * PII, categories and question bigrams. Nothing is written; the second pass acts on the table.
 */
export async function analyze(inputs: SourceInputs[], files: InputIndex[], spec: PipelineSpec, problems: ProblemList, progress: Progress): Promise<Analysis> {
  const { data } = spec;
  const table = new RecordTable();
  const groups = new UnionFind();
  const exact = new KeyMap();
  const contexts = new KeyMap();
  const openings = new KeyMap();
  const answerHi = new GrowableArray((n) => new Uint32Array(n));
  const answerLo = new GrowableArray((n) => new Uint32Array(n));
  const openingHi = new GrowableArray((n) => new Uint32Array(n));
  const openingLo = new GrowableArray((n) => new Uint32Array(n));
  const { threshold, permutations } = data.deduplication;
  const nearIndex = new NearDuplicateIndex({ ...(threshold !== undefined ? { threshold } : {}), ...(permutations !== undefined ? { permutations } : {}) });
  const nearToRecord = new GrowableArray((n) => new Int32Array(n));
  const clusterSizes = new Map<number, number>();
  const redact = createPiiRedactor(data.pii.patterns);
  const lengths = new LengthOutliers();
  const lengthOwner = new GrowableArray((n) => new Int32Array(n));
  const distinctQuestions = new DistinctNgrams();
  const categoryIds = new Map<string, number>([['', 0]]);
  const piiKinds = new Map<string, number>();
  const droppedAtSource = files.map(() => 0);
  const digests: string[] = [];
  // The register rule is applied over the whole corpus below; the per-answer rules here.
  const { required_register: requiredRegister, ...format } = data.quality.format;
  let textUnits = 0;

  for await (const { file, item } of streamItems(inputs, data.system_prompt, problems, digests)) {
    if (item.kind === 'dropped') {
      droppedAtSource[file]! += 1;
      continue;
    }
    const { record } = item;
    progress.recordAdded();
    const r = table.add(file, record.source.line);
    const category = record.category ?? '';
    let categoryId = categoryIds.get(category);
    if (categoryId === undefined) categoryIds.set(category, (categoryId = categoryIds.size));
    table.category.set(r, categoryId);

    if (incompleteReason(record)) {
      table.setStatus(r, 'incomplete');
      continue;
    }
    const context = contextOf(record);
    const answer = answerOf(record);
    // Keys of the normalised texts (case, width, punctuation and spacing do not count), hashed without copies.
    const [contextHi, contextLo] = exactKeyPair(context);
    const [answerH, answerL] = exactKeyPair(answer);
    const exactHi = (Math.imul(contextHi ^ 0x5bd1e995, 0x01000193) ^ answerH) >>> 0;
    const exactLo = (Math.imul(contextLo ^ 0x27d4eb2f, 0x01000193) ^ answerL) >>> 0;
    const copyOf = exact.get(exactHi, exactLo);
    if (copyOf !== -1) {
      table.setStatus(r, 'duplicate', copyOf);
      continue;
    }
    exact.set(exactHi, exactLo, r);

    const nearId = nearIndex.size;
    const similar = nearIndex.add(dedupTextOf(context, answer));
    nearToRecord.set(nearId, r);
    const origin = similar === -1 ? -1 : nearToRecord.get(similar);
    // Records cut from one dialog repeat its earlier turns by design: they are different examples, not copies.
    if (origin !== -1 && !(table.file.get(origin) === file && table.line.get(origin) === record.source.line)) {
      const kept = table.status.get(origin) === STATUS.kept ? origin : table.keptOrigin(origin);
      const root = kept === -1 ? origin : kept;
      clusterSizes.set(root, (clusterSizes.get(root) ?? 1) + 1);
      if (data.deduplication.near_duplicates === 'drop') {
        table.setStatus(r, 'near_duplicate', origin);
        continue;
      }
      table.flag(r, 'near_duplicate_kept');
      groups.union(r, origin);
    }

    // The same context with another answer: the expert's answer wins; otherwise both are flagged.
    answerHi.set(r, answerH);
    answerLo.set(r, answerL);
    const earlier = contexts.get(contextHi, contextLo);
    if (earlier === -1) {
      contexts.set(contextHi, contextLo, r);
    } else {
      groups.union(r, earlier);
      if (answerHi.get(earlier) !== answerH || answerLo.get(earlier) !== answerL) {
        const expertNow = files[file]!.expert;
        const expertBefore = files[table.file.get(earlier)]!.expert;
        if (expertNow && !expertBefore) {
          table.setStatus(earlier, 'superseded', r);
          contexts.set(contextHi, contextLo, r);
        } else if (expertBefore && !expertNow) {
          table.setStatus(r, 'superseded', earlier);
          continue;
        } else {
          table.flag(r, 'contradiction');
          table.flag(earlier, 'contradiction');
        }
      }
    }
    // A dialog's records share its opening question; later ones hold earlier answers, so they stay in one split.
    const opening = questionOf(record);
    const [openHi, openLo] = opening === context ? [contextHi, contextLo] : exactKeyPair(opening);
    openingHi.set(r, openHi);
    openingLo.set(r, openLo);
    const firstWithOpening = openings.get(openHi, openLo);
    if (firstWithOpening === -1) openings.set(openHi, openLo, r);
    else groups.union(r, firstWithOpening);

    const language = detectLanguage(answer);
    table.register.set(r, Math.max(0, REGISTERS.indexOf(japaneseRegister(answer))));
    if (languageMismatch(context, answer)) table.flag(r, 'language_mismatch');
    if (formatViolations(answer, format).length > 0) table.flag(r, 'format');
    if (placeholderText(answer) !== null) table.flag(r, 'placeholder');
    if (truncatedText(answer)) table.flag(r, 'truncated');
    lengthOwner.set(lengths.count, r);
    lengths.add(answer, language);
    // About five characters a word: only sizes the contamination filter.
    textUnits += (answer.length + context.length) / 5;
    distinctQuestions.add(context);

    if (data.pii.redact) {
      let found = false;
      for (const message of record.messages) {
        if (message.role === 'system') continue;
        const { kinds } = redact(message.content);
        for (const kind of kinds) {
          piiKinds.set(kind, (piiKinds.get(kind) ?? 0) + 1);
          found = true;
        }
      }
      if (found) table.flag(r, 'pii');
    }
  }

  for (const position of lengths.outliers()) table.flag(lengthOwner.get(position), 'length_outlier');
  flagRegister(table, requiredRegister);
  return {
    table,
    groups,
    categories: [...categoryIds.keys()],
    droppedAtSource,
    piiKinds,
    distinctQuestions,
    largestCluster: Math.max(1, ...clusterSizes.values()),
    textUnits: Math.ceil(textUnits),
    digests,
    openingKey: (record) => `${openingHi.get(record).toString(16)}:${openingLo.get(record).toString(16)}`,
  };
}

/** Japanese answers outside the required register, or, without a rule, outside a clear house register. */
function flagRegister(table: RecordTable, required: 'polite' | 'plain' | undefined): void {
  let polite = 0;
  let plain = 0;
  for (let r = 0; r < table.size; r++) {
    if (table.status.get(r) !== STATUS.kept) continue;
    const register = REGISTERS[table.register.get(r)];
    if (register === 'polite') polite += 1;
    else if (register === 'plain') plain += 1;
  }
  // Without a rule, a clear house register (80% or more) makes the other one the exception worth a look.
  const expected = required ?? (polite >= 4 * plain && polite > 0 ? 'polite' : plain >= 4 * polite && plain > 0 ? 'plain' : null);
  for (let r = 0; r < table.size; r++) {
    if (table.status.get(r) !== STATUS.kept) continue;
    const register = REGISTERS[table.register.get(r)];
    if (expected && register && register !== expected) table.flag(r, 'register');
  }
}
