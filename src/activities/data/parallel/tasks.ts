import type { PipelineSpec } from '../../../spec/schema';
import { RecordFactsBuilder, type RecordFacts } from '../analysis/record-facts';
import { writeRecords, type WrittenBatch } from '../output/write-records';
import type { CanonicalRecord } from '../records';
import { jsonLineReader, type JsonLineReader } from '../sources';
import { parseLineBatch, type BatchNotes } from './parse-lines';

/** A batch of lines of one file of `data.sources[source]`, as readLineBatches cut it. */
export interface LinesTask {
  source: number;
  uri: string;
  bytes: Uint8Array;
  firstLine: number;
}

/** Second pass: what to do with each record of the batch (see output/write-records.ts). */
export interface WriteTask extends LinesTask {
  decisions: Uint8Array;
}

export type BatchRequest = { kind: 'analyse'; task: LinesTask } | { kind: 'write'; task: WriteTask };
export type BatchResult<K extends BatchRequest['kind']> = { notes: BatchNotes; result: K extends 'analyse' ? RecordFacts : WrittenBatch };

/**
 * The per-batch work of the data phase, the same whether it runs in a worker thread or, for a small input, on
 * the calling thread. Holds what is built once per run: line readers and the facts builder.
 */
export class BatchWork {
  private readonly readers = new Map<number, JsonLineReader>();
  private facts: RecordFactsBuilder | undefined;

  constructor(private readonly data: PipelineSpec['data']) {}

  run(request: BatchRequest): BatchResult<typeof request.kind> {
    return request.kind === 'analyse' ? this.analyse(request.task) : this.write(request.task);
  }

  /** First pass: parses the lines and takes the facts of their records. */
  analyse(task: LinesTask): BatchResult<'analyse'> {
    const facts = this.factsBuilder();
    const notes = this.parse(task, (record) => facts.add(record));
    return { notes, result: facts.take() };
  }

  /** First pass over records read on this thread. */
  analyseRecords(records: CanonicalRecord[]): RecordFacts {
    const facts = this.factsBuilder();
    for (const record of records) facts.add(record);
    return facts.take();
  }

  /** Second pass: parses the lines again and writes the kept records. */
  write(task: WriteTask): BatchResult<'write'> {
    const records: CanonicalRecord[] = [];
    const notes = this.parse(task, (record) => records.push(record));
    return { notes, result: writeRecords(records, task.decisions, this.data) };
  }

  private parse(task: LinesTask, onRecord: (record: CanonicalRecord) => void): BatchNotes {
    return parseLineBatch(task.bytes, task.firstLine, { uri: task.uri, systemPrompt: this.data.system_prompt }, this.reader(task.source), onRecord);
  }

  private factsBuilder(): RecordFactsBuilder {
    return (this.facts ??= new RecordFactsBuilder(this.data));
  }

  private reader(source: number): JsonLineReader {
    let reader = this.readers.get(source);
    if (!reader) {
      const found = jsonLineReader(this.data.sources[source]!);
      if (!found) throw new Error(`data.sources.${source} is not read line by line`);
      this.readers.set(source, (reader = found));
    }
    return reader;
  }
}

/** The typed arrays of a result, handed over to the receiving thread instead of copied. */
export function transferables(result: RecordFacts | WrittenBatch): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  const values = 'splits' in result ? [...result.splits, result.trainNgrams] : Object.values(result);
  for (const value of values) if (ArrayBuffer.isView(value)) buffers.add(value.buffer as ArrayBuffer);
  return [...buffers];
}
