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

/** Where one line of a line-based source is, for its records and its problems. */
export interface LineContext {
  uri: string;
  line: number;
  systemPrompt?: string;
  /** Reports a problem of this line. */
  problem(message: string): void;
}

/**
 * Converts the object on one line of a JSONL source into what the line holds. One function per source type,
 * shared by the streaming reader and the worker threads of the data phase, which parse lines in batches.
 */
export type JsonLineReader = (value: Record<string, unknown>, at: LineContext) => SourceItem[];
