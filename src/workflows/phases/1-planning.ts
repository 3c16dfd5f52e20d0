import { proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type * as control from '../../activities/control';
import { NON_RETRYABLE_FAILURES } from '../../failures';
import { PipelineName } from '../../pipeline/search-attributes';
import type { PipelineInput, Plan, ResolvedPipeline } from '../../pipeline/types';
import type { PipelineTracker } from '../status';

const { resolvePipeline, planPipeline } = proxyActivities<typeof control>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE_FAILURES },
});

/**
 * Phase 1: validate the spec and its requirements, choose fine-tuning vs RAG vs function calling,
 * size the data and the GPU.
 */
export async function planningPhase(tracker: PipelineTracker, input: PipelineInput): Promise<{ pipeline: ResolvedPipeline; plan: Plan }> {
  return tracker.phase('planning', async (summary) => {
    const pipeline = await resolvePipeline(input);
    tracker.status.pipeline = pipeline.spec.name;
    upsertSearchAttributes([{ key: PipelineName, value: pipeline.spec.name }]);

    const plan = await planPipeline({ spec: pipeline.spec });
    Object.assign(summary, { approach: plan.approach, gpuMemoryGb: plan.gpuMemoryGb, minimumExamples: plan.minimumExamples });
    tracker.status.warnings.push(...plan.warnings);
    return { pipeline, plan };
  });
}
