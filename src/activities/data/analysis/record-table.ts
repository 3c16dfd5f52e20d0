import { GrowableArray } from './growable';

/** What became of a record. */
/** `contaminated`: a production feedback record in the group of a validation or test record (see placeGroups). */
export const STATUS = { kept: 0, incomplete: 1, duplicate: 2, near_duplicate: 3, superseded: 4, contaminated: 5 } as const;
export type RecordStatus = keyof typeof STATUS;
export const STATUS_NAMES = Object.keys(STATUS) as RecordStatus[];

/** Findings on a kept record; each counts against one quality measure and is listed in the audit. */
export const FLAG = {
  length_outlier: 1 << 0,
  language_mismatch: 1 << 1,
  register: 1 << 2,
  format: 1 << 3,
  placeholder: 1 << 4,
  truncated: 1 << 5,
  contradiction: 1 << 6,
  pii: 1 << 7,
  near_duplicate_kept: 1 << 8,
} as const;
export type RecordFlag = keyof typeof FLAG;

export const CONSISTENCY_FLAGS = FLAG.length_outlier | FLAG.language_mismatch | FLAG.register | FLAG.format;
export const ACCURACY_FLAGS = FLAG.placeholder | FLAG.truncated | FLAG.contradiction;

export const REGISTERS = [null, 'polite', 'plain'] as const;

/**
 * The first pass's findings, a few bytes per record in typed arrays indexed by record number (the order in
 * which the sources yield records). The second pass reads the same records again and acts on these.
 */
export class RecordTable {
  size = 0;
  readonly file = new GrowableArray((n) => new Uint32Array(n));
  readonly line = new GrowableArray((n) => new Uint32Array(n));
  readonly status = new GrowableArray((n) => new Uint8Array(n));
  readonly flags = new GrowableArray((n) => new Uint16Array(n));
  /** The record a dropped duplicate repeats, or a superseded answer gave way to; -1 otherwise. */
  readonly of = new GrowableArray((n) => new Int32Array(n), -1);
  readonly category = new GrowableArray((n) => new Uint16Array(n));
  readonly register = new GrowableArray((n) => new Uint8Array(n));

  add(file: number, line: number): number {
    const index = this.size++;
    this.file.set(index, file);
    this.line.set(index, line);
    return index;
  }

  setStatus(index: number, status: RecordStatus, of = -1): void {
    this.status.set(index, STATUS[status]);
    this.of.set(index, of);
  }

  statusOf(index: number): RecordStatus {
    return STATUS_NAMES[this.status.get(index)]!;
  }

  flag(index: number, flag: RecordFlag): void {
    this.flags.set(index, this.flags.get(index) | FLAG[flag]);
  }

  hasFlag(index: number, flags: number): boolean {
    return (this.flags.get(index) & flags) !== 0;
  }

  /** The kept record a dropped one points at, following chains (a duplicate of a duplicate). */
  keptOrigin(index: number): number {
    let i = this.of.get(index);
    for (let hops = 0; i !== -1 && this.status.get(i) !== STATUS.kept && hops < 64; hops++) i = this.of.get(i);
    return i;
  }

  get bytes(): number {
    return [this.file, this.line, this.status, this.flags, this.of, this.category, this.register].reduce((s, a) => s + a.bytes, 0);
  }
}

export function flagNames(flags: number): RecordFlag[] {
  return (Object.keys(FLAG) as RecordFlag[]).filter((name) => (flags & FLAG[name]) !== 0);
}
