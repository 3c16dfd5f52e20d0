import path from 'node:path';
import { pipelinesDir, projectRoot } from './paths';

/**
 * Where workers may read pipelines, data and models from. These come from the worker's environment, set by
 * whoever deploys the workers; nothing in a workflow input can widen them.
 *
 * - TEMPERED_PIPELINES_DIRS: more pipeline directories after `pipelines/` (':'-separated, like PATH)
 * - TEMPERED_DATA_ROOTS: directories data sources may lie under (default: the project's `data/`); a spec's own
 *   directory tree is always allowed for relative paths
 * - TEMPERED_DATA_BUCKETS: S3 buckets `s3://` sources may name (default: none)
 * - TEMPERED_MODEL_ROOTS: directories a `base_model` path may lie under (default: none)
 * - TEMPERED_ALLOW_INLINE_SPECS=1: accept a whole spec object as input (tests and local development)
 */
export interface WorkerRoots {
  pipelineDirs: string[];
  dataRoots: string[];
  dataBuckets: string[];
  modelRoots: string[];
  allowInlineSpecs: boolean;
}

export function workerRoots(env: NodeJS.ProcessEnv = process.env): WorkerRoots {
  return {
    pipelineDirs: [pipelinesDir, ...pathList(env.TEMPERED_PIPELINES_DIRS)],
    dataRoots: env.TEMPERED_DATA_ROOTS === undefined ? [path.join(projectRoot, 'data')] : pathList(env.TEMPERED_DATA_ROOTS),
    dataBuckets: (env.TEMPERED_DATA_BUCKETS ?? '').split(/[\s,]+/).filter(Boolean),
    modelRoots: pathList(env.TEMPERED_MODEL_ROOTS),
    allowInlineSpecs: env.TEMPERED_ALLOW_INLINE_SPECS === '1' || env.TEMPERED_ALLOW_INLINE_SPECS === 'true',
  };
}

function pathList(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(path.delimiter)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => path.resolve(p));
}
