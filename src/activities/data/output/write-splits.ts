import path from 'node:path';
import { fail } from '../../../failures';
import type { PipelineSpec } from '../../../spec/schema';
import type { Analysis } from '../analysis/analyze';
import { flagNames, FLAG } from '../analysis/record-table';
import type { SourceInputs } from '../inputs';
import { batchSteps, StepProblems, type StepOptions } from '../parallel/batch-steps';
import type { BatchPool } from '../parallel/pool';
import { ProblemList, type DataProblem } from '../problems';
import type { Progress } from '../progress';
import type { InputIndex } from '../record-stream';
import { NgramBloom } from '../signals/contamination';
import { SPLITS, type SplitName } from '../split';
import { Audit } from './audit';
import { LineWriter } from './line-writer';
import { DECISION, writeRecords, type WrittenBatch } from './write-records';

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
 * Parsing, redacting and serialising run on `pool` (see write-records.ts); the audit and the files are written
 * here, in input order.
 */
export async function writeSplits(
  inputs: SourceInputs[],
  files: InputIndex[],
  spec: PipelineSpec,
  analysis: Analysis,
  splitOf: (record: number) => SplitName,
  outDir: string,
  audit: Audit,
  progress: Progress,
  pool: BatchPool,
  options: StepOptions,
): Promise<WrittenSplits> {
  const { table } = analysis;
  const writers = Object.fromEntries(SPLITS.map((s) => [s, new LineWriter(path.join(outDir, `${s}.jsonl`))])) as Record<SplitName, LineWriter>;
  const expectedNgrams = Math.max(1000, analysis.answerUnits);
  const trainNgrams = new NgramBloom(expectedNgrams);
  const skippedRows: DataProblem[] = [];
  const problems = new ProblemList((p) => skippedRows.push(p));
  const stepProblems = new StepProblems(problems, files.map((f) => f.display));
  const digests: string[] = [];
  const at = (r: number) => ({ file: files[table.file.get(r)]!.display, line: table.line.get(r) });
  /** Records of the batches consumed so far: the first of the next. */
  let next = 0;

  const decisions = (start: number, count: number): Uint8Array => {
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const r = start + i;
      if (r >= table.size || table.statusOf(r) !== 'kept') continue;
      const flags = table.flags.get(r);
      out[i] = (SPLITS.indexOf(splitOf(r)) + 1) | (flags & FLAG.pii ? DECISION.pii : 0) | (flags & FLAG.format ? DECISION.format : 0);
    }
    return out;
  };
  const changed = (file: number) => fail('DataSourceChanged', `${files[file]!.display} changed while the data phase read it; the run is retried on a stable copy`);

  pool.beginPass();
  const steps = batchSteps(inputs, spec.data, problems, digests, options, {
    lines: (task, position) => {
      const batch = analysis.lineBatches[position] ?? { start: table.size, count: 0 };
      return pool.run({ kind: 'write', task: { ...task, decisions: decisions(batch.start, batch.count) } });
    },
    // Records read on this thread: every batch before is consumed (see batchSteps), so `next` is their first.
    records: (records) => writeRecords(records, decisions(next, records.length), spec.data),
  });

  let redacted = 0;
  for await (const step of steps) {
    if (stepProblems.take(step) || step.kind !== 'batch') continue;
    const { file, notes, result } = step;
    if (step.position !== null && analysis.lineBatches[step.position]?.count !== result.count) throw changed(file);
    trainNgrams.addHashes(result.trainNgrams);
    redacted += await auditBatch(result, notes.dropped, next, file);
    for (const [s, split] of SPLITS.entries()) await writers[split].writeLines(result.splits[s]!, result.lines[s]!);
    next += result.count;
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

  /** The audit lines of a batch, in input order; returns how many records were redacted. */
  async function auditBatch(batch: WrittenBatch, dropped: { line: number; reason: string; detail: string; before: number }[], start: number, file: number): Promise<number> {
    let nextDropped = 0;
    let nextRedaction = 0;
    let nextDetail = 0;
    for (let i = 0; i <= batch.count; i++) {
      for (; nextDropped < dropped.length && dropped[nextDropped]!.before === i; nextDropped++) {
        const row = dropped[nextDropped]!;
        await audit.add({ file: files[file]!.display, line: row.line, action: 'dropped', reason: row.reason, detail: row.detail });
      }
      if (i === batch.count) break;
      const index = start + i;
      progress.recordAdded();
      const status = table.statusOf(index);
      if (status !== 'kept') {
        const origin = table.keptOrigin(index);
        await audit.add({ ...at(index), action: 'dropped', reason: status, ...(origin !== -1 ? { of: at(origin) } : {}) });
        continue;
      }
      const flags = table.flags.get(index);
      if (flags & FLAG.pii) {
        const { kinds } = batch.redactions[nextRedaction++]!;
        await audit.add({ ...at(index), action: 'redacted', reason: 'pii', kinds });
      }
      for (const flag of flagNames(flags & ~FLAG.pii)) {
        const detail = flag === 'format' ? batch.formatDetails[nextDetail++]!.detail : undefined;
        await audit.add({ ...at(index), action: 'flagged', reason: flag, ...(detail ? { detail } : {}) });
      }
    }
    return nextRedaction;
  }
}
