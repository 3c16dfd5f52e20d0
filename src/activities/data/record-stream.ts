import { createHash } from 'node:crypto';
import type { SourceInputs } from './inputs';
import type { ProblemList } from './problems';
import { readSource, type SourceItem } from './sources';

/** Every file of every source, numbered in reading order: how the audit and the record table name a file. */
export interface InputIndex {
  display: string;
  source: number;
  expert: boolean;
}

export function indexInputs(inputs: SourceInputs[]): InputIndex[] {
  return inputs.flatMap(({ source, index, files }) => files.map((file) => ({ display: file.display, source: index, expert: source.expert })));
}

export interface StreamedItem {
  /** Index into `indexInputs(inputs)`. */
  file: number;
  item: SourceItem;
}

/**
 * Reads every source file in order and yields what it holds. Both passes of the data phase call this and see
 * the same items in the same order; `digests[file]` is the sha256 of the file's stored bytes once it is read,
 * so a caller can prove that nothing changed in between.
 */
export async function* streamItems(inputs: SourceInputs[], systemPrompt: string | undefined, problems: ProblemList, digests: string[]): AsyncGenerator<StreamedItem> {
  let file = 0;
  for (const { source, files, problem } of inputs) {
    if (problem) problems.add(problem.file, undefined, problem.message);
    for (const input of files) {
      const hash = createHash('sha256');
      for await (const item of readSource(source, { file: input, systemPrompt, problems, hash })) yield { file, item };
      digests[file] = hash.digest('hex');
      file += 1;
    }
  }
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
