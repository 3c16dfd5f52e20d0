import type { PipelineSpec } from '../../../spec/schema';
import { createPiiRedactor } from '../pii';
import { answerOf, recordId, type CanonicalRecord } from '../records';
import { GrowableArray } from '../analysis/growable';
import { NgramHasher } from '../signals/contamination';
import { formatViolations } from '../signals/format-rules';
import { SPLITS } from '../split';

/**
 * What the second pass does with one record, a byte per record: bits 0-1 its split (index in SPLITS, plus 1; 0 for
 * a record that is not written), then whether it holds PII and whether it breaks a format rule.
 */
export const DECISION = { splitMask: 0b11, pii: 1 << 2, format: 1 << 3 } as const;

/** The written lines of a batch's kept records: UTF-8 JSON lines per split, and what the audit says of them. */
export interface WrittenBatch {
  /** Records in the batch, written or not. */
  count: number;
  /** Per split (SPLITS order): the records' lines, each ending in a line feed. */
  splits: Uint8Array[];
  lines: number[];
  /** PII kinds redacted, by record position in the batch. */
  redactions: { at: number; kinds: string[] }[];
  /** Why a record breaks the format rules, by position. */
  formatDetails: { at: number; detail: string }[];
  /** The n-grams of the train records' answers, two hashes each (see NgramHasher), for the contamination filter. */
  trainNgrams: Uint32Array;
}

const encoder = new TextEncoder();
const hasher = new NgramHasher();
const EMPTY = new Uint32Array(0);
const redactors = new WeakMap<PipelineSpec['data'], ReturnType<typeof createPiiRedactor>>();

/**
 * Writes the kept records of a batch as JSON lines (PII redacted) into their splits, and hashes the n-grams of the
 * train records' answers. Depends on nothing but the records and their decisions: runs on worker threads. The
 * calling thread adds the hashes to its one filter: threads adding to a shared one would need atomic stores, which
 * each wait for their cache miss, or a filter each, which multiplies its memory.
 */
export function writeRecords(records: CanonicalRecord[], decisions: Uint8Array, data: PipelineSpec['data']): WrittenBatch {
  let redact = redactors.get(data);
  if (!redact) redactors.set(data, (redact = createPiiRedactor(data.pii.patterns)));
  const texts: string[][] = SPLITS.map(() => []);
  const written: WrittenBatch = { count: records.length, splits: [], lines: [], redactions: [], formatDetails: [], trainNgrams: EMPTY };
  const ngrams = new GrowableArray((n) => new Uint32Array(n));
  let ngramValues = 0;
  const addNgram = (hash1: number, hash2: number) => {
    ngrams.set(ngramValues++, hash1);
    ngrams.set(ngramValues++, hash2);
  };
  for (let at = 0; at < records.length; at++) {
    const decision = decisions[at]!;
    const split = (decision & DECISION.splitMask) - 1;
    if (split < 0) continue;
    let record = records[at]!;
    if (decision & DECISION.pii) {
      const kinds = new Set<string>();
      const messages = record.messages.map((m) => {
        if (m.role === 'system') return m;
        const result = redact(m.content);
        for (const kind of result.kinds) kinds.add(kind);
        return { role: m.role, content: result.text };
      });
      record = { ...record, id: recordId(messages), messages };
      written.redactions.push({ at, kinds: [...kinds] });
    }
    if (decision & DECISION.format) written.formatDetails.push({ at, detail: formatViolations(answerOf(record), data.quality.format).join('; ') });
    texts[split]!.push(JSON.stringify(outputRecord(record)), '\n');
    // Answers are what a model memorises; comparing them alone also keeps the check cheap at a million records.
    if (SPLITS[split] === 'train') hasher.each(answerOf(record), addNgram);
  }
  written.trainNgrams = ngrams.view(ngramValues);
  for (const lines of texts) {
    // TextEncoder gives each split memory of its own (a small Buffer.from may share Node's pool), which can be transferred.
    written.splits.push(encoder.encode(lines.join('')));
    written.lines.push(lines.length / 2);
  }
  return written;
}

/** The record as training reads it: stable field order, so the same data gives the same bytes and the same ref. */
function outputRecord(record: CanonicalRecord): CanonicalRecord {
  return { id: record.id, messages: record.messages, category: record.category, source: record.source };
}
