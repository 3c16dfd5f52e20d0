import path from 'node:path';
import { workerRoots, type WorkerRoots } from '../../config/roots';
import { fail } from '../../failures';
import { findCataloguedSpec, isInside } from '../../spec/catalogue';
import { confineDataPath } from '../../spec/confine';
import type { DataSource, PipelineSpec } from '../../spec/schema';
import type { InputFile } from './input/input-file';
import { localInputFiles } from './input/local-files';
import { LineWriter } from './output/line-writer';
import { ProblemList } from './problems';
import { incompleteReason } from './records';
import { readSource } from './sources';
import { readJsonObjects } from './sources/jsonl';

/** A file the spec names outside its data sources (general or out-of-domain data) and where to write its records. */
export interface GeneralDataFile {
  /** The spec path that names it, for messages: `training.forgetting.replay.path`. */
  specPath: string;
  configured: string;
  out: string;
  /** Keep only the first this many records. */
  limit?: number;
}

/**
 * Reads general-purpose chat or instruction files the spec names, on the worker that needs them. The paths come
 * from the workflow input, so they pass this worker's own confinement first, as data sources do in the data
 * phase: relative to the catalogued spec's directory, inside it or under TEMPERED_DATA_ROOTS (or an s3:// object
 * of TEMPERED_DATA_BUCKETS), symlinks resolved. Lines are parsed by the data phase's readers and written out as
 * canonical records ({ id, messages, category, source }); a bad line fails the run naming its file and line.
 */
export async function writeGeneralRecords(spec: PipelineSpec, files: GeneralDataFile[]): Promise<void> {
  const roots = workerRoots();
  const specDir = cataloguedSpecDir(spec, roots);
  const refusals: string[] = [];
  const targets = files.map(({ specPath, configured }) => {
    const confined = confineDataPath(configured, { specDir, roots, source: spec.name });
    if (typeof confined === 'string') return confined;
    refusals.push(`${specPath}: ${confined.refused}`);
    return null;
  });
  if (refusals.length > 0) throw fail('PathNotAllowed', `path refused:\n  ${refusals.join('\n  ')}`);

  const allowedTrees = [...(specDir ? [specDir] : []), ...roots.dataRoots].map((p) => path.resolve(p));
  const allowed = (real: string) => allowedTrees.some((tree) => isInside(real, tree));
  for (const [i, file] of files.entries()) await writeCanonical(targets[i]!, file, allowed);
}

/** A catalogued spec's data may lie beside it; the catalogue, not the workflow input, says where that is. */
function cataloguedSpecDir(spec: PipelineSpec, roots: WorkerRoots): string | null {
  try {
    return path.dirname(findCataloguedSpec(spec.name, roots.pipelineDirs));
  } catch {
    return null;
  }
}

/** Every record of the files `target` names, as canonical JSONL; problems fail with their file and line. */
async function writeCanonical(target: string, file: GeneralDataFile, allowed: (real: string) => boolean): Promise<void> {
  const { files, problem } = target.startsWith('s3://') ? await (await import('./input/s3-files')).s3InputFiles(target) : await localInputFiles(target, allowed);
  if (problem) throw fail('InvalidData', `${file.specPath}: ${problem}`);
  const problems = new ProblemList();
  const writer = new LineWriter(file.out);
  const limit = file.limit ?? Infinity;
  for (const input of files) {
    const source = await sourceOf(input, target, problems);
    if (!source) continue;
    for await (const item of readSource(source, { file: input, problems })) {
      if (writer.lines >= limit) break;
      if (item.kind !== 'record') continue;
      const { record } = item;
      const incomplete = incompleteReason(record);
      if (incomplete) problems.add(input.display, record.source.line, `${incomplete}: a general or out-of-domain record needs a question and an answer`);
      else await writer.write(JSON.stringify({ id: record.id, messages: record.messages, category: record.category, source: record.source }));
    }
  }
  await writer.close();
  problems.throwIfAny();
  if (writer.lines === 0) throw fail('InvalidData', `${file.specPath}: no records in ${target}`);
}

/** Chat (`messages`) or instruction (`instruction`, `output`) lines, told apart by the first record's fields. */
async function sourceOf(file: InputFile, target: string, problems: ProblemList): Promise<DataSource | null> {
  // Lines before the first object are reported once, by the reader that reads the whole file below.
  for await (const { line, value } of readJsonObjects({ file, problems: new ProblemList() })) {
    if ('instruction' in value) return { type: 'instruction_jsonl', path: target, expert: false };
    if ('messages' in value) return { type: 'chat_jsonl', path: target, expert: false };
    problems.add(file.display, line, `expected a chat line {"messages": [...]} or an instruction line {"instruction", "output"}, got the fields ${Object.keys(value).join(', ') || 'none'}`);
    return null;
  }
  return { type: 'chat_jsonl', path: target, expert: false };
}
