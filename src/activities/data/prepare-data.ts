import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { openArtifactStore } from '../../artifacts/store';
import { workerRoots } from '../../config/roots';
import { fail } from '../../failures';
import { isInside } from '../../spec/catalogue';
import { confineDataPath } from '../../spec/confine';
import type { PreparedData } from '../../pipeline/types';
import type { PipelineSpec } from '../../spec/schema';
import { ProblemList } from './problems';
import { Progress } from './progress';
import { assessQuality, enforceQualityGate } from './quality';
import type { CanonicalRecord } from './records';
import { buildReport } from './report';
import { resolveSourceFile } from './source-file';
import { collectSource, type CollectedSource } from './sources';
import { splitRecords, type SplitName } from './split';

export interface PrepareDataInput {
  spec: PipelineSpec;
  /** Relative source paths resolve against this directory (the spec file's directory). */
  baseDir: string;
}

/**
 * What the data phase hands on: refs and counts only, since it is recorded in workflow history. The splits are
 * JSONL files of canonical records; the report is a JSON `DataReport`. The type lives with the other shapes
 * that cross the workflow boundary.
 */
export type { PreparedData };

export const JSONL_MEDIA_TYPE = 'application/jsonl';

/**
 * The data phase: collects every source into canonical records, drops incomplete and duplicate ones, applies
 * the quality gate and splits into train / validation / test. Bad input fails with the non-retryable
 * `InvalidData` (listing the first problems with `file:line`), poor data with `DataQualityGateFailed`.
 * Everything is checked before the first artifact is stored, so a failed run leaves nothing behind.
 */
export async function prepareData(input: PrepareDataInput): Promise<PreparedData> {
  const { spec, baseDir } = input;
  const progress = new Progress();
  const sources = await collectAllSources(spec, baseDir, progress);
  const records = sources.flatMap((s) => s.records);
  const assessment = assessQuality(records);
  enforceQualityGate(assessment, records.length, spec.data.quality);
  const splits = splitRecords(assessment.kept, spec.data.split);
  const report = buildReport(spec, sources, assessment, splits);
  progress.beat(); // storing a large split can take a while

  const workDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'tempered-prepare-data-'));
  try {
    const files = {} as Record<SplitName, string>;
    for (const split of ['train', 'validation', 'test'] as const) {
      files[split] = path.join(workDir, `${split}.jsonl`);
      await writeJsonl(files[split], splits[split]);
    }
    const store = openArtifactStore();
    return {
      train: await store.putFile(files.train, { mediaType: JSONL_MEDIA_TYPE }),
      validation: await store.putFile(files.validation, { mediaType: JSONL_MEDIA_TYPE }),
      test: await store.putFile(files.test, { mediaType: JSONL_MEDIA_TYPE }),
      report: await store.putJson(report),
      counts: report.counts,
      quality: { completeness: report.quality.completeness, duplicate_rate: report.quality.duplicate_rate },
      categories: report.categories,
    };
  } finally {
    await fs.promises.rm(workDir, { recursive: true, force: true });
  }
}

/** Reads every source before failing, so one error lists the problems of all files. */
async function collectAllSources(spec: PipelineSpec, baseDir: string, progress: Progress): Promise<CollectedSource[]> {
  const problems = new ProblemList();
  const collected: CollectedSource[] = [];
  const paths = allowedSourcePaths(spec, baseDir);
  for (const [i, source] of spec.data.sources.entries()) {
    const file = resolveSourceFile(paths[i]!, baseDir);
    collected.push(await collectSource(source, { file, systemPrompt: spec.data.system_prompt, problems, progress }));
  }
  problems.throwIfAny();
  return collected;
}

/**
 * The control worker confined the paths when it resolved the spec; this worker, which does the reading,
 * checks them again against its own roots rather than trusting what arrived in the activity input.
 */
function allowedSourcePaths(spec: PipelineSpec, baseDir: string): string[] {
  const roots = workerRoots();
  const specDir = roots.pipelineDirs.some((dir) => isInside(path.resolve(baseDir), path.resolve(dir))) ? baseDir : null;
  const refusals: string[] = [];
  const paths = spec.data.sources.map((source, i) => {
    const configured = source.path.startsWith('s3://') ? source.path : path.resolve(baseDir, source.path);
    const confined = confineDataPath(configured, { specDir, roots, source: spec.name });
    if (typeof confined === 'string' && confined.startsWith('s3://')) {
      refusals.push(`data.sources.${i}.path: s3:// sources are not read by the data phase yet; copy the file under a data root`);
    } else if (typeof confined !== 'string') {
      refusals.push(`data.sources.${i}.path: ${confined.refused}`);
    }
    return typeof confined === 'string' ? confined : source.path;
  });
  if (refusals.length > 0) throw fail('PathNotAllowed', `path refused:\n  ${refusals.join('\n  ')}`);
  return paths;
}

async function writeJsonl(file: string, records: CanonicalRecord[]): Promise<void> {
  const lines = function* () {
    for (const record of records) yield `${JSON.stringify(record)}\n`;
  };
  await pipeline(Readable.from(lines()), fs.createWriteStream(file));
}
