import type { PipelineSpec } from '../../../spec/schema';
import { createPiiRedactor } from '../pii';
import { answerOf, recordId, type CanonicalRecord } from '../records';
import type { NgramBloom } from '../signals/contamination';
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
  /** Whether train answers were added to the n-gram filter. */
  addedNgrams: boolean;
}

const encoder = new TextEncoder();
const redactors = new WeakMap<PipelineSpec['data'], ReturnType<typeof createPiiRedactor>>();

/**
 * Writes the kept records of a batch as JSON lines (PII redacted) into their splits, and adds the answers of the
 * train records to `trainNgrams`. Depends on nothing but the records and their decisions: runs on worker threads.
 */
export function writeRecords(records: CanonicalRecord[], decisions: Uint8Array, data: PipelineSpec['data'], trainNgrams: NgramBloom): WrittenBatch {
  let redact = redactors.get(data);
  if (!redact) redactors.set(data, (redact = createPiiRedactor(data.pii.patterns)));
  const texts: string[][] = SPLITS.map(() => []);
  const written: WrittenBatch = { count: records.length, splits: [], lines: [], redactions: [], formatDetails: [], addedNgrams: false };
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
    if (SPLITS[split] === 'train') {
      trainNgrams.addText(answerOf(record));
      written.addedNgrams = true;
    }
  }
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
