import fs from 'node:fs';
import path from 'node:path';
import type { ProblemList } from './problems';

/** A data file: where it is, and how messages and records name it. */
export interface SourceFile {
  absolute: string;
  /** Relative to the working directory when the file lies below it (as the spec loader shows paths), else absolute. */
  display: string;
}

/** Resolves a configured source path; relative paths are taken from `baseDir` (the spec's directory). */
export function resolveSourceFile(configured: string, baseDir: string): SourceFile {
  const absolute = path.resolve(baseDir, configured);
  const fromCwd = path.relative(process.cwd(), absolute);
  const display = fromCwd !== '' && !fromCwd.startsWith('..') && !path.isAbsolute(fromCwd) ? fromCwd : absolute;
  return { absolute, display };
}

/** Checks that the file exists and is a regular file; records a problem and returns false when not. */
export async function checkReadable(file: SourceFile, problems: ProblemList): Promise<boolean> {
  try {
    const stat = await fs.promises.stat(file.absolute);
    if (stat.isFile()) return true;
    problems.add(file.display, undefined, 'not a regular file');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problems.add(file.display, undefined, code === 'ENOENT' ? `file not found (${file.absolute})` : `cannot read file (${code ?? String(error)})`);
  }
  return false;
}

export interface SourceLine {
  /** 1-based line number. */
  line: number;
  /** The line without its line ending. */
  text: string;
}

const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Streams a file line by line, decoding each line as strict UTF-8. A line that is not valid UTF-8 is recorded
 * as a problem and skipped (the run fails anyway), so later lines are still checked. Splitting the raw bytes at
 * line feeds is safe: byte 0x0A never occurs inside a multi-byte UTF-8 sequence.
 */
export async function* readLines(file: SourceFile, problems: ProblemList): AsyncGenerator<SourceLine> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending: Buffer[] = [];
  let line = 0;
  const decode = (bytes: Buffer): string | null => {
    const end = bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN ? bytes.length - 1 : bytes.length;
    try {
      return decoder.decode(bytes.subarray(0, end));
    } catch {
      problems.add(file.display, line, 'invalid UTF-8; save the file as UTF-8');
      return null;
    }
  };
  for await (const chunk of fs.createReadStream(file.absolute) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let end = chunk.indexOf(LINE_FEED); end !== -1; end = chunk.indexOf(LINE_FEED, start)) {
      pending.push(chunk.subarray(start, end));
      line += 1;
      const text = decode(pending.length === 1 ? pending[0] : Buffer.concat(pending));
      pending = [];
      start = end + 1;
      if (text !== null) yield { line, text };
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (pending.length > 0) {
    line += 1;
    const text = decode(Buffer.concat(pending));
    if (text !== null) yield { line, text };
  }
}
