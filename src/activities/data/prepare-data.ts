import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { openArtifactStore } from '../../artifacts/store';
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
  for (const source of spec.data.sources) {
    const file = resolveSourceFile(source.path, baseDir);
    collected.push(await collectSource(source, { file, systemPrompt: spec.data.system_prompt, problems, progress }));
  }
  problems.throwIfAny();
  return collected;
}

async function writeJsonl(file: string, records: CanonicalRecord[]): Promise<void> {
  const lines = function* () {
    for (const record of records) yield `${JSON.stringify(record)}\n`;
  };
  await pipeline(Readable.from(lines()), fs.createWriteStream(file));
}
