import { isUtf8 } from 'node:buffer';
import type { CanonicalRecord } from '../records';
import type { JsonLineReader } from '../sources';
import { parseJsonLine } from '../sources/jsonl';

/** A row a source's own rules leave out, placed among the batch's records. */
export interface DroppedRow {
  line: number;
  reason: 'low_satisfaction';
  detail: string;
  /** How many of the batch's records came before it. */
  before: number;
}

/** A problem of one line (invalid UTF-8 or JSON, a bad field). */
export interface LineProblem {
  line: number;
  message: string;
}

/** What a batch of lines holds besides its records. */
export interface BatchNotes {
  problems: LineProblem[];
  dropped: DroppedRow[];
  /** Lines that were not blank: a file with none is reported as empty. */
  nonBlank: number;
}

const strict = new TextDecoder('utf-8', { fatal: true });
// Byte order marks are dropped line by line (lineText), like readLines does, not once per batch.
const lenient = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Parses a batch of whole lines (see readLineBatches) the way readLines and readJsonObjects parse a file: a
 * line that is not UTF-8 or not a JSON object is a problem; the rest go to the source's line reader, whose
 * records go to `onRecord` in order.
 */
export function parseLineBatch(
  bytes: Uint8Array,
  firstLine: number,
  at: { uri: string; systemPrompt?: string },
  reader: JsonLineReader,
  onRecord: (record: CanonicalRecord) => void,
): BatchNotes {
  const notes: BatchNotes = { problems: [], dropped: [], nonBlank: 0 };
  let records = 0;
  const parse = (text: string, line: number) => {
    const parsed = parseJsonLine(text);
    if (parsed === null) return;
    notes.nonBlank += 1;
    if (typeof parsed === 'string') {
      notes.problems.push({ line, message: parsed });
      return;
    }
    const items = reader(parsed, { uri: at.uri, line, systemPrompt: at.systemPrompt, problem: (message) => notes.problems.push({ line, message }) });
    for (const item of items) {
      if (item.kind === 'record') {
        onRecord(item.record);
        records += 1;
      } else {
        notes.dropped.push({ line: item.line, reason: item.reason, detail: item.detail, before: records });
      }
    }
  };
  // Valid UTF-8 (nearly always) is decoded in one call; otherwise line by line, to point at the bad lines.
  if (isUtf8(bytes)) {
    const text = lenient.decode(bytes);
    let line = firstLine;
    for (let start = 0; start < text.length; line++) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      parse(lineText(text, start, end), line);
      start = end + 1;
    }
  } else {
    let line = firstLine;
    for (let start = 0; start < bytes.length; line++) {
      let end = bytes.indexOf(0x0a, start);
      if (end === -1) end = bytes.length;
      let text: string | null = null;
      try {
        text = strict.decode(bytes.subarray(start, end > start && bytes[end - 1] === 0x0d ? end - 1 : end));
      } catch {
        notes.problems.push({ line, message: 'invalid UTF-8; save the file as UTF-8' });
      }
      if (text !== null) parse(text, line);
      start = end + 1;
    }
  }
  return notes;
}

/**
 * One line of a decoded batch, as readLines decodes it: without a final carriage return, and without a byte order
 * mark at its start (readLines decodes each line as a whole stream, which drops a leading mark).
 */
function lineText(text: string, start: number, end: number): string {
  if (end > start && text.charCodeAt(end - 1) === 0x0d) end--;
  if (end > start && text.charCodeAt(start) === 0xfeff) start++;
  return text.slice(start, end);
}
