import { createHash } from 'node:crypto';
import type { SourceInputs } from './inputs';

/** Every file of every source, numbered in reading order: how the audit and the record table name a file. */
export interface InputIndex {
  display: string;
  source: number;
  expert: boolean;
  trainOnly: boolean;
}

export function indexInputs(inputs: SourceInputs[]): InputIndex[] {
  return inputs.flatMap(({ source, index, files, trainOnly }) =>
    files.map((file) => ({ display: file.display, source: index, expert: source.expert, trainOnly: trainOnly === true })),
  );
}

/** The sha256 of each file's stored bytes, read once before the passes: the cache key is built from content, not names. */
export async function digestInputs(inputs: SourceInputs[]): Promise<string[]> {
  const digests: string[] = [];
  for (const { files } of inputs) {
    for (const input of files) {
      const hash = createHash('sha256');
      try {
        for await (const chunk of input.openRaw()) hash.update(chunk);
      } catch {
        // Unreadable: the first pass reports it with the file's name; its key part just stays unique.
        hash.update(`unreadable ${Date.now()} ${Math.random()}`);
      }
      digests.push(hash.digest('hex'));
    }
  }
  return digests;
}
