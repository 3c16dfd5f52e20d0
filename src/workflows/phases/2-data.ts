import type { Plan, PreparedData, ResolvedPipeline } from '../../pipeline/types';
import { cpuActivities } from '../activities';
import type { PipelineTracker } from '../status';

/** Phase 2: collect the sources, check their quality, split 80/10/10 without leakage. */
export async function dataPhase(tracker: PipelineTracker, pipeline: ResolvedPipeline, plan: Plan): Promise<PreparedData> {
  const { prepareData } = cpuActivities(pipeline.queues);
  return tracker.phase('data', async (summary) => {
    const data = await prepareData({ spec: pipeline.spec, baseDir: pipeline.baseDir });
    Object.assign(summary, {
      collected: data.counts.collected,
      kept: data.counts.kept,
      train: data.counts.train,
      validation: data.counts.validation,
      test: data.counts.test,
      completeness: data.quality.completeness,
    });
    if (data.counts.kept < plan.minimumExamples) {
      tracker.status.warnings.push(
        `dataset has ${data.counts.kept} examples; the guideline for ${pipeline.spec.training.method} is ${plan.minimumExamples}+`,
      );
    }
    return data;
  });
}
