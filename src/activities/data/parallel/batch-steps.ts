import { createHash } from 'node:crypto';
import type { PipelineSpec } from '../../../spec/schema';
import { readLineBatches } from '../input/line-batches';
import type { SourceInputs } from '../inputs';
import type { ProblemList } from '../problems';
import { reportEmptyFile } from '../sources/jsonl';
import type { CanonicalRecord } from '../records';
import { jsonLineReader, readSource } from '../sources';
import type { BatchNotes } from './parse-lines';
import type { LinesTask } from './tasks';

/** What a pass of the data phase consumes, in file and line order. `file` indexes `indexInputs(inputs)`. */
export type BatchStep<B> =
  | { kind: 'problem'; file: string; line: number | undefined; message: string }
  | { kind: 'file'; file: number; phase: 'start' | 'end'; lineBased: boolean }
  | { kind: 'batch'; file: number; notes: BatchNotes; result: B; position: number | null };

export interface StepOptions {
  /** Bytes of lines per batch (see readLineBatches). */
  batchBytes: number;
  /** Batches in flight at most: bounds memory while the threads run ahead of the consumer. */
  inFlight: number;
}

/** How a pass works on batches: lines through the pool, records of a stream-read source on this thread. */
export interface BatchHandlers<B> {
  /** The `position`-th batch of lines of the whole input (both passes see the same batches). */
  lines(task: LinesTask, position: number): Promise<{ notes: BatchNotes; result: B }>;
  records(records: CanonicalRecord[]): B;
}

/** Records of a stream-read (CSV) source per batch: about what a batch of lines holds. */
const STREAMED_BATCH_RECORDS = 2000;

/**
 * Reads every file of every source in order. Line-based sources are cut into batches that run on the pool,
 * several at a time; a CSV source is read as a stream on this thread, after everything before it is consumed
 * (its reader reports problems as it goes, which must stay in order). Steps come out in input order whatever
 * order the batches finish in. `digests[file]` is the sha256 of the file's stored bytes once it is read.
 */
export async function* batchSteps<B>(
  inputs: SourceInputs[],
  data: PipelineSpec['data'],
  problems: ProblemList,
  digests: string[],
  options: StepOptions,
  handlers: BatchHandlers<B>,
): AsyncGenerator<BatchStep<B>> {
  const queue: Promise<BatchStep<B>>[] = [];
  const push = (step: BatchStep<B> | Promise<BatchStep<B>>) => {
    const queued = Promise.resolve(step);
    // A batch may fail before its turn comes: it is awaited then, and must not count as unhandled meanwhile.
    queued.catch(() => {});
    queue.push(queued);
  };
  let file = 0;
  let position = 0;
  for (const { source, index, files, problem } of inputs) {
    if (problem) push({ kind: 'problem', file: problem.file, line: undefined, message: problem.message });
    const lineBased = jsonLineReader(source) !== null;
    for (const input of files) {
      const hash = createHash('sha256');
      push({ kind: 'file', file, phase: 'start', lineBased });
      if (lineBased) {
        for await (const batch of readLineBatches(input, options.batchBytes, hash)) {
          if (batch.kind === 'problem') {
            push({ kind: 'problem', file: input.display, line: batch.line, message: batch.message });
            continue;
          }
          const at = file;
          const task = { source: index, uri: input.display, bytes: batch.bytes, firstLine: batch.firstLine };
          const p = position++;
          push(handlers.lines(task, p).then(({ notes, result }) => ({ kind: 'batch' as const, file: at, notes, result, position: p })));
          while (queue.length >= options.inFlight) yield await queue.shift()!;
        }
      } else {
        while (queue.length > 0) yield await queue.shift()!;
        let notes: BatchNotes = { problems: [], dropped: [], nonBlank: 0 };
        let records: CanonicalRecord[] = [];
        for await (const item of readSource(source, { file: input, systemPrompt: data.system_prompt, problems, hash })) {
          if (item.kind === 'dropped') {
            notes.dropped.push({ line: item.line, reason: item.reason, detail: item.detail, before: records.length });
            continue;
          }
          records.push(item.record);
          if (records.length === STREAMED_BATCH_RECORDS) {
            yield { kind: 'batch', file, notes, result: handlers.records(records), position: null };
            notes = { problems: [], dropped: [], nonBlank: 0 };
            records = [];
          }
        }
        yield { kind: 'batch', file, notes, result: handlers.records(records), position: null };
      }
      // The file has been read, though its last batches may still be running; digests are only read after the pass.
      digests[file] = hash.digest('hex');
      push({ kind: 'file', file, phase: 'end', lineBased });
      file += 1;
    }
  }
  while (queue.length > 0) yield await queue.shift()!;
}

/**
 * Files the problems of the steps of a pass, in order, the way the streaming readers would: a batch's problems,
 * read problems, and "file is empty" for a line-based file without a non-blank line.
 */
export class StepProblems {
  private fatalBefore = 0;
  private nonBlank = 0;

  constructor(
    private readonly problems: ProblemList,
    private readonly fileNames: string[],
  ) {}

  /** Takes a problem or file step (true), or leaves a batch step to the caller (false) after filing its problems. */
  take<B>(step: BatchStep<B>): boolean {
    if (step.kind === 'problem') {
      this.problems.add(step.file, step.line, step.message);
      return true;
    }
    if (step.kind === 'file') {
      if (step.phase === 'start') {
        this.fatalBefore = this.problems.fatal;
        this.nonBlank = 0;
      } else if (step.lineBased && this.nonBlank === 0) {
        reportEmptyFile(this.fileNames[step.file]!, this.problems, this.fatalBefore);
      }
      return true;
    }
    const display = this.fileNames[step.file]!;
    for (const problem of step.notes.problems) this.problems.add(display, problem.line, problem.message);
    this.nonBlank += step.notes.nonBlank;
    return false;
  }
}
