import fs from 'node:fs';
import path from 'node:path';
import { workerRoots, type WorkerRoots } from '../../config/roots';
import { fail } from '../../failures';
import { findCataloguedSpec, isInside } from '../../spec/catalogue';
import { confineDataPath } from '../../spec/confine';
import type { DataSource, PipelineSpec } from '../../spec/schema';
import type { InputFile } from '../data/input/input-file';
import { localInputFiles } from '../data/input/local-files';
import { LineWriter } from '../data/output/line-writer';
import { ProblemList } from '../data/problems';
import { incompleteReason } from '../data/records';
import { readSource } from '../data/sources';
import { readJsonObjects } from '../data/sources/jsonl';

/** The forgetting guard's records as the trainer reads them: canonical JSONL in the activity's work folder. */
export interface ForgettingFiles {
  replayFile: string | null;
  heldOutFile: string | null;
}

/**
 * Reads the spec's `training.forgetting` files on the gpu worker that trains. The paths come from the workflow
 * input, so they pass this worker's own confinement first, as data sources do in the data phase: relative to
 * the catalogued spec's directory, inside it or under TEMPERED_DATA_ROOTS (or an s3:// object of
 * TEMPERED_DATA_BUCKETS), symlinks resolved. Chat and instruction lines are parsed by the data phase's readers and
 * written out as canonical records; a bad line fails the run naming its file and line.
 */
export async function prepareForgettingData(spec: PipelineSpec, dir: string): Promise<ForgettingFiles> {
  const { replay, held_out: heldOut } = spec.training.forgetting;
  if (!replay && !heldOut) return { replayFile: null, heldOutFile: null };
  const roots = workerRoots();
  const specDir = cataloguedSpecDir(spec, roots);
  const wanted = [
    { key: 'replay', configured: replay?.path },
    { key: 'held_out', configured: heldOut?.path },
  ] as const;
  const refusals: string[] = [];
  const targets = wanted.map(({ key, configured }) => {
    if (configured === undefined) return null;
    const confined = confineDataPath(configured, { specDir, roots, source: spec.name });
    if (typeof confined === 'string') return confined;
    refusals.push(`training.forgetting.${key}.path: ${confined.refused}`);
    return null;
  });
  if (refusals.length > 0) throw fail('PathNotAllowed', `path refused:\n  ${refusals.join('\n  ')}`);

  fs.mkdirSync(dir, { recursive: true });
  const allowedTrees = [...(specDir ? [specDir] : []), ...roots.dataRoots].map((p) => path.resolve(p));
  const allowed = (real: string) => allowedTrees.some((tree) => isInside(real, tree));
  const written: (string | null)[] = [];
  for (const [i, target] of targets.entries()) {
    const { key } = wanted[i]!;
    written.push(target === null ? null : await writeCanonical(target, `training.forgetting.${key}.path`, allowed, path.join(dir, `${key}.jsonl`)));
  }
  return { replayFile: written[0]!, heldOutFile: written[1]! };
}

/** A catalogued spec's data may lie beside it; the catalogue, not the workflow input, says where that is. */
function cataloguedSpecDir(spec: PipelineSpec, roots: WorkerRoots): string | null {
  try {
    return path.dirname(findCataloguedSpec(spec.name, roots.pipelineDirs));
  } catch {
    return null;
  }
}

/** Every record of the files `target` names, as canonical JSONL in `out`; problems fail with their file and line. */
async function writeCanonical(target: string, specPath: string, allowed: (real: string) => boolean, out: string): Promise<string> {
  const { files, problem } = target.startsWith('s3://') ? await (await import('../data/input/s3-files')).s3InputFiles(target) : await localInputFiles(target, allowed);
  if (problem) throw fail('InvalidData', `${specPath}: ${problem}`);
  const problems = new ProblemList();
  const writer = new LineWriter(out);
  for (const file of files) {
    const source = await sourceOf(file, target, problems);
    if (!source) continue;
    for await (const item of readSource(source, { file, problems })) {
      if (item.kind !== 'record') continue;
      const { record } = item;
      const incomplete = incompleteReason(record);
      if (incomplete) problems.add(file.display, record.source.line, `${incomplete}: a replay or held-out record needs a question and an answer`);
      else await writer.write(JSON.stringify({ id: record.id, messages: record.messages, category: record.category, source: record.source }));
    }
  }
  await writer.close();
  problems.throwIfAny();
  if (writer.lines === 0) throw fail('InvalidData', `${specPath}: no records in ${target}`);
  return out;
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
