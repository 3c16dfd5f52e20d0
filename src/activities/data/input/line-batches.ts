import type { Hash } from 'node:crypto';
import { openContent, type InputFile } from './input-file';
import { describeReadError, MAX_LINE_BYTES } from './read-lines';

/** Whole lines of a file, as stored (UTF-8 not yet checked): `lines` lines from line `firstLine` (1-based). */
export interface LineBatch {
  kind: 'lines';
  bytes: Buffer;
  firstLine: number;
  lines: number;
}

/** A problem that ends the file (binary, an over-long line, a read error); `line` as readLines would report it. */
export interface ReadProblem {
  kind: 'problem';
  line: number | undefined;
  message: string;
}

const LINE_FEED = 0x0a;

/**
 * Reads a file in batches of whole lines for the worker threads, with readLines' checks on the bytes (binary
 * content, over-long lines, read errors) and its line numbers; decoding is left to whoever parses the batch. A
 * batch ends at the first line end at or after `batchBytes`, a rule on the content alone, so that both passes of
 * the data phase cut a file into the same batches.
 */
export async function* readLineBatches(file: InputFile, batchBytes: number, hash?: Hash): AsyncGenerator<LineBatch | ReadProblem> {
  /** Bytes read but not yet in a batch: whole lines of the next batch, then the start of a line. */
  const pending: Buffer[] = [];
  let pendingBytes = 0;
  /** Of `pendingBytes`, those of whole lines. */
  let completeBytes = 0;
  let completeLines = 0;
  let line = 0;
  let first = true;
  const take = (): LineBatch => {
    // Copied into memory of its own, so that the batch can be handed to a worker thread (transferred) whole.
    const bytes = Buffer.allocUnsafeSlow(completeBytes);
    for (let at = 0; at < completeBytes; ) {
      const piece = pending[0]!;
      const n = Math.min(piece.length, completeBytes - at);
      piece.copy(bytes, at, 0, n);
      at += n;
      if (n === piece.length) pending.shift();
      else pending[0] = piece.subarray(n);
    }
    const batch: LineBatch = { kind: 'lines', bytes, firstLine: line - completeLines + 1, lines: completeLines };
    pendingBytes -= completeBytes;
    completeBytes = 0;
    completeLines = 0;
    return batch;
  };
  try {
    for await (const chunk of openContent(file, hash)) {
      if (first) {
        first = false;
        if (chunk.subarray(0, 8192).includes(0)) {
          yield { kind: 'problem', line: undefined, message: 'a binary file (it contains NUL bytes); expected UTF-8 text' };
          return;
        }
      }
      pending.push(chunk);
      let lineStart = pendingBytes - completeBytes;
      pendingBytes += chunk.length;
      let offset = 0;
      for (let end = chunk.indexOf(LINE_FEED); end !== -1; end = chunk.indexOf(LINE_FEED, offset)) {
        const length = lineStart + end - offset;
        line += 1;
        if (length > MAX_LINE_BYTES) {
          if (completeLines > 0) yield take();
          yield { kind: 'problem', line, message: `line longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB; expected one record per line` };
          return;
        }
        completeBytes += length + 1;
        completeLines += 1;
        lineStart = 0;
        offset = end + 1;
        if (completeBytes >= batchBytes) yield take();
      }
      if (pendingBytes - completeBytes > MAX_LINE_BYTES) {
        if (completeLines > 0) yield take();
        yield { kind: 'problem', line: line + 1, message: `line longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB; expected one record per line` };
        return;
      }
    }
  } catch (err) {
    if (completeLines > 0) yield take();
    yield { kind: 'problem', line: line > 0 ? line : undefined, message: describeReadError(err) };
    return;
  }
  // The last line may lack its line feed.
  if (pendingBytes > completeBytes) {
    line += 1;
    completeBytes = pendingBytes;
    completeLines += 1;
  }
  if (completeLines > 0) yield take();
}
