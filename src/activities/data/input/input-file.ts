import type { Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/**
 * One file a data source reads: a local file or an S3 object, plain or gzip. Sources see only this, so
 * every collector reads local, compressed and remote files alike.
 */
export interface InputFile {
  /** How messages, records and the audit name the file: relative to the working directory when below it, else absolute; `s3://bucket/key` for objects. */
  display: string;
  /** Decompress while reading: the name ends in `.gz`. */
  gzip: boolean;
  /** The stored bytes, as they are (compressed when gzip): what the content hash covers. */
  openRaw(): AsyncIterable<Buffer>;
}

export const isGzipName = (name: string) => /\.gz$/i.test(name);

/** The file's content, decompressed when gzip; `hash`, when given, sees the stored bytes on the way. */
export function openContent(file: InputFile, hash?: Hash): AsyncIterable<Buffer> {
  const raw = hash ? hashing(file.openRaw(), hash) : file.openRaw();
  return file.gzip ? (Readable.from(raw).pipe(createGunzip()) as AsyncIterable<Buffer>) : raw;
}

async function* hashing(chunks: AsyncIterable<Buffer>, hash: Hash): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    hash.update(chunk);
    yield chunk;
  }
}

/** The input could not be opened at all: reported as a problem of the file, without a line. */
export class InputUnreadableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputUnreadableError';
  }
}
