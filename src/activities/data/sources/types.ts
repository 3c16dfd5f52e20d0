import type { DataSource } from '../../../spec/schema';
import type { ProblemList } from '../problems';
import type { Progress } from '../progress';
import type { CanonicalRecord } from '../records';
import type { SourceFile } from '../source-file';

export type SourceOfType<T extends DataSource['type']> = Extract<DataSource, { type: T }>;

/** Why a row of input did not become a training record. */
export type DropReason = 'low_satisfaction' | 'incomplete' | 'duplicate';

export interface DroppedRow {
  reason: DropReason;
  /** `file:line` of the row. */
  at: string;
  detail: string;
}

/** What every collector needs besides its own source config. */
export interface CollectContext {
  file: SourceFile;
  systemPrompt?: string;
  /** Problems are added here rather than thrown, so every source is checked before the run fails. */
  problems: ProblemList;
  progress: Progress;
}

/** The records one source produced, and the rows it dropped by its own rules (e.g. low satisfaction). */
export interface CollectedSource {
  type: DataSource['type'];
  file: string;
  /** Lines read, including the header of a CSV file. */
  lines: number;
  records: CanonicalRecord[];
  dropped: DroppedRow[];
}
