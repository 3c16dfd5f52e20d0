import type { Hash } from 'node:crypto';
import type { DataSource } from '../../../spec/schema';
import type { InputFile } from '../input/input-file';
import type { ProblemList } from '../problems';
import type { CanonicalRecord } from '../records';

export type SourceOfType<T extends DataSource['type']> = Extract<DataSource, { type: T }>;

/** What a source yields, in file order: a training record, or a row its own rules leave out (e.g. low satisfaction). */
export type SourceItem = { kind: 'record'; record: CanonicalRecord } | { kind: 'dropped'; line: number; reason: 'low_satisfaction'; detail: string };

/** What every collector needs besides its own source config. */
export interface CollectContext {
  file: InputFile;
  systemPrompt?: string;
  /** Problems are added here rather than thrown, so every source is checked before the run fails. */
  problems: ProblemList;
  /** Sees the file's stored bytes as they are read, to prove the file did not change between passes. */
  hash?: Hash;
}
