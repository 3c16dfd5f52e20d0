import type { ProblemList } from '../problems';
import type { Hash } from 'node:crypto';
import { InputUnreadableError, openContent, type InputFile } from './input-file';

export interface SourceLine {
  /** 1-based line number. */
  line: number;
  /** The line without its line ending. */
  text: string;
}

/** A line longer than this is not a record but a broken export (a whole file on one line, a binary blob). */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;

const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Streams a file line by line, decoding each line as strict UTF-8. A line that is not valid UTF-8 is recorded
 * as a problem and skipped, so later lines are still checked. A binary file, an over-long line, a truncated
 * gzip stream or an object that cannot be fetched is a problem that ends the file. `hash` sees the stored
 * bytes, so a caller can tell that the file did not change between two readings. Splitting the raw bytes at
 * line feeds is safe: byte 0x0A never occurs inside a multi-byte UTF-8 sequence.
 */
export async function* readLines(file: InputFile, problems: ProblemList, hash?: Hash): AsyncGenerator<SourceLine> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 0;
  let first = true;
  const decode = (bytes: Buffer): string | null => {
    const end = bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN ? bytes.length - 1 : bytes.length;
    try {
      return decoder.decode(bytes.subarray(0, end));
    } catch {
      problems.add(file.display, line, 'invalid UTF-8; save the file as UTF-8');
      return null;
    }
  };
  try {
    for await (const chunk of openContent(file, hash)) {
      if (first) {
        first = false;
        if (chunk.subarray(0, 8192).includes(0)) {
          problems.add(file.display, undefined, 'a binary file (it contains NUL bytes); expected UTF-8 text');
          return;
        }
      }
      let start = 0;
      for (let end = chunk.indexOf(LINE_FEED); end !== -1; end = chunk.indexOf(LINE_FEED, start)) {
        const piece = chunk.subarray(start, end);
        line += 1;
        start = end + 1;
        if (pendingBytes + piece.length > MAX_LINE_BYTES) {
          problems.add(file.display, line, `line longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB; expected one record per line`);
          return;
        }
        const text = decode(pending.length === 0 ? piece : Buffer.concat([...pending, piece]));
        pending = [];
        pendingBytes = 0;
        if (text !== null) yield { line, text };
      }
      if (start < chunk.length) {
        pending.push(chunk.subarray(start));
        pendingBytes += chunk.length - start;
        if (pendingBytes > MAX_LINE_BYTES) {
          problems.add(file.display, line + 1, `line longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB; expected one record per line`);
          return;
        }
      }
    }
  } catch (err) {
    problems.add(file.display, line > 0 ? line : undefined, describeReadError(err));
    return;
  }
  if (pending.length > 0) {
    line += 1;
    const text = decode(Buffer.concat(pending));
    if (text !== null) yield { line, text };
  }
}

export function describeReadError(err: unknown): string {
  if (err instanceof InputUnreadableError) return err.message;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR') return `truncated or corrupt gzip data (${(err as Error).message}); the lines before were read`;
  if (code === 'ENOENT') return 'file not found';
  return `cannot read the file (${code ?? (err as Error).message})`;
}
