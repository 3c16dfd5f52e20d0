import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { taskQueues } from '../../config/queues';
import type { PipelineInput, ResolvedPipeline } from '../../pipeline/types';
import { loadInlineSpec, loadSpecFile, SpecError } from '../../spec/load';

/**
 * Turns the workflow's one argument into a validated spec. A bad spec fails at once, without retries,
 * with every problem listed (file, line, spec path, what was expected).
 */
export async function resolvePipeline(input: PipelineInput): Promise<ResolvedPipeline> {
  if (!input || typeof input !== 'object' || input.pipeline === undefined) {
    throw ApplicationFailure.nonRetryable(
      'expected the input { "pipeline": "<name, path or inline spec>", "overrides"?: {...} }',
      'InvalidPipelineSpec',
    );
  }
  try {
    const loaded =
      typeof input.pipeline === 'string' ? loadSpecFile(input.pipeline, input.overrides) : loadInlineSpec(input.pipeline, input.overrides);
    return {
      spec: loaded.spec,
      source: loaded.source,
      baseDir: loaded.baseDir,
      specHash: hashSpec(loaded.spec),
      queues: taskQueues(),
    };
  } catch (err) {
    if (err instanceof SpecError) throw ApplicationFailure.nonRetryable(err.message, 'InvalidPipelineSpec', err.problems);
    throw err;
  }
}

/** A hash of the spec's content with keys sorted, so formatting and key order do not change it. */
export function hashSpec(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
