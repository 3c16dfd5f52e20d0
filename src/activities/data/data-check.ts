import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fail } from '../../failures';
import type { PipelineSpec } from '../../spec/schema';
import { analyze, type Analysis } from './analysis/analyze';
import { GrowableArray } from './analysis/growable';
import { STATUS } from './analysis/record-table';
import { resolveInputs, type SourceInputs } from './inputs';
import { Audit } from './output/audit';
import { measureContamination } from './output/contamination';
import { LineWriter } from './output/line-writer';
import { writeSplits } from './output/write-splits';
import { ProblemList } from './problems';
import { Progress } from './progress';
import { computeScores, countRecords, qualityChecks } from './quality';
import { indexInputs, type InputIndex } from './record-stream';
import type { StepOptions } from './parallel/batch-steps';
import { BatchPool } from './parallel/pool';
import { buildReport, type DataReport } from './report';
import { assignSplits, SPLITS, type SplitGroup, type SplitName } from './split';

export interface DataCheckOptions {
  /** Check paths against the worker's data roots (workers); off for `tempered data check` on the user's files. */
  confine: boolean;
  /** Where the split files go (created; the caller removes it). */
  outDir: string;
  /** Where the audit goes; default `<outDir>/audit.jsonl`. */
  auditFile?: string;
  /** Still write the splits and the audit when a quality check fails (the CLI does, to show the audit). */
  writeWhenGateFails: boolean;
  /** The sources as `resolveInputs` expanded them, when the caller already has them. */
  inputs?: SourceInputs[];
  /** Worker threads for the per-record work (0: all on the calling thread) and bytes per batch; see parallelism(). */
  parallel?: Partial<Parallelism>;
}

export interface Parallelism {
  threads: number;
  batchBytes: number;
}

/**
 * One thread per core: the calling thread only decides duplicates and groups, and waits for the threads most of
 * the time. Batches of 1 MiB (about 2,000 chat records) make the hand-over cost small against the work.
 */
export function parallelism(options: Partial<Parallelism> = {}): Parallelism {
  return { threads: options.threads ?? Math.min(8, os.availableParallelism()), batchBytes: options.batchBytes ?? 1 << 20 };
}

export interface DataCheckResult {
  passed: boolean;
  report: DataReport;
  /** The split files and the audit; null when the gate failed before anything was written. */
  written: { splits: Record<SplitName, string>; audit: string } | null;
}

/**
 * The data phase without Temporal: collect every source, check and deduplicate in a first pass that keeps
 * compact state only, then write the splits and the audit in a second pass. Bad input fails with
 * `InvalidData` (every problem located, first ones listed) unless skipping is allowed and the skipped share
 * stays within `data.quality.max_skipped_fraction`. Quality checks are returned, not thrown.
 */
export async function runDataCheck(spec: PipelineSpec, baseDir: string, options: DataCheckOptions): Promise<DataCheckResult> {
  const problems = new ProblemList();
  const inputs = options.inputs ?? (await resolveInputs(spec, baseDir, { confine: options.confine }));
  const files = indexInputs(inputs);
  const { threads, batchBytes } = parallelism(options.parallel);
  const pool = new BatchPool(spec.data, threads);
  try {
    return await checkData(spec, inputs, files, problems, options, pool, { batchBytes, inFlight: 2 * threads + 2 });
  } finally {
    await pool.close();
  }
}

async function checkData(
  spec: PipelineSpec,
  inputs: SourceInputs[],
  files: InputIndex[],
  problems: ProblemList,
  options: DataCheckOptions,
  pool: BatchPool,
  steps: StepOptions,
): Promise<DataCheckResult> {
  const analysis = await analyze(inputs, files, spec, problems, new Progress('analysing'), pool, steps);
  const rows = analysis.table.size + problems.total + analysis.droppedAtSource.reduce((a, b) => a + b, 0);
  const skippable = problems.fatal === 0 && problems.total <= spec.data.quality.max_skipped_fraction * rows;
  if (problems.total > 0 && !skippable) problems.throwIfAny();

  const splitOf = placeGroups(analysis, spec, files);
  const partial = countRecords(analysis, problems.total);
  let scores = computeScores(analysis, partial, null);
  let checks = qualityChecks(scores, partial, spec.data.quality);
  const emptyCounts = { train: 0, validation: 0, test: 0 };
  const audit = { counts: {}, samples: {} };
  const problemSummary = { listed: problems.listed, total: problems.total };
  if (!checks.every((c) => c.passed) && !options.writeWhenGateFails) {
    const report = buildReport({ spec, files, analysis, counts: { ...partial, ...emptyCounts }, scores, checks, contamination: null, audit, problems: problemSummary });
    return { passed: false, report, written: null };
  }

  fs.mkdirSync(options.outDir, { recursive: true });
  const auditFile = options.auditFile ?? path.join(options.outDir, 'audit.jsonl');
  const auditWriter = new LineWriter(auditFile);
  const auditLog = new Audit(auditWriter);
  const progress = new Progress('writing', analysis.table.size);
  progress.beat();
  const written = await writeSplits(inputs, files, spec, analysis, splitOf, options.outDir, auditLog, progress, pool, steps);
  await auditWriter.close();
  const changed = files.findIndex((_, i) => written.digests[i] !== analysis.digests[i]);
  if (changed !== -1) throw fail('DataSourceChanged', `${files[changed]!.display} changed while the data phase read it; the run is retried on a stable copy`);

  const contamination = await measureContamination(written.files.test, written.trainNgrams);
  scores = { ...scores, contamination: contamination.rate };
  checks = qualityChecks(scores, partial, spec.data.quality);
  const report = buildReport({
    spec,
    files,
    analysis,
    counts: { ...partial, ...written.counts },
    scores,
    checks,
    contamination,
    audit: { counts: auditLog.counts, samples: auditLog.samples },
    problems: problemSummary,
  });
  return { passed: checks.every((c) => c.passed), report, written: { splits: written.files, audit: auditFile } };
}

/**
 * Groups of kept records, placed by `assignSplits`; returns the split of a kept record.
 *
 * Records of train-only sources (production feedback) neither weigh in a group's placement nor move it: groups are
 * those of the user's own sources (`sourceGroups`), so a feedback record that links two of them merges nothing. A
 * feedback record goes to train, unless anything it is linked to, directly or through other links, went to
 * validation or test: then it is dropped as contaminated, pointing at the held-out group it repeats. Feedback thus
 * never reaches the held-out splits and never reshuffles them.
 */
function placeGroups(analysis: Analysis, spec: PipelineSpec, files: InputIndex[]): (record: number) => SplitName {
  const { table, groups, sourceGroups } = analysis;
  const trainOnly = (r: number) => files[table.file.get(r)]!.trainOnly;
  const groupOfRoot = new GrowableArray((n) => new Int32Array(n), -1);
  const list: SplitGroup[] = [];
  const trainOnlyRecords: number[] = [];
  for (let r = 0; r < table.size; r++) {
    if (table.status.get(r) !== STATUS.kept) continue;
    if (trainOnly(r)) {
      trainOnlyRecords.push(r);
      continue;
    }
    const root = sourceGroups.find(r);
    let g = groupOfRoot.get(root);
    if (g === -1) {
      g = list.length;
      groupOfRoot.set(root, g);
      list.push({ key: analysis.openingKey(root), category: table.category.get(r), size: 0 });
    }
    list[g]!.size += 1;
  }
  const placed = assignSplits(list, spec.data.split);
  const codes = new Uint8Array(placed.map((s) => SPLITS.indexOf(s)));
  const splitOf = (r: number): SplitName => {
    if (trainOnly(r)) return 'train';
    const g = groupOfRoot.get(sourceGroups.find(r));
    return g === -1 ? 'train' : SPLITS[codes[g]!]!;
  };
  if (trainOnlyRecords.length > 0) {
    // Per set of linked records (feedback links included): the root of a held-out group in it, if any.
    const heldOutIn = new Map<number, number>();
    for (let r = 0; r < table.size; r++) {
      if (table.status.get(r) !== STATUS.kept || trainOnly(r) || splitOf(r) === 'train') continue;
      const linked = groups.find(r);
      if (!heldOutIn.has(linked)) heldOutIn.set(linked, sourceGroups.find(r));
    }
    for (const r of trainOnlyRecords) {
      const heldOut = heldOutIn.get(groups.find(r));
      if (heldOut !== undefined) table.setStatus(r, 'contaminated', heldOut);
    }
  }
  return splitOf;
}

export function tempOutDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tempered-data-'));
}
