import path from 'node:path';
import type { PipelineSpec } from '../../../spec/schema';
import type { Analysis } from '../analysis/analyze';
import { flagNames, FLAG } from '../analysis/record-table';
import type { SourceInputs } from '../inputs';
import { createPiiRedactor } from '../pii';
import { ProblemList, type DataProblem } from '../problems';
import type { Progress } from '../progress';
import { answerOf, recordId, type CanonicalRecord } from '../records';
import { streamItems, type InputIndex } from '../record-stream';
import { NgramBloom } from '../signals/contamination';
import { formatViolations } from '../signals/format-rules';
import { SPLITS, type SplitName } from '../split';
import { Audit } from './audit';
import { LineWriter } from './line-writer';

export interface WrittenSplits {
  files: Record<SplitName, string>;
  counts: Record<SplitName, number>;
  redacted: number;
  skipped: number;
  /** Train n-grams, for the contamination check of the test split. */
  trainNgrams: NgramBloom;
  digests: string[];
}

/**
 * The second pass: reads the same records again, and writes each kept one (PII redacted) to its split and
 * every decision of the first pass to the audit, as the records stream by. A record's split is its group's.
 */
export async function writeSplits(
  inputs: SourceInputs[],
  files: InputIndex[],
  spec: PipelineSpec,
  analysis: Analysis,
  splitOfRoot: (root: number) => SplitName,
  outDir: string,
  audit: Audit,
  progress: Progress,
): Promise<WrittenSplits> {
  const { table } = analysis;
  const writers = Object.fromEntries(SPLITS.map((s) => [s, new LineWriter(path.join(outDir, `${s}.jsonl`))])) as Record<SplitName, LineWriter>;
  const redact = createPiiRedactor(spec.data.pii.patterns);
  const trainNgrams = new NgramBloom(Math.max(1000, analysis.textUnits));
  const skippedRows: DataProblem[] = [];
  const problems = new ProblemList((p) => skippedRows.push(p));
  const digests: string[] = [];
  const at = (r: number) => ({ file: files[table.file.get(r)]!.display, line: table.line.get(r) });
  let r = 0;
  let redacted = 0;
  for await (const { file, item } of streamItems(inputs, spec.data.system_prompt, problems, digests)) {
    if (item.kind === 'dropped') {
      await audit.add({ file: files[file]!.display, line: item.line, action: 'dropped', reason: item.reason, detail: item.detail });
      continue;
    }
    const index = r++;
    progress.recordAdded();
    const status = table.statusOf(index);
    if (status !== 'kept') {
      const origin = table.keptOrigin(index);
      await audit.add({ ...at(index), action: 'dropped', reason: status, ...(origin !== -1 ? { of: at(origin) } : {}) });
      continue;
    }
    let record = item.record;
    const flags = table.flags.get(index);
    if (flags & FLAG.pii) {
      const kinds = new Set<string>();
      const messages = record.messages.map((m) => {
        if (m.role === 'system') return m;
        const result = redact(m.content);
        for (const kind of result.kinds) kinds.add(kind);
        return { role: m.role, content: result.text };
      });
      record = { ...record, id: recordId(messages), messages };
      redacted += 1;
      await audit.add({ ...at(index), action: 'redacted', reason: 'pii', kinds: [...kinds] });
    }
    for (const flag of flagNames(flags & ~FLAG.pii)) {
      const detail = flag === 'format' ? formatViolations(answerOf(record), spec.data.quality.format).join('; ') : undefined;
      await audit.add({ ...at(index), action: 'flagged', reason: flag, ...(detail ? { detail } : {}) });
    }
    const split = splitOfRoot(analysis.groups.find(index));
    await writers[split].write(JSON.stringify(outputRecord(record)));
    // Answers are what a model memorises; comparing them alone also keeps the check cheap at a million records.
    if (split === 'train') trainNgrams.addText(answerOf(record));
  }
  for (const row of skippedRows) {
    await audit.add({ file: row.file, line: row.line ?? 0, action: 'skipped', reason: 'invalid', detail: row.message });
  }
  for (const w of Object.values(writers)) await w.close();
  return {
    files: Object.fromEntries(SPLITS.map((s) => [s, writers[s].file])) as Record<SplitName, string>,
    counts: Object.fromEntries(SPLITS.map((s) => [s, writers[s].lines])) as Record<SplitName, number>,
    redacted,
    skipped: skippedRows.length,
    trainNgrams,
    digests,
  };
}

/** The record as training reads it: stable field order, so the same data gives the same bytes and the same ref. */
function outputRecord(record: CanonicalRecord): CanonicalRecord {
  return { id: record.id, messages: record.messages, category: record.category, source: record.source };
}
