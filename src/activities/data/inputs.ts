import path from 'node:path';
import { workerRoots } from '../../config/roots';
import { fail } from '../../failures';
import { isInside } from '../../spec/catalogue';
import { confineDataPath } from '../../spec/confine';
import type { DataSource, PipelineSpec } from '../../spec/schema';
import type { InputFile } from './input/input-file';
import { displayOf, localInputFiles } from './input/local-files';

/** The files one configured source reads, in the order its records come. */
export interface SourceInputs {
  source: DataSource;
  /** Position in `data.sources`, for messages (`data.sources.1.path`). */
  index: number;
  files: InputFile[];
  /** Production feedback: its records go to train only, never to the held-out splits (see placeGroups). */
  trainOnly?: boolean;
  /** Why the source could not be resolved (a missing file, a glob matching nothing); reported in source order. */
  problem?: { file: string; message: string };
}

export interface ResolveOptions {
  /**
   * Check every path against this worker's data roots. Workers always do: the paths come from a workflow
   * input. `tempered data check` on the user's own machine reads what the user can read anyway.
   */
  confine: boolean;
}

/**
 * Expands every source into its files: a path, a glob, a `.gz` file or an `s3://` object or glob. A path the
 * worker may not read fails the run at once, before any file is opened; a missing file or an empty glob is a
 * data problem, which the first pass reports in its place among the others.
 */
export async function resolveInputs(spec: PipelineSpec, baseDir: string, options: ResolveOptions): Promise<SourceInputs[]> {
  const roots = workerRoots();
  const specDir = roots.pipelineDirs.some((dir) => isInside(path.resolve(baseDir), path.resolve(dir))) ? baseDir : null;
  const allowedTrees = [...(specDir ? [specDir] : []), ...roots.dataRoots].map((p) => path.resolve(p));
  const refusals: string[] = [];
  const configured = spec.data.sources.map((source, i) => {
    const target = source.path.startsWith('s3://') ? source.path : path.resolve(baseDir, source.path);
    if (!options.confine) return target;
    const confined = confineDataPath(target, { specDir, roots, source: spec.name });
    if (typeof confined === 'string') return confined;
    refusals.push(`data.sources.${i}.path: ${confined.refused}`);
    return target;
  });
  if (refusals.length > 0) throw fail('PathNotAllowed', `path refused:\n  ${refusals.join('\n  ')}`);

  const allowed = (real: string) => !options.confine || allowedTrees.some((tree) => isInside(real, tree));
  const resolved: SourceInputs[] = [];
  for (const [index, source] of spec.data.sources.entries()) {
    const target = configured[index]!;
    // The S3 client loads only when a source needs it: it costs a noticeable part of a small check's start-up.
    const { files, problem } = target.startsWith('s3://') ? await (await import('./input/s3-files')).s3InputFiles(target) : await localInputFiles(target, allowed);
    resolved.push({ source, index, files, ...(problem ? { problem: { file: target.startsWith('s3://') ? target : displayOf(target), message: problem } } : {}) });
  }
  return resolved;
}
