import fs from 'node:fs';
import path from 'node:path';
import { openArtifactStore } from '../../artifacts/store';
import { fail } from '../../failures';
import type { ArtifactRef, EvaluationResult, OutOfDomainResult, PipelineSpec } from '../../pipeline/types';
import { writeGeneralRecords } from '../data/general-records';
import { activityWorkDir } from '../trainer/work-dir';
import { pairedChange, pairedComparisons } from './compare-arms';

/**
 * The spec's out-of-domain set, read on this worker within its data roots (the path came with the workflow
 * input), capped, and stored in the evaluation's chat format; the evaluations of both models read it from there.
 */
export async function prepareOutOfDomainSet({ spec }: { spec: PipelineSpec }): Promise<ArtifactRef> {
  const set = spec.evaluation.out_of_domain;
  if (!set) throw fail('InvalidPipelineSpec', 'evaluation.out_of_domain: not set');
  const workDir = activityWorkDir('out-of-domain');
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  try {
    const out = path.join(workDir, 'out-of-domain.jsonl');
    const limit = set.max_samples ?? spec.evaluation.max_samples;
    await writeGeneralRecords(spec, [{ specPath: 'evaluation.out_of_domain.path', configured: set.path, out, limit }]);
    return await openArtifactStore().putFile(out, { mediaType: 'application/x-ndjson' });
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

/**
 * What fine-tuning cost outside its domain: both models' scores on the out-of-domain set, the paired difference
 * in token F1 with its 95% interval and p-value, and the drop relative to the base model.
 */
export async function measureOutOfDomainDrop({ spec, base, fineTuned }: { spec: PipelineSpec; base: EvaluationResult; fineTuned: EvaluationResult }): Promise<OutOfDomainResult> {
  const store = openArtifactStore();
  const comparisons = await pairedComparisons(store, base.report, fineTuned.report, spec.data.split.seed);
  const f1 = comparisons?.token_f1;
  if (!f1) throw new Error('the out-of-domain evaluations hold no per-answer scores to compare');
  const baseF1 = base.metrics.token_f1;
  // A model that scored nothing before cannot lose a share of it.
  const relativeDrop = baseF1 > 0 ? -f1.difference.estimate / baseF1 : 0;
  const result: Omit<OutOfDomainResult, 'report'> = {
    samples: fineTuned.samples,
    base: { token_f1: baseF1, loss: base.metrics.loss },
    fineTuned: { token_f1: fineTuned.metrics.token_f1, loss: fineTuned.metrics.loss },
    tokenF1Change: pairedChange(f1),
    relativeDrop,
    maxRelativeDrop: spec.evaluation.out_of_domain?.max_relative_drop ?? null,
  };
  const report = await store.putJson({ kind: 'tempered.out-of-domain/v1', pipeline: spec.name, ...result, reports: { base: base.report, fineTuned: fineTuned.report } });
  return { ...result, report };
}
