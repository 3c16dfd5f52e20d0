import fs from 'node:fs';
import readline from 'node:readline';
import type { CanonicalRecord } from './records';

/** The split files this project writes (train, validation, test): one canonical record per line, read as a stream. */
export async function* readSplitRecords(file: string): AsyncGenerator<CanonicalRecord> {
  const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) if (line.trim() !== '') yield JSON.parse(line) as CanonicalRecord;
}
