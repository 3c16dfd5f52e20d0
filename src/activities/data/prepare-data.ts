import fs from 'node:fs';
import { canonicalJson } from '../../canonical-json';
import { openArtifactStore, type ArtifactStore } from '../../artifacts/store';
import { fail } from '../../failures';
import type { PreparedData } from '../../pipeline/types';
import type { PipelineSpec } from '../../spec/schema';
import { createHash } from 'node:crypto';
import { runDataCheck, tempOutDir } from './data-check';
import { resolveInputs, type SourceInputs } from './inputs';
import { productionFeedbackSource } from './production-feedback';
import { describeFailure } from './quality';
import { digestInputs } from './record-stream';
import type { DataReport } from './report';

export interface PrepareDataInput {
  spec: PipelineSpec;
  /** Relative source paths resolve against this directory (the spec file's directory). */
  baseDir: string;
}

export type { PreparedData };

export const JSONL_MEDIA_TYPE = 'application/jsonl';

/** Bumped whenever the data phase would produce other outputs from the same inputs, so old cache entries are not reused. */
export const DATA_PHASE_VERSION = 2;

/**
 * The data phase as an activity: checks and splits the sources (see `runDataCheck`) and stores the splits,
 * the report and the audit. Bad input fails with the non-retryable `InvalidData`, poor data with
 * `DataQualityGateFailed` naming every failing measure; nothing is stored unless every check passed. A rerun
 * over the same content and settings reuses the stored outputs.
 */
export async function prepareData(input: PrepareDataInput): Promise<PreparedData> {
  const { spec, baseDir } = input;
  const store = openArtifactStore();
  const outDir = tempOutDir();
  try {
    const inputs = await resolveInputs(spec, baseDir, { confine: true });
    const feedback = spec.data.production_feedback.include ? await productionFeedbackSource(store, spec, outDir) : null;
    // An empty file would be a data problem; an empty log is only nothing learnt yet.
    if (feedback && feedback.records > 0) inputs.push(feedback.input);
    const key = await cacheKey(spec, inputs);
    const cached = key ? await readCache(store, key) : null;
    if (cached) return cached;

    // The feedback is read as the last of the spec's sources, in every step of the check.
    const checked = inputs.length > spec.data.sources.length ? { ...spec, data: { ...spec.data, sources: inputs.map((s) => s.source) } } : spec;
    const result = await runDataCheck(checked, baseDir, { confine: true, outDir, writeWhenGateFails: false, inputs });
    if (!result.passed || !result.written) throw gateFailure(result.report);
    const { splits, audit } = result.written;
    const report = result.report;
    const prepared: PreparedData = {
      train: await store.putFile(splits.train, { mediaType: JSONL_MEDIA_TYPE }),
      validation: await store.putFile(splits.validation, { mediaType: JSONL_MEDIA_TYPE }),
      test: await store.putFile(splits.test, { mediaType: JSONL_MEDIA_TYPE }),
      audit: await store.putFile(audit, { mediaType: JSONL_MEDIA_TYPE }),
      report: await store.putJson(report),
      counts: {
        collected: report.counts.collected,
        kept: report.counts.kept,
        redacted: report.counts.redacted,
        train: report.counts.train,
        validation: report.counts.validation,
        test: report.counts.test,
        ...(feedback ? { feedback: feedback.records } : {}),
        dropped: report.counts.dropped,
      },
      scores: report.scores,
      categories: report.categories,
      cached: false,
    };
    if (key) await store.writeNamed(cacheName(key), JSON.stringify(prepared));
    return prepared;
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

function gateFailure(report: DataReport) {
  const failing = report.checks.filter((c) => !c.passed);
  const where = (reason: string, count: number, of: number) => {
    const first = report.first[reason];
    return first ? ` (${count} of ${of} records ${reason.replace('_', ' ')}, first: ${first.file}:${first.line})` : '';
  };
  const described = failing.map((check) => {
    const c = report.counts;
    if (check.measure === 'completeness') return describeFailure(check) + where('incomplete', c.dropped.incomplete, c.collected);
    if (check.measure === 'duplicate_rate') return describeFailure(check) + where('duplicate', c.dropped.duplicate, c.collected);
    return describeFailure(check);
  });
  return fail('DataQualityGateFailed', `data quality gate failed: ${described.join('; ')}`, {
    counts: report.counts,
    scores: report.scores,
    checks: report.checks,
    samples: report.audit.samples,
  });
}

/**
 * The cache key: the content of every input file (never its name or URI), the settings that shape the
 * outputs, and the data phase's version. Null when an input cannot be resolved: the run then reports it.
 */
async function cacheKey(spec: PipelineSpec, inputs: SourceInputs[]): Promise<string | null> {
  if (inputs.some((s) => s.problem)) return null;
  const digests = await digestInputs(inputs);
  const settings = { ...spec.data, sources: spec.data.sources.map(({ path: _path, ...options }) => options) };
  return createHash('sha256')
    .update(canonicalJson({ version: DATA_PHASE_VERSION, pipeline: spec.name, settings, inputs: inputs.map((s, i) => ({ source: s.index, files: s.files.length, at: i })), digests }))
    .digest('hex');
}

async function readCache(store: ArtifactStore, key: string): Promise<PreparedData | null> {
  const raw = await store.readNamed(cacheName(key));
  if (!raw) return null;
  const prepared = JSON.parse(raw.toString('utf8')) as PreparedData;
  // An entry whose artifacts were deleted is a miss, not a failure.
  for (const ref of [prepared.train, prepared.validation, prepared.test, prepared.report, prepared.audit]) {
    if (!(await store.exists(ref))) return null;
  }
  return { ...prepared, cached: true };
}

function cacheName(key: string): string {
  return `data-cache/${key}.json`;
}

