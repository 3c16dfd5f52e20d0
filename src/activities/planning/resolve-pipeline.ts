import { createHash } from 'node:crypto';
import { canonicalJson } from '../../canonical-json';
import { approverKeys } from '../../config/approvers';
import { alertTargets } from '../../config/alert-targets';
import { taskQueues } from '../../config/queues';
import { workerRoots, type WorkerRoots } from '../../config/roots';
import { fail } from '../../failures';
import type { PipelineInput, ResolvedPipeline } from '../../pipeline/types';
import { cataloguedNames } from '../../spec/catalogue';
import { confineSpecPaths } from '../../spec/confine';
import { loadCataloguedSpec, loadInlineSpec, SpecError, type LoadedSpec } from '../../spec/load';

/**
 * Turns the workflow's one argument, which anyone able to start a workflow controls, into a validated spec
 * this worker is willing to run: a pipeline of the catalogue (or an inline spec where the workers allow it),
 * overrides of run-time tunable fields only, data and model paths inside the configured roots, approvers and
 * alert targets known to the workers. A refusal fails at once, without retries, listing every problem.
 */
export async function resolvePipeline(input: PipelineInput): Promise<ResolvedPipeline> {
  if (!input || typeof input !== 'object' || (typeof input.pipeline !== 'string' && !isObject(input.pipeline))) {
    throw fail('InvalidPipelineSpec', 'expected the input { "pipeline": "<pipeline name>", "overrides"?: { "training.epochs": 1 } }');
  }
  const roots = workerRoots();
  try {
    const loaded = typeof input.pipeline === 'string' ? loadCataloguedSpec(input.pipeline, input.overrides, roots) : loadInline(input, roots);
    const spec = confineSpecPaths(loaded.spec, { specDir: loaded.file ? loaded.baseDir : null, roots, source: loaded.source });
    checkWorkerConfiguration(spec, loaded.source);
    return { spec, source: loaded.source, baseDir: loaded.baseDir, specHash: hashSpec(spec), queues: taskQueues() };
  } catch (err) {
    if (err instanceof SpecError) throw fail(err.type, err.message, err.problems);
    throw err;
  }
}

function loadInline(input: PipelineInput, roots: WorkerRoots): LoadedSpec {
  if (!roots.allowInlineSpecs) {
    throw new SpecError(
      [{ file: '<inline>', path: 'pipeline', message: 'inline specs are off on these workers; name a pipeline of the catalogue (TEMPERED_ALLOW_INLINE_SPECS=1 allows them in development)' }],
      'PathNotAllowed',
    );
  }
  const loaded = loadInlineSpec(input.pipeline, input.overrides, roots.dataRoots[0]);
  if (cataloguedNames(roots.pipelineDirs).has(loaded.spec.name)) {
    throw new SpecError([{ file: '<inline>', path: 'name', message: `"${loaded.spec.name}" is a catalogued pipeline; an inline spec needs a name of its own` }], 'PathNotAllowed');
  }
  return loaded;
}

/** Approvers and alert targets are named in the spec but defined by the workers; a name they do not know is a spec error. */
function checkWorkerConfiguration(spec: ResolvedPipeline['spec'], source: string): void {
  const problems = [];
  const { approval } = spec.deployment;
  if (approval.mode === 'human') {
    const keys = approverKeys();
    approval.approvers.forEach((name, i) => {
      if (!keys.has(name)) problems.push({ file: source, path: `deployment.approval.approvers.${i}`, message: `"${name}" has no public key in the workers' TEMPERED_APPROVER_KEYS file` });
    });
  }
  const target = spec.monitoring.alert?.target;
  const targets = target ? alertTargets() : null;
  if (target && !targets!.has(target)) {
    problems.push({ file: source, path: 'monitoring.alert.target', message: `"${target}" is not an alert target of the workers (TEMPERED_ALERT_TARGETS: ${[...targets!.keys()].join(', ') || 'none'})` });
  }
  if (problems.length > 0) throw new SpecError(problems);
}

/** A hash of the spec's content with keys sorted, so formatting and key order do not change it. */
export function hashSpec(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
